using System.Collections.Generic;
using System.Linq;
using Embedded.Converter.Float.Operators;
using Embedded.Converter.Graph;

namespace Embedded.Converter.Passes;

/// <summary>
/// Slices and Splits of a 4-D tensor along channels only become <see cref="InternalOps.GatherChannels"/>; a gather of a
/// gather becomes one gather (ShuffleNet's shuffle followed by its channel split: one move instead of two), and a
/// gather that keeps every channel in place disappears.
/// </summary>
public static class ChannelSelections
{
    public static int Run(ModelGraph graph)
    {
        int rewritten = 0;
        for (int at = 0; at < graph.Nodes.Count; at++)
        {
            var node = graph.Nodes[at];
            var shape = graph.Value(node.Inputs[0]).Shape;
            if (shape is null || shape.Length != 4) continue;
            var selections = node.OpType switch { "Slice" => SliceChannels(graph, node, shape), "Split" => SplitChannels(graph, node, shape), _ => null };
            if (selections is null) continue;
            graph.Nodes.RemoveAt(at);
            for (int k = 0; k < selections.Count; k++)
            {
                if (node.Outputs[k].Length == 0) continue;
                graph.Nodes.Insert(at++, Gather(node.Outputs.Count == 1 ? node.Name : $"{node.Name}/{k}", node.Inputs[0], node.Outputs[k], selections[k]));
            }
            at--;
            rewritten++;
        }
        Compose(graph);
        return rewritten;
    }

    private static Node Gather(string name, string input, string output, int[] indices)
    {
        var node = new Node(name, InternalOps.GatherChannels, new[] { input }, new[] { output });
        node.Attributes.Set("indices", new AttributeValue { Kind = AttributeKind.Ints, Ints = indices.Select(i => (long)i).ToArray() });
        return node;
    }

    private static int[] IndicesOf(Node gather) => gather.Attributes.Ints("indices", System.Array.Empty<long>()).Select(v => (int)v).ToArray();

    /// <summary>The channels a Slice keeps when it slices nothing but axis 1 with constant parameters; else null.</summary>
    private static List<int[]>? SliceChannels(ModelGraph graph, Node node, int[] shape)
    {
        var args = new TensorData?[node.Inputs.Count];
        for (int k = 1; k < args.Length; k++)
        {
            if (!node.HasInput(k)) continue;
            args[k] = GraphEditing.ConstantOf(graph, node.Inputs[k]);
            if (args[k] is null) return null;
        }
        // Run the Slice on a tensor of positions: which (channel, pixel) elements come through tells what it selects.
        int c = shape[1], plane = shape[2] * shape[3], n = shape[0];
        args[0] = TensorData.FromLongs(shape, Enumerable.Range(0, TensorData.ElementCount(shape)).Select(i => (long)i).ToArray());
        var result = new Slice().Execute(node, args)[0];
        if (result.Shape[0] != n || result.Shape[2] != shape[2] || result.Shape[3] != shape[3]) return null;
        var indices = new int[result.Shape[1]];
        for (int j = 0; j < indices.Length; j++) indices[j] = (int)(result.Longs[j * plane] / plane % c);
        for (int i = 0; i < result.Longs.Length; i++)
        {
            int b = i / (indices.Length * plane), j = i / plane % indices.Length, p = i % plane;
            if (result.Longs[i] != ((long)b * c + indices[j]) * plane + p) return null;
        }
        return indices.Length == 0 ? null : new List<int[]> { indices };
    }

    private static List<int[]>? SplitChannels(ModelGraph graph, Node node, int[] shape)
    {
        var splitInput = node.HasInput(1) ? GraphEditing.ConstantOf(graph, node.Inputs[1]) : null;
        if (node.HasInput(1) && splitInput is null) return null;
        var (axis, sizes) = Split.Plan(node, shape, splitInput);
        if (axis != 1) return null;
        var result = new List<int[]>();
        int start = 0;
        foreach (int size in sizes) { result.Add(Enumerable.Range(start, size).ToArray()); start += size; }
        return result;
    }

    /// <summary>Gathers of gathers become one; gathers that change nothing and gathers nobody reads go.</summary>
    private static void Compose(ModelGraph graph)
    {
        foreach (var node in graph.Nodes.Where(n => n.OpType == InternalOps.GatherChannels).ToList())
        {
            var inner = GraphEditing.Producer(graph, node.Inputs[0]);
            if (inner is null || inner.OpType != InternalOps.GatherChannels) continue;
            var innerIndices = IndicesOf(inner);
            var composed = IndicesOf(node).Select(j => innerIndices[j]).ToArray();
            node.Inputs[0] = inner.Inputs[0];
            node.Attributes.Set("indices", new AttributeValue { Kind = AttributeKind.Ints, Ints = composed.Select(i => (long)i).ToArray() });
        }
        foreach (var node in graph.Nodes.Where(n => n.OpType == InternalOps.GatherChannels).ToList())
        {
            var indices = IndicesOf(node);
            var shape = graph.Value(node.Inputs[0]).Shape;
            bool keepsAll = shape is not null && indices.Length == shape[1] && indices.Select((v, i) => v == i).All(x => x);
            if (keepsAll && !GraphEditing.IsGraphOutput(graph, node.Outputs[0]))
            {
                GraphEditing.ReplaceUses(graph, node.Outputs[0], node.Inputs[0]);
                graph.Nodes.Remove(node);
            }
        }
        bool removed = true;
        while (removed)
        {
            removed = false;
            foreach (var node in graph.Nodes.Where(n => n.OpType == InternalOps.GatherChannels).ToList())
                if (!GraphEditing.IsGraphOutput(graph, node.Outputs[0]) && GraphEditing.Consumers(graph, node.Outputs[0]).Count == 0)
                {
                    graph.Nodes.Remove(node);
                    removed = true;
                }
        }
    }
}
