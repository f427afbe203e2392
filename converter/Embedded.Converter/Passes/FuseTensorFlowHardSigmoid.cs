using System;
using System.Linq;
using Embedded.Converter.Graph;

namespace Embedded.Converter.Passes;

/// <summary>
/// TensorFlow writes MobileNetV3's h-sigmoid as relu6(x + 3) · (1/6), and TFLite folds the +3 into the producing
/// convolution's bias, leaving Conv → Clip(0, 6) → Mul(1/6). This becomes Conv (bias − 3) → HardSigmoid(1/6, 0.5),
/// which is the same function and the form the output stage fuses. A factor within 1e-3 of 1/6 counts as 1/6:
/// models dequantized from int8 carry 1/6 on an 8-bit grid (e.g. 0.16667 ± 0.0003), and the gate's own 8-bit
/// output step (1/255) is larger than that difference.
/// </summary>
public static class FuseTensorFlowHardSigmoid
{
    public static int Run(ModelGraph graph)
    {
        int fused = 0;
        foreach (var clip in graph.Nodes.Where(n => n.OpType == "Clip").ToList())
        {
            var (min, max) = new Float.Operators.Clip().Bounds(clip, k => GraphEditing.ConstantOf(graph, clip.Input(k)));
            if (min != 0 || max != 6) continue;
            string clipped = clip.Outputs[0];
            if (!GraphEditing.HasSingleConsumer(graph, clipped) || GraphEditing.IsGraphOutput(graph, clipped)) continue;
            var mul = GraphEditing.Consumers(graph, clipped)[0];
            if (mul.OpType != "Mul" || mul.Inputs.Count != 2) continue;
            var k = GraphEditing.ConstantOf(graph, mul.Inputs[mul.Inputs[0] == clipped ? 1 : 0]);
            if (k is null || k.Floats.Length != 1 || Math.Abs(k.Floats[0] - 1f / 6f) > 1e-3f) continue;
            var conv = GraphEditing.Producer(graph, clip.Inputs[0]);
            if (conv is null || conv.OpType != "Conv" || !conv.HasInput(2) || !GraphEditing.HasSingleConsumer(graph, clip.Inputs[0])) continue;
            var bias = GraphEditing.ConstantOf(graph, conv.Inputs[2]);
            if (bias is null) continue;

            conv.Inputs[2] = GraphEditing.AddConstant(graph, conv.Inputs[2] + "/minus3", TensorData.FromFloats(bias.Shape, bias.Floats.Select(b => b - 3f).ToArray()));
            var hardSigmoid = new Node(clip.Name, "HardSigmoid", new[] { clip.Inputs[0] }, new[] { mul.Outputs[0] }, new()
            {
                ["alpha"] = new AttributeValue { Kind = AttributeKind.Float, Float = 1f / 6f },
                ["beta"] = new AttributeValue { Kind = AttributeKind.Float, Float = 0.5f },
            });
            int at = graph.Nodes.IndexOf(clip);
            graph.Nodes.Remove(mul);
            graph.Nodes[at] = hardSigmoid;
            graph.Values.Remove(clipped);
            fused++;
        }
        return fused;
    }
}
