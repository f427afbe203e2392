using System.Linq;
using Embedded.Converter.Float.Operators;
using Embedded.Converter.Graph;

namespace Embedded.Converter.Passes;

/// <summary>
/// ReduceMean over the spatial axes (2, 3) of an NCHW tensor — <c>x.mean([2, 3])</c> in PyTorch (ShuffleNetV2,
/// EfficientNet exports) — is a GlobalAveragePool, followed by a Flatten when keepdims = 0. Other ReduceMeans stay as
/// they are (the quantizer refuses them by name).
/// </summary>
public static class ReduceMeanToGlobalAveragePool
{
    public static int Run(ModelGraph graph)
    {
        int rewritten = 0;
        foreach (var node in graph.Nodes.Where(n => n.OpType == "ReduceMean").ToList())
        {
            var shape = graph.Value(node.Inputs[0]).Shape;
            if (shape is null || shape.Length != 4) continue;
            var axes = ReduceMean.Axes(node, 4, node.HasInput(1) ? GraphEditing.ConstantOf(graph, node.Inputs[1]) : null);
            if (!axes.SequenceEqual(new[] { 2, 3 })) continue;
            bool keep = node.Attributes.Int("keepdims", 1) != 0;
            string output = node.Outputs[0];
            string pooled = keep ? output : output + "/pooled";
            int at = graph.Nodes.IndexOf(node);
            graph.Nodes[at] = new Node(node.Name, "GlobalAveragePool", new[] { node.Inputs[0] }, new[] { pooled });
            if (!keep)
            {
                var flatten = new Node(node.Name + "/flatten", "Flatten", new[] { pooled }, new[] { output });
                flatten.Attributes.Set("axis", new AttributeValue { Kind = AttributeKind.Int, Int = 1 });
                graph.Nodes.Insert(at + 1, flatten);
            }
            rewritten++;
        }
        return rewritten;
    }
}
