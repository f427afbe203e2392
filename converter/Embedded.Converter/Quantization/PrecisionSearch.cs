using System;
using System.Collections.Generic;
using System.Linq;
using Embedded.Converter.Calibration;
using Embedded.Converter.Graph;
using Embedded.Runtime.Execution;
using Embedded.Runtime.Format;

namespace Embedded.Converter.Quantization;

/// <summary>One measured candidate: how many activations kept 16 bits and the output SQNR that gave.</summary>
public sealed record PrecisionStep(int Int16Values, double OutputSqnrDb);

/// <summary>What the search chose (the values to keep in 16 bits), out of how many, and every step it measured.</summary>
public sealed record PrecisionChoice(IReadOnlySet<string> Int16Values, int Candidates, IReadOnlyList<PrecisionStep> Steps);

/// <summary>
/// Mixed precision by measured error: quantize to 8 bits; if the output SQNR (against the float model, on the scoring
/// images) is below the level where 8 bits are kept (by default the target), then while it is below the target give 16 bits to twice as many activations, noisiest first (the lowest SQNR of
/// their own rounding, <see cref="LocalQuantizationNoise"/>), up to all of them. Each step is a real quantized model
/// run by the interpreter, so what is measured is what ships. The scoring images should be ones the ranges were not
/// calibrated on: on its own calibration images a model looks better than it is (EfficientNet-B0: 15.7 dB there,
/// 9.2 dB on other images).
/// </summary>
public static class PrecisionSearch
{
    public static PrecisionChoice Run(ModelGraph graph, IReadOnlyDictionary<string, ActivationStatistics> stats, QuantizerOptions options,
        IReadOnlyList<byte[]> scoring, double targetSqnr, double? keepInt8AboveSqnr = null)
    {
        var candidates = Closed(graph, Candidates(graph, options)).ToList();
        var steps = new List<PrecisionStep>();
        (QuantizedModel model, double sqnr) Measure(ISet<string> wide)
        {
            var model = Quantizer.Quantize(graph, stats, With(options, wide));
            var runnable = EmbeddedModel.Load(ModelWriter.Write(model.Definition));
            double sqnr = LayerErrorAnalysis.OutputSqnr(graph, LayerErrorAnalysis.Run(graph, runnable, scoring));
            steps.Add(new PrecisionStep(wide.Count, sqnr));
            return (model, sqnr);
        }

        var chosen = new HashSet<string>();
        var (narrow, bestSqnr) = Measure(chosen);
        if (bestSqnr >= (keepInt8AboveSqnr ?? targetSqnr) || candidates.Count == 0) return new PrecisionChoice(chosen, candidates.Count, steps);

        var noise = LocalQuantizationNoise.Measure(graph, narrow, scoring);
        var ranked = candidates.OrderBy(v => noise.TryGetValue(v, out double db) ? db : double.PositiveInfinity).ToList();
        for (int count = Math.Max(1, ranked.Count / 16); ; count = Math.Min(ranked.Count, count * 2))
        {
            var wide = Closed(graph, ranked.Take(count));
            double sqnr = Measure(wide).sqnr;
            // More 16-bit values cost speed, so a wider set is kept only if it measures better.
            if (sqnr > bestSqnr) { bestSqnr = sqnr; chosen = wide; }
            // The closure may already hold every candidate: a larger count would measure the same set again.
            if (sqnr >= targetSqnr || count == ranked.Count || wide.Count >= ranked.Count) break;
        }
        return new PrecisionChoice(chosen, candidates.Count, steps);
    }

    /// <summary>Every activation that may take 16 bits (softmax reads 8 bits only), closed over <see cref="Closed"/>.</summary>
    public static ISet<string> All(ModelGraph graph, QuantizerOptions options) => Closed(graph, Candidates(graph, options));

    /// <summary>The options with <paramref name="wide"/> added to the values kept in 16 bits.</summary>
    public static QuantizerOptions With(QuantizerOptions o, IEnumerable<string> wide)
    {
        var merged = new HashSet<string>(o.Int16Values);
        merged.UnionWith(wide);
        return new QuantizerOptions
        {
            Method = o.Method, PerChannelDepthwiseInputs = o.PerChannelDepthwiseInputs, Int16Values = merged, Rounding = o.Rounding,
            MseWeightClipping = o.MseWeightClipping, Metadata = o.Metadata, Detection = o.Detection,
        };
    }

    private static List<string> Candidates(ModelGraph graph, QuantizerOptions options)
    {
        var eightBitOnly = new HashSet<string>(graph.Nodes.Where(n => n.OpType == "Softmax").Select(n => n.Inputs[0]));
        return graph.Nodes.Where(n => n.OpType != Float.Operators.InternalOps.Normalize).SelectMany(n => n.Outputs)
            .Where(v => v.Length > 0 && !graph.Outputs.Contains(v) && !eightBitOnly.Contains(v) && !options.Int16Values.Contains(v))
            .Distinct().ToList();
    }

    /// <summary>
    /// Values that must share an element type: the inputs and output of Add and Concat, and the input and output of
    /// the operators whose output takes its input's type (reshapes, channel gathers, resize, pooling) or whose
    /// 16-bit form gives 16 bits (tables). Widening one member widens the group.
    /// </summary>
    private static readonly HashSet<string> SharesType = new()
    {
        "Add", "Concat", Float.Operators.InternalOps.LayoutReshape, Float.Operators.InternalOps.GatherChannels, "Resize", "MaxPool", "AveragePool",
        "Relu", "HardSwish", "HardSigmoid", "Sigmoid", "Tanh", Float.Operators.InternalOps.Swish, "Clip", "LeakyRelu",
    };

    internal static HashSet<string> Closed(ModelGraph graph, IEnumerable<string> values)
    {
        var set = new HashSet<string>(values);
        var adds = graph.Nodes.Where(n => SharesType.Contains(n.OpType))
            .Select(n => (n.OpType is "Add" or "Concat" ? n.Inputs : n.Inputs.Take(1))
                .Where(i => i.Length > 0 && !graph.Value(i).IsConstant && !graph.Inputs.Contains(i)).Concat(n.Outputs.Take(1)).ToArray()).ToList();
        for (bool changed = true; changed;)
        {
            changed = false;
            foreach (var group in adds)
                if (group.Any(set.Contains) && !group.All(set.Contains)) { set.UnionWith(group); changed = true; }
        }
        return set;
    }
}
