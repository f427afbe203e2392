using System;
using Embedded.Converter.Graph;

namespace Embedded.Converter.Float.Operators;

/// <summary>Inference BatchNormalization over axis 1: y = scale·(x − mean)/√(var + ε) + bias.</summary>
public sealed class BatchNormalization : FloatOperator
{
    public override string OpType => "BatchNormalization";

    public override void Check(Node node)
    {
        node.Attributes.AllowOnly("epsilon", "momentum", "training_mode", "spatial");
        if (node.Attributes.Int("training_mode", 0) != 0) throw new GraphException(node, "training_mode = 1 is not supported (inference only)");
        if (node.Attributes.Int("spatial", 1) != 1) throw new GraphException(node, "spatial = 0 is not supported");
        if (node.Inputs.Count != 5) throw new GraphException(node, $"expects 5 inputs, has {node.Inputs.Count}");
        for (int i = 1; i < node.Outputs.Count; i++)
            if (node.Outputs[i].Length > 0) throw new GraphException(node, "running mean/variance outputs are not supported (inference only)");
    }

    public override OutputInfo[] Infer(Node node, ValueInfo?[] inputs)
    {
        var x = ShapeOf(node, inputs, 0);
        if (x.Length < 2) throw new GraphException(node, "input must have a channel axis");
        for (int k = 1; k < 5; k++)
            if (ShapeOf(node, inputs, k) is var s && (s.Length != 1 || s[0] != x[1])) throw new GraphException(node, $"input {k} must have {x[1]} values");
        return new[] { new OutputInfo(x, DataKind.Float) };
    }

    /// <summary>Per-channel (multiplier, offset) with y = multiplier·x + offset; used by BN folding too.</summary>
    public static (float[] multiplier, float[] offset) Affine(Node node, TensorData scale, TensorData bias, TensorData mean, TensorData variance)
    {
        float epsilon = node.Attributes.Float("epsilon", 1e-5f);
        int c = scale.Length;
        if (scale.Kind != DataKind.Float || bias.Kind != DataKind.Float || mean.Kind != DataKind.Float || variance.Kind != DataKind.Float)
            throw new GraphException(node, "scale, bias, mean and variance must be float tensors");
        if (bias.Length != c || mean.Length != c || variance.Length != c)
            throw new GraphException(node, $"scale, bias, mean and variance must have one value per channel ({c}, {bias.Length}, {mean.Length}, {variance.Length})");
        var m = new float[c];
        var o = new float[c];
        for (int i = 0; i < c; i++)
        {
            m[i] = scale.Floats[i] / MathF.Sqrt(variance.Floats[i] + epsilon);
            o[i] = bias.Floats[i] - mean.Floats[i] * m[i];
        }
        return (m, o);
    }

    public override TensorData[] Execute(Node node, TensorData?[] inputs)
    {
        var x = Required(node, inputs, 0);
        var (m, o) = Affine(node, Required(node, inputs, 1), Required(node, inputs, 2), Required(node, inputs, 3), Required(node, inputs, 4));
        int n = x.Shape[0], c = x.Shape[1], inner = x.Length / Math.Max(1, n * c);
        var y = new float[x.Length];
        for (int b = 0; b < n; b++)
        for (int ch = 0; ch < c; ch++)
        {
            int start = (b * c + ch) * inner;
            for (int i = start; i < start + inner; i++) y[i] = x.Floats[i] * m[ch] + o[ch];
        }
        return new[] { TensorData.FromFloats(x.Shape, y) };
    }
}
