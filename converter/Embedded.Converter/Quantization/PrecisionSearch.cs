using System;
using System.Collections.Generic;
using System.Linq;
using Embedded.Converter.Calibration;
using Embedded.Converter.Graph;
using Embedded.Runtime.Execution;
using Embedded.Runtime.Format;

namespace Embedded.Converter.Quantization;

/// <summary>
/// One measured candidate: how many activations kept 16 bits, the output SQNR that gave and, for a segmentation model,
/// the worst image's share of pixels whose class agrees with the float model (<see cref="ClassMapAgreement"/>).
/// </summary>
public sealed record PrecisionStep(int Int16Values, double OutputSqnrDb, double? ClassAgreement = null)
{
    /// <summary>Whether this candidate reaches <paramref name="sqnrDb"/> and, for a class map, <paramref name="agreement"/>.</summary>
    public bool Reaches(double sqnrDb, double agreement) => OutputSqnrDb >= sqnrDb && (ClassAgreement is not double a || a >= agreement);

    /// <summary>Better than <paramref name="other"/>: more pixels agree (class maps), else a higher SQNR.</summary>
    public bool Beats(PrecisionStep other) =>
        ClassAgreement is double a && other.ClassAgreement is double b && a != b ? a > b : OutputSqnrDb > other.OutputSqnrDb;

    public override string ToString() => $"{Int16Values} → {OutputSqnrDb:F1} dB" + (ClassAgreement is double c ? $" / {100 * c:F1} %" : "");
}

/// <summary>
/// What the search chose (the values to keep in 16 bits), out of how many, every step it measured, and whether bias
/// correction is needed on top (tried only when no width reached the goals, kept only when it measured better).
/// </summary>
public sealed record PrecisionChoice(IReadOnlySet<string> Int16Values, int Candidates, IReadOnlyList<PrecisionStep> Steps, bool BiasCorrection = false);

/// <summary>
/// Mixed precision by measured error: quantize to 8 bits; if the output SQNR (against the float model, on the scoring
/// images) is below the level where 8 bits are kept (by default the target), then while it is below the target give 16 bits to twice as many activations, noisiest first (the lowest SQNR of
/// their own rounding, <see cref="LocalQuantizationNoise"/>), up to all of them. A segmentation model must also keep
/// every scoring image's per-pixel classes (<see cref="ClassMapAgreement"/>) at the agreement floor. Each step is a real quantized model
/// run by the interpreter, so what is measured is what ships. The scoring images should be ones the ranges were not
/// calibrated on: on its own calibration images a model looks better than it is (EfficientNet-B0: 15.7 dB there,
/// 9.2 dB on other images).
/// </summary>
public static class PrecisionSearch
{
    public static PrecisionChoice Run(ModelGraph graph, IReadOnlyDictionary<string, ActivationStatistics> stats, QuantizerOptions options,
        IReadOnlyList<byte[]> scoring, double targetSqnr, double? keepInt8AboveSqnr = null, double classAgreement = ClassMapAgreement.DefaultFloor,
        IReadOnlyList<byte[]>? biasCorrectionImages = null)
    {
        var candidates = Closed(graph, Candidates(graph, options)).ToList();
        var steps = new List<PrecisionStep>();
        PrecisionStep Score(QuantizedModel model, int wide)
        {
            var runnable = EmbeddedModel.Load(ModelWriter.Write(model.Definition));
            double sqnr = LayerErrorAnalysis.OutputSqnr(graph, LayerErrorAnalysis.Run(graph, runnable, scoring));
            var step = new PrecisionStep(wide, sqnr, ClassMapAgreement.Worst(graph, runnable, scoring));
            steps.Add(step);
            return step;
        }
        (QuantizedModel model, PrecisionStep step) Measure(ISet<string> wide)
        {
            var model = Quantizer.Quantize(graph, stats, With(options, wide));
            return (model, Score(model, wide.Count));
        }

        var chosen = new HashSet<string>();
        var (narrow, best) = Measure(chosen);
        if (best.Reaches(keepInt8AboveSqnr ?? targetSqnr, classAgreement) || candidates.Count == 0) return new PrecisionChoice(chosen, candidates.Count, steps);

        var noise = LocalQuantizationNoise.Measure(graph, narrow, scoring);
        var ranked = candidates.OrderBy(v => noise.TryGetValue(v, out double db) ? db : double.PositiveInfinity).ToList();
        for (int count = Math.Max(1, ranked.Count / 16); ; count = Math.Min(ranked.Count, count * 2))
        {
            var wide = Closed(graph, ranked.Take(count));
            var step = Measure(wide).step;
            // More 16-bit values cost speed, so a wider set is kept only if it measures better.
            if (step.Beats(best)) { best = step; chosen = wide; }
            // The closure may already hold every candidate: a larger count would measure the same set again.
            if (step.Reaches(targetSqnr, classAgreement) || count == ranked.Count || wide.Count >= ranked.Count) break;
        }
        // No width reached the goals: bias correction of the best set may (random-weight LR-ASPP: 94.1 → 95 % of pixels).
        if (!best.Reaches(targetSqnr, classAgreement) && biasCorrectionImages is { Count: > 0 })
        {
            var corrected = BiasCorrection.Apply(graph, Quantizer.Quantize(graph, stats, With(options, chosen)), biasCorrectionImages);
            if (corrected.Layers > 0 && Score(corrected.Model, chosen.Count) is var step && step.Beats(best))
                return new PrecisionChoice(chosen, candidates.Count, steps, BiasCorrection: true);
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
