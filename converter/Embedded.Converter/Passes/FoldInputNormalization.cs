using System;
using Embedded.Converter.Float.Operators;
using Embedded.Converter.Graph;

namespace Embedded.Converter.Passes;

/// <summary>
/// Makes the model take raw pixels (0..255): the graph input gets an explicit Emb.Normalize node,
/// x = (pixel − mean[c]) / std[c], in front of everything that read it. The quantizer turns that node into an
/// exact integer step on the board (docs/quantization.md, "Input normalization"), so the first conv sees the
/// same normalized values and the same zero padding as the float model.
/// </summary>
public static class FoldInputNormalization
{
    public static void Run(ModelGraph graph, float[] mean, float[] std)
    {
        if (graph.Inputs.Count != 1) throw new GraphException("input normalization needs a model with exactly one input");
        string input = graph.Inputs[0];
        var shape = graph.Value(input).Shape!;
        if (shape.Length != 4 || mean.Length != shape[1] || std.Length != shape[1])
            throw new GraphException($"{mean.Length} means and {std.Length} stds for input '{input}' of shape [{string.Join(",", shape)}]");
        foreach (float s in std) if (!(s > 0)) throw new GraphException($"std {s} must be positive");
        string normalized = input + "/normalized";
        GraphEditing.ReplaceUses(graph, input, normalized);
        graph.Values[normalized] = new ValueInfo(normalized, DataKind.Float, shape);
        var node = new Node(input + "/normalize", InternalOps.Normalize, new[] { input }, new[] { normalized }, new()
        {
            ["mean"] = new AttributeValue { Kind = AttributeKind.Tensor, Tensor = TensorData.FromFloats(new[] { mean.Length }, (float[])mean.Clone()) },
            ["std"] = new AttributeValue { Kind = AttributeKind.Tensor, Tensor = TensorData.FromFloats(new[] { std.Length }, (float[])std.Clone()) },
        });
        graph.Nodes.Insert(0, node);
    }

    /// <summary>Reads "preprocess.mean"/"preprocess.std" (comma-separated) from the model metadata, if present.</summary>
    public static (float[] mean, float[] std)? FromMetadata(ModelGraph graph)
    {
        if (!graph.Metadata.TryGetValue("preprocess.mean", out var m) || !graph.Metadata.TryGetValue("preprocess.std", out var s)) return null;
        return (Parse(m, "preprocess.mean"), Parse(s, "preprocess.std"));
    }

    public static float[] Parse(string text, string what)
    {
        var parts = text.Split(',');
        var values = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!float.TryParse(parts[i].Trim(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out values[i]))
                throw new GraphException($"{what} '{text}' is not a comma-separated list of numbers");
        return values;
    }
}
