using System;
using System.Linq;
using Embedded.Converter.Float.Operators;
using Embedded.Converter.Graph;

namespace Embedded.Converter.Passes;

/// <summary>
/// Folds element-wise scaling and shifting right after the input normalization into it: models exported from
/// TensorFlow often compute x·2 − 1 themselves on an input in [0, 1]. With x = (u − m)/s,
/// x·a = (u − m)/(s/a) and x ± b = (u − (m ∓ b·s))/s, so the constants move into mean and std (per channel when
/// the constant is) and the board keeps one exact integer step.
/// </summary>
public static class FoldAffineIntoInputNormalization
{
    public static int Run(ModelGraph graph)
    {
        var normalize = graph.Nodes.FirstOrDefault(n => n.OpType == InternalOps.Normalize);
        if (normalize is null) return 0;
        int folded = 0;
        while (true)
        {
            string value = normalize.Outputs[0];
            if (!GraphEditing.HasSingleConsumer(graph, value) || GraphEditing.IsGraphOutput(graph, value)) break;
            var next = GraphEditing.Consumers(graph, value)[0];
            if (next.OpType is not ("Mul" or "Add" or "Sub" or "Div") || next.Inputs.Count != 2 || next.Inputs[0] == next.Inputs[1]) break;
            // Sub and Div only as x − b and x / a; Mul and Add either way round.
            if (next.Inputs[0] != value && next.OpType is "Sub" or "Div") break;
            var constant = GraphEditing.ConstantOf(graph, next.Inputs[next.Inputs[0] == value ? 1 : 0]);
            var mean = normalize.Attributes.Tensor("mean").Floats;
            var std = normalize.Attributes.Tensor("std").Floats;
            var perChannel = PerChannel(constant, mean.Length);
            if (perChannel is null) break;
            if (next.OpType is "Mul" or "Div" && perChannel.Any(a => !(a > 0))) break;
            var newMean = (float[])mean.Clone();
            var newStd = (float[])std.Clone();
            for (int c = 0; c < mean.Length; c++)
            {
                float k = perChannel[c];
                switch (next.OpType)
                {
                    case "Mul": newStd[c] = std[c] / k; break;
                    case "Div": newStd[c] = std[c] * k; break;
                    case "Add": newMean[c] = mean[c] - k * std[c]; break;
                    default: newMean[c] = mean[c] + k * std[c]; break;
                }
            }
            normalize.Attributes.Set("mean", new AttributeValue { Kind = AttributeKind.Tensor, Tensor = TensorData.FromFloats(new[] { mean.Length }, newMean) });
            normalize.Attributes.Set("std", new AttributeValue { Kind = AttributeKind.Tensor, Tensor = TensorData.FromFloats(new[] { std.Length }, newStd) });
            // The normalization now produces what the folded node produced.
            string output = next.Outputs[0];
            graph.Nodes.Remove(next);
            GraphEditing.ReplaceUses(graph, output, value);
            for (int i = 0; i < graph.Outputs.Count; i++) if (graph.Outputs[i] == output) graph.Outputs[i] = value;
            graph.Values.Remove(output);
            folded++;
        }
        return folded;
    }

    /// <summary>A scalar or per-channel ([C], [C,1,1], [1,C,1,1]) constant as one value per channel, else null.</summary>
    private static float[]? PerChannel(TensorData? constant, int channels)
    {
        if (constant is null || constant.Kind != DataKind.Float) return null;
        int count = constant.Floats.Length;
        if (count == 1) return Enumerable.Repeat(constant.Floats[0], channels).ToArray();
        bool channelShape = count == channels && constant.Shape.Count(d => d != 1) == 1
            && (constant.Shape.Length == 1 || constant.Shape.Length == 3 && constant.Shape[0] == channels || constant.Shape.Length == 4 && constant.Shape[1] == channels);
        return channelShape ? (float[])constant.Floats.Clone() : null;
    }
}
