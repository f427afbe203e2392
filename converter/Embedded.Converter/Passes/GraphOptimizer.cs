using System.Collections.Generic;
using Embedded.Converter.Float;
using Embedded.Converter.Graph;

namespace Embedded.Converter.Passes;

/// <summary>Runs the passes in order and re-analyses the graph; returns what each pass did, for the report.</summary>
public static class GraphOptimizer
{
    public static IReadOnlyList<string> Run(ModelGraph graph, float[]? mean = null, float[]? std = null)
    {
        var log = new List<string>
        {
            $"removed {RemoveIdentities.Run(graph)} Identity/Dropout nodes",
            $"folded {FoldPadIntoConv.Run(graph)} zero Pad nodes into Conv padding",
            $"rewrote {ReduceMeanToGlobalAveragePool.Run(graph)} spatial ReduceMean nodes as GlobalAveragePool",
            $"fused {FuseFullyConnected.Run(graph)} Gemm into FullyConnected",
            $"folded {FoldBatchNorm.Run(graph)} BatchNormalization nodes",
            $"rewrote {BatchNormToDepthwise.Run(graph)} unfoldable BatchNormalization nodes as depthwise 1×1 convolutions",
            $"rewrote {FuseTensorFlowHardSigmoid.Run(graph)} TensorFlow relu6(x + 3)/6 patterns as HardSigmoid",
            $"fused {FuseSwishPatterns.Run(graph)} x·h-sigmoid(x) / x·sigmoid(x) patterns",
            $"fused {FuseActivations.Run(graph)} activations into Conv/FullyConnected",
        };
        // The layout passes trace shapes through values the passes above created.
        GraphAnalysis.Run(graph);
        log.AddRange(new[]
        {
            $"resolved {ResolveLayoutChains.Run(graph)} Reshape/Transpose chains in NHWC storage (free reshapes, channel gathers)",
            $"turned {ChannelSelections.Run(graph)} channel Slice/Split nodes into channel gathers",
        });
        var normalization = mean is not null && std is not null ? (mean, std) : FoldInputNormalization.FromMetadata(graph);
        if (normalization is { } n)
        {
            FoldInputNormalization.Run(graph, n.mean, n.std);
            int folded = FoldAffineIntoInputNormalization.Run(graph);
            var node = graph.Nodes.Find(x => x.OpType == Float.Operators.InternalOps.Normalize)!;
            log.Add($"input takes raw pixels: mean {string.Join(",", node.Attributes.Tensor("mean").Floats)}, std {string.Join(",", node.Attributes.Tensor("std").Floats)}"
                + (folded > 0 ? $" ({folded} scale/shift nodes after the input folded in)" : ""));
        }
        GraphAnalysis.Run(graph);
        return log;
    }
}
