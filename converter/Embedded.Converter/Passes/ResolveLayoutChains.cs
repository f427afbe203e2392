using System.Collections.Generic;
using System.Linq;
using Embedded.Converter.Float;
using Embedded.Converter.Float.Operators;
using Embedded.Converter.Graph;

namespace Embedded.Converter.Passes;

/// <summary>
/// Chains of Reshape / Transpose / Flatten / Squeeze / Unsqueeze are judged by what they do to the runtime's storage
/// (NHWC for 4-D tensors): a chain that keeps every element where it is becomes a free <see cref="InternalOps.LayoutReshape"/>
/// (an SSD head's [N,A·K,H,W] → [N,A,K,H,W] → [N,H,W,A,K] → [N,H·W·A,K]), one that only reorders channels becomes
/// one <see cref="InternalOps.GatherChannels"/> (ShuffleNet's Reshape/Transpose/Reshape channel shuffle). The element
/// map is found by running the chain's own float operators on a tensor of storage positions, so any spelling of the
/// same rearrangement is recognised. Chains that move elements otherwise stay as they are; the quantizer refuses them
/// by name.
/// </summary>
public static class ResolveLayoutChains
{
    private static readonly HashSet<string> Rearranging = new() { "Reshape", "Transpose", "Flatten", "Squeeze", "Unsqueeze" };

    /// <summary>Above this many elements the storage map is not traced (no such activation in a mobile CNN).</summary>
    private const int MaxTracedElements = 1 << 24;

    public static int Run(ModelGraph graph)
    {
        int rewritten = 0;
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var start in graph.Nodes.Where(n => Rearranging.Contains(n.OpType)).ToList())
            {
                if (IsChainLink(graph, GraphEditing.Producer(graph, start.Inputs[0]))) continue;
                var chain = new List<Node> { start };
                while (GraphEditing.HasSingleConsumer(graph, chain[^1].Outputs[0]) && GraphEditing.Consumers(graph, chain[^1].Outputs[0])[0] is { } next && Rearranging.Contains(next.OpType))
                    chain.Add(next);
                // The longest prefix with a storage meaning wins; the rest is looked at again on the next round.
                for (int length = chain.Count; length >= 1; length--)
                {
                    var replacement = Classify(graph, chain.Take(length).ToList());
                    if (replacement is null) continue;
                    int at = graph.Nodes.IndexOf(start);
                    foreach (var node in chain.Take(length)) graph.Nodes.Remove(node);
                    graph.Nodes.Insert(at, replacement);
                    rewritten++;
                    changed = true;
                    break;
                }
                if (changed) break;
            }
        }
        return rewritten;
    }

    private static bool IsChainLink(ModelGraph graph, Node? producer) =>
        producer is not null && Rearranging.Contains(producer.OpType) && GraphEditing.HasSingleConsumer(graph, producer.Outputs[0]);

    /// <summary>The storage-level replacement of a chain, or null when it moves elements in some other way.</summary>
    internal static Node? Classify(ModelGraph graph, List<Node> chain)
    {
        var inShape = graph.Value(chain[0].Inputs[0]).Shape;
        if (inShape is null || TensorData.ElementCount(inShape) > MaxTracedElements) return null;
        var map = StorageMap(graph, chain, inShape);
        if (map is null) return null;
        var (outShape, source) = map.Value;
        string input = chain[0].Inputs[0], output = chain[^1].Outputs[0], name = chain[^1].Name;
        if (source.Select((s, i) => s == i).All(same => same))
        {
            var node = new Node(name, InternalOps.LayoutReshape, new[] { input }, new[] { output });
            node.Attributes.Set("shape", new AttributeValue { Kind = AttributeKind.Ints, Ints = outShape.Select(d => (long)d).ToArray() });
            return node;
        }
        var indices = ChannelPermutation(inShape, outShape, source);
        if (indices is null) return null;
        var gather = new Node(name, InternalOps.GatherChannels, new[] { input }, new[] { output });
        gather.Attributes.Set("indices", new AttributeValue { Kind = AttributeKind.Ints, Ints = indices.Select(i => (long)i).ToArray() });
        return gather;
    }

    /// <summary>For each storage position of the output, the storage position of the input it comes from.</summary>
    private static (int[] shape, long[] source)? StorageMap(ModelGraph graph, List<Node> chain, int[] inShape)
    {
        var positions = StorageOrder.FromStorage(Enumerable.Range(0, TensorData.ElementCount(inShape)).Select(i => (long)i).ToArray(), inShape);
        var t = TensorData.FromLongs(inShape, positions);
        foreach (var node in chain)
        {
            var args = new TensorData?[node.Inputs.Count];
            args[0] = t;
            for (int k = 1; k < args.Length; k++)
            {
                if (!node.HasInput(k)) continue;
                args[k] = GraphEditing.ConstantOf(graph, node.Inputs[k]);
                if (args[k] is null) return null;
            }
            t = OperatorRegistry.For(node).Execute(node, args)[0];
        }
        return (t.Shape, StorageOrder.ToStorage(t.Longs, t.Shape));
    }

    /// <summary>indices[j] when output channel j of every pixel is input channel indices[j] of the same pixel, else null.</summary>
    private static int[]? ChannelPermutation(int[] inShape, int[] outShape, long[] source)
    {
        if (inShape.Length != 4 || outShape.Length != 4 || !inShape.SequenceEqual(outShape)) return null;
        int channels = inShape[1];
        var indices = new int[channels];
        for (int j = 0; j < channels; j++) indices[j] = (int)source[j];
        for (int i = 0; i < source.Length; i++)
            if (source[i] != i / channels * channels + indices[i % channels]) return null;
        return indices;
    }
}
