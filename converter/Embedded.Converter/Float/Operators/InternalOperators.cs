using System;
using System.Linq;
using System.Numerics.Tensors;
using Embedded.Converter.Graph;

namespace Embedded.Converter.Float.Operators;

/// <summary>Names of the converter's own operators and attributes (prefixed so they never clash with ONNX's).</summary>
public static class InternalOps
{
    /// <summary>y[n,c,…] = (x − mean[c]) / std[c]: the model's input normalization, made explicit by a pass.</summary>
    public const string Normalize = "Emb.Normalize";
    /// <summary>x · sigmoid(x).</summary>
    public const string Swish = "Emb.Swish";
    /// <summary>[N, …] × W[Cout, K]ᵀ + b: Flatten/Reshape + Gemm fused.</summary>
    public const string FullyConnected = "Emb.FullyConnected";
    /// <summary>Channel j of the output is channel indices[j] of the input (axis 1 of NCHW): shuffles, slices, splits.</summary>
    public const string GatherChannels = "Emb.GatherChannels";
    /// <summary>A reshape that keeps the runtime's storage order (NHWC for 4-D tensors, logical order otherwise).</summary>
    public const string LayoutReshape = "Emb.LayoutReshape";
    /// <summary>Attribute on Conv / Emb.FullyConnected naming the activation fused into it.</summary>
    public const string ActivationAttribute = "emb.activation";

    public static readonly string[] FusableActivations = { "Relu", "Relu6", "HardSigmoid", "HardSwish" };

    /// <summary>The fused activation's float function (h-sigmoid with alpha 1/6, beta 1/2).</summary>
    public static Func<float, float> Activation(Node node, string name) => name switch
    {
        "Relu" => x => x > 0 ? x : 0,
        "Relu6" => x => MathF.Min(6f, MathF.Max(0f, x)),
        "HardSigmoid" => x => MathF.Max(0f, MathF.Min(1f, x * (1f / 6f) + 0.5f)),
        "HardSwish" => x => x * MathF.Max(0f, MathF.Min(1f, x * (1f / 6f) + 0.5f)),
        _ => throw new GraphException(node, $"unknown fused activation '{name}'"),
    };

    public static void ApplyFusedActivation(Node node, float[] values)
    {
        if (!node.Attributes.Has(ActivationAttribute)) return;
        var f = Activation(node, node.Attributes.String(ActivationAttribute, ""));
        for (int i = 0; i < values.Length; i++) values[i] = f(values[i]);
    }
}

public sealed class Normalize : FloatOperator
{
    public override string OpType => InternalOps.Normalize;
    public override void Check(Node node) => node.Attributes.AllowOnly("mean", "std");

    public override OutputInfo[] Infer(Node node, ValueInfo?[] inputs)
    {
        var x = ShapeOf(node, inputs, 0);
        var mean = node.Attributes.Has("mean") ? node.Attributes.Tensor("mean").Floats : Array.Empty<float>();
        if (x.Length < 2 || mean.Length != x[1]) throw new GraphException(node, $"{mean.Length} means for {(x.Length < 2 ? 0 : x[1])} channels");
        return new[] { new OutputInfo(x, DataKind.Float) };
    }

    public override TensorData[] Execute(Node node, TensorData?[] inputs)
    {
        var x = Required(node, inputs, 0);
        var mean = node.Attributes.Tensor("mean").Floats;
        var std = node.Attributes.Tensor("std").Floats;
        int c = x.Shape[1], inner = x.Length / (x.Shape[0] * c);
        var y = new float[x.Length];
        for (int i = 0; i < y.Length; i++)
        {
            int ch = i / inner % c;
            y[i] = (x.Floats[i] - mean[ch]) / std[ch];
        }
        return new[] { TensorData.FromFloats(x.Shape, y) };
    }
}

public sealed class Swish : UnaryOperator
{
    public override string OpType => InternalOps.Swish;
    protected override string[] AllowedAttributes => Array.Empty<string>();
    protected override Func<float, float> Function(Node node, TensorData?[] inputs) => x => x / (1f + MathF.Exp(-x));
}

/// <summary>Rows of K inputs times W[Cout, K]ᵀ plus bias, optionally with a fused activation.</summary>
public sealed class FullyConnectedOp : FloatOperator
{
    public override string OpType => InternalOps.FullyConnected;
    public override void Check(Node node) => node.Attributes.AllowOnly(InternalOps.ActivationAttribute);

    public override OutputInfo[] Infer(Node node, ValueInfo?[] inputs)
    {
        var x = ShapeOf(node, inputs, 0);
        var w = ShapeOf(node, inputs, 1);
        int k = w[1];
        if (TensorData.ElementCount(x) % k != 0 || x[0] * k != TensorData.ElementCount(x)) throw new GraphException(node, $"input [{string.Join(",", x)}] is not {x[0]} rows of {k}");
        return new[] { new OutputInfo(new[] { x[0], w[0] }, DataKind.Float) };
    }

    public override TensorData[] Execute(Node node, TensorData?[] inputs)
    {
        var x = Required(node, inputs, 0);
        var w = Required(node, inputs, 1);
        var b = node.HasInput(2) ? Required(node, inputs, 2).Floats : null;
        int rows = x.Shape[0], cout = w.Shape[0], k = w.Shape[1];
        var y = new float[rows * cout];
        for (int r = 0; r < rows; r++)
        for (int o = 0; o < cout; o++)
            y[r * cout + o] = TensorPrimitives.Dot(x.Floats.AsSpan(r * k, k), w.Floats.AsSpan(o * k, k)) + (b?[o] ?? 0f);
        InternalOps.ApplyFusedActivation(node, y);
        return new[] { TensorData.FromFloats(new[] { rows, cout }, y) };
    }
}
