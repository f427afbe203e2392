using System;
using System.Numerics.Tensors;
using Embedded.Converter.Graph;

namespace Embedded.Converter.Float.Operators;

/// <summary>Gemm: Y = alpha·A'·B' + beta·C with optional transposes; C broadcasts to [M, N].</summary>
public sealed class Gemm : FloatOperator
{
    public override string OpType => "Gemm";

    public override void Check(Node node)
    {
        node.Attributes.AllowOnly("alpha", "beta", "transA", "transB");
        if (node.Inputs.Count < 2 || node.Inputs.Count > 3) throw new GraphException(node, $"expects 2 or 3 inputs, has {node.Inputs.Count}");
    }

    private static (int m, int k, int n) Dims(Node node, int[] a, int[] b)
    {
        if (a.Length != 2 || b.Length != 2) throw new GraphException(node, "A and B must be matrices");
        bool ta = node.Attributes.Int("transA", 0) != 0, tb = node.Attributes.Int("transB", 0) != 0;
        int m = ta ? a[1] : a[0], k = ta ? a[0] : a[1];
        int kb = tb ? b[1] : b[0], n = tb ? b[0] : b[1];
        if (k != kb) throw new GraphException(node, $"inner dimensions differ: A [{string.Join(",", a)}], B [{string.Join(",", b)}]");
        return (m, k, n);
    }

    public override OutputInfo[] Infer(Node node, ValueInfo?[] inputs)
    {
        var (m, _, n) = Dims(node, ShapeOf(node, inputs, 0), ShapeOf(node, inputs, 1));
        if (node.HasInput(2)) BinaryOperator.BroadcastShape(node, new[] { m, n }, ShapeOf(node, inputs, 2));
        return new[] { new OutputInfo(new[] { m, n }, DataKind.Float) };
    }

    public override TensorData[] Execute(Node node, TensorData?[] inputs)
    {
        var a = RequiredFloats(node, inputs, 0);
        var b = RequiredFloats(node, inputs, 1);
        var (m, k, n) = Dims(node, a.Shape, b.Shape);
        bool ta = node.Attributes.Int("transA", 0) != 0, tb = node.Attributes.Int("transB", 0) != 0;
        float alpha = node.Attributes.Float("alpha", 1f), beta = node.Attributes.Float("beta", 1f);
        var at = ta ? Transpose2D(a.Floats, a.Shape[0], a.Shape[1]) : a.Floats;
        var bt = tb ? b.Floats : Transpose2D(b.Floats, b.Shape[0], b.Shape[1]); // rows of B' as contiguous vectors
        var y = new float[m * n];
        var c = node.HasInput(2) ? RequiredFloats(node, inputs, 2) : null;
        if (c is not null) BinaryOperator.BroadcastShape(node, new[] { m, n }, c.Shape);
        int[]? cs = c is null ? null : BinaryOperator.BroadcastStrides(c.Shape, new[] { m, n });
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            float dot = TensorPrimitives.Dot(at.AsSpan(i * k, k), bt.AsSpan(j * k, k));
            y[i * n + j] = alpha * dot + (c is null ? 0f : beta * c.Floats[i * cs![0] + j * cs[1]]);
        }
        return new[] { TensorData.FromFloats(new[] { m, n }, y) };
    }

    internal static float[] Transpose2D(float[] x, int rows, int cols)
    {
        var t = new float[x.Length];
        for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++)
            t[c * rows + r] = x[r * cols + c];
        return t;
    }
}

/// <summary>MatMul of [..., M, K] by a [K, N] matrix (the classifier-head case).</summary>
public sealed class MatMul : FloatOperator
{
    public override string OpType => "MatMul";

    public override void Check(Node node)
    {
        node.Attributes.AllowOnly();
        if (node.Inputs.Count != 2) throw new GraphException(node, $"expects 2 inputs, has {node.Inputs.Count}");
    }

    public override OutputInfo[] Infer(Node node, ValueInfo?[] inputs)
    {
        var a = ShapeOf(node, inputs, 0);
        var b = ShapeOf(node, inputs, 1);
        if (a.Length < 2 || b.Length != 2) throw new GraphException(node, $"only [..., M, K] × [K, N] is supported, got [{string.Join(",", a)}] × [{string.Join(",", b)}]");
        if (a[^1] != b[0]) throw new GraphException(node, $"inner dimensions differ: {a[^1]} vs {b[0]}");
        var y = (int[])a.Clone();
        y[^1] = b[1];
        return new[] { new OutputInfo(y, DataKind.Float) };
    }

    public override TensorData[] Execute(Node node, TensorData?[] inputs)
    {
        var a = RequiredFloats(node, inputs, 0);
        var b = RequiredFloats(node, inputs, 1);
        int k = b.Shape[0], n = b.Shape[1], rows = a.Length / k;
        var bt = Gemm.Transpose2D(b.Floats, k, n);
        var y = new float[rows * n];
        for (int i = 0; i < rows; i++)
        for (int j = 0; j < n; j++)
            y[i * n + j] = TensorPrimitives.Dot(a.Floats.AsSpan(i * k, k), bt.AsSpan(j * k, k));
        var shape = (int[])a.Shape.Clone();
        shape[^1] = n;
        return new[] { TensorData.FromFloats(shape, y) };
    }
}
