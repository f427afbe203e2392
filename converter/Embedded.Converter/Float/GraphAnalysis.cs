using System;
using System.Collections.Generic;
using System.Linq;
using Embedded.Converter.Float.Operators;
using Embedded.Converter.Graph;

namespace Embedded.Converter.Float;

/// <summary>
/// Shape inference and constant folding in one walk over the nodes: every node is checked (known operator,
/// supported attributes), every output gets its shape, and a node whose inputs are all constant — or a Shape
/// of a value with a known shape — is evaluated and removed. This is how PyTorch's Pad subgraphs
/// (Shape/ConstantOfShape/Concat/Slice/Transpose/Cast/Reshape) become constant pads.
/// </summary>
public static class GraphAnalysis
{
    /// <summary>The largest constant folding may create (32 M elements; real folds are pads and shapes, weights come from the file).</summary>
    public const long MaxFoldedElements = 1L << 25;

    public static void Run(ModelGraph graph)
    {
        var kept = new List<Node>();
        foreach (var node in graph.Nodes)
        {
            if (node.OpType == "Softmax" && graph.OpsetVersion < 13 && !node.Attributes.Has("coerce_2d"))
                node.Attributes.Set("coerce_2d", new AttributeValue { Kind = AttributeKind.Int, Int = 1 });
            var op = OperatorRegistry.For(node);
            op.Check(node);
            // Every pass after this one reads a node's first output (found by fuzzing: a Reshape without outputs).
            if (node.Outputs.Count == 0 || node.Outputs[0].Length == 0) throw new GraphException(node, "has no output");
            var inputs = node.Inputs.Select(name => name.Length == 0 ? null : graph.Values.TryGetValue(name, out var v) ? v : throw new GraphException(node, $"input '{name}' is not produced by any earlier node")).ToArray();
            var infos = op.Infer(node, inputs);
            if (infos.Length < node.Outputs.Count(o => o.Length > 0))
                throw new GraphException(node, $"{node.Outputs.Count} outputs requested, the operator gives {infos.Length}");

            TensorData[]? folded = null;
            bool foldable = op is ShapeOperator || inputs.All(v => v is null || v.IsConstant);
            // Folding makes tensors from shapes and attributes, not from the file's bytes: a few bytes can ask for gigabytes.
            if (foldable && op is not ShapeOperator)
                foreach (var info in infos)
                    if (info.Shape is { } shape && shape.Aggregate(1L, (n, d) => n * Math.Max(d, 0)) > MaxFoldedElements)
                        throw new GraphException(node, $"folding it would make a constant of shape [{string.Join(",", shape)}], more than {MaxFoldedElements:N0} elements");
            if (op is ShapeOperator)
                folded = new[] { ShapeOperator.FromShape(node, inputs[0]!.Shape!) };
            else if (inputs.All(v => v is null || v.IsConstant))
                folded = op.Execute(node, inputs.Select(v => v?.Constant).ToArray());

            for (int k = 0; k < node.Outputs.Count; k++)
            {
                if (node.Outputs[k].Length == 0) continue;
                graph.Values[node.Outputs[k]] = new ValueInfo(node.Outputs[k], infos[k].Kind, infos[k].Shape, folded?[k]);
            }
            if (folded is null) kept.Add(node);
        }
        graph.Nodes.Clear();
        graph.Nodes.AddRange(kept);
        foreach (string output in graph.Outputs)
            if (!graph.Values.ContainsKey(output)) throw new GraphException($"graph output '{output}' is not produced by any node");
        RemoveUnusedValues(graph);
    }

    /// <summary>Drops constants and values that no remaining node or output refers to (folded shape arithmetic).</summary>
    public static void RemoveUnusedValues(ModelGraph graph)
    {
        var used = new HashSet<string>(graph.Inputs.Concat(graph.Outputs));
        foreach (var node in graph.Nodes)
        {
            used.UnionWith(node.Inputs.Where(i => i.Length > 0));
            used.UnionWith(node.Outputs.Where(o => o.Length > 0));
        }
        foreach (string name in graph.Values.Keys.ToList())
            if (!used.Contains(name)) graph.Values.Remove(name);
    }
}
