using System.Collections.Generic;
using System.Linq;
using Embedded.Converter.Graph;

namespace Embedded.Converter.Passes;

/// <summary>Small graph surgery shared by the passes.</summary>
internal static class GraphEditing
{
    public static List<Node> Consumers(ModelGraph graph, string value) => graph.Nodes.Where(n => n.Inputs.Contains(value)).ToList();

    public static Node? Producer(ModelGraph graph, string value) => graph.Nodes.FirstOrDefault(n => n.Outputs.Contains(value));

    public static bool IsGraphOutput(ModelGraph graph, string value) => graph.Outputs.Contains(value);

    /// <summary>True when <paramref name="value"/> feeds exactly one node and is not a graph output.</summary>
    public static bool HasSingleConsumer(ModelGraph graph, string value) =>
        !IsGraphOutput(graph, value) && graph.Nodes.Sum(n => n.Inputs.Count(i => i == value)) == 1;

    /// <summary>Makes every reader of <paramref name="from"/> read <paramref name="to"/> instead (graph outputs too).</summary>
    public static void ReplaceUses(ModelGraph graph, string from, string to)
    {
        foreach (var node in graph.Nodes)
            for (int i = 0; i < node.Inputs.Count; i++)
                if (node.Inputs[i] == from) node.Inputs[i] = to;
        for (int i = 0; i < graph.Outputs.Count; i++)
            if (graph.Outputs[i] == from) graph.Outputs[i] = to;
    }

    public static TensorData? ConstantOf(ModelGraph graph, string value) =>
        value.Length > 0 && graph.Values.TryGetValue(value, out var v) ? v.Constant : null;

    public static string AddConstant(ModelGraph graph, string name, TensorData data)
    {
        string unique = name;
        for (int i = 1; graph.Values.ContainsKey(unique); i++) unique = $"{name}_{i}";
        graph.Values[unique] = new ValueInfo(unique, data.Kind, data.Shape, data);
        return unique;
    }

    /// <summary>Whether an activation node is one the output stage can fuse, and under which name.</summary>
    public static string? FusableActivation(ModelGraph graph, Node node)
    {
        switch (node.OpType)
        {
            case "Relu":
            case "HardSwish":
                return node.OpType;
            case "HardSigmoid":
                return IsHardSigmoidOfMobileNet(node) ? "HardSigmoid" : null;
            case "Clip":
            {
                var (min, max) = new Float.Operators.Clip().Bounds(node, k => ConstantOf(graph, node.Input(k)));
                if (min == 0 && max == 6) return "Relu6";
                if (min == 0 && float.IsPositiveInfinity(max)) return "Relu";
                return null;
            }
            default:
                return null;
        }
    }

    public static bool IsHardSigmoidOfMobileNet(Node node) =>
        System.Math.Abs(node.Attributes.Float("alpha", 0.2f) - 1f / 6f) < 1e-6f && System.Math.Abs(node.Attributes.Float("beta", 0.5f) - 0.5f) < 1e-6f;
}
