using System.Linq;
using Embedded.Converter.Float.Operators;
using Embedded.Converter.Graph;

namespace Embedded.Converter.Passes;

/// <summary>
/// A BatchNormalization that could not fold into a producer becomes what it is, a per-channel affine: a
/// depthwise 1×1 Conv with weight m[c] and bias o[c] — which the quantizer lowers like any depthwise layer.
/// </summary>
public static class BatchNormToDepthwise
{
    public static int Run(ModelGraph graph)
    {
        int rewritten = 0;
        foreach (var bn in graph.Nodes.Where(n => n.OpType == "BatchNormalization").ToList())
        {
            var stats = Enumerable.Range(1, 4).Select(k => GraphEditing.ConstantOf(graph, bn.Inputs[k])).ToArray();
            var shape = graph.Value(bn.Inputs[0]).Shape;
            if (stats.Any(s => s is null) || shape is null || shape.Length != 4) continue;
            var (m, o) = BatchNormalization.Affine(bn, stats[0]!, stats[1]!, stats[2]!, stats[3]!);
            int c = shape[1];
            string weights = GraphEditing.AddConstant(graph, bn.Name + "/affine_weights", TensorData.FromFloats(new[] { c, 1, 1, 1 }, m));
            string bias = GraphEditing.AddConstant(graph, bn.Name + "/affine_bias", TensorData.FromFloats(new[] { c }, o));
            var conv = new Node(bn.Name, "Conv", new[] { bn.Inputs[0], weights, bias }, new[] { bn.Outputs[0] }, new()
            {
                ["group"] = new AttributeValue { Kind = AttributeKind.Int, Int = c },
                ["kernel_shape"] = new AttributeValue { Kind = AttributeKind.Ints, Ints = new long[] { 1, 1 } },
            });
            graph.Nodes[graph.Nodes.IndexOf(bn)] = conv;
            rewritten++;
        }
        return rewritten;
    }
}
