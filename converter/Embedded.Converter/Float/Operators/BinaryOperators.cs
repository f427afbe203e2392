using System;
using Embedded.Converter.Graph;

namespace Embedded.Converter.Float.Operators;

/// <summary>Add, Sub, Mul, Div with numpy broadcasting, on floats or (for shape arithmetic) int64.</summary>
public sealed class BinaryOperator : FloatOperator
{
    private readonly string _opType;
    private readonly Func<float, float, float> _float;
    private readonly Func<long, long, long> _long;

    public BinaryOperator(string opType, Func<float, float, float> f, Func<long, long, long> l)
    {
        _opType = opType;
        _float = f;
        _long = l;
    }

    public static BinaryOperator Add() => new("Add", (a, b) => a + b, (a, b) => a + b);
    public static BinaryOperator Sub() => new("Sub", (a, b) => a - b, (a, b) => a - b);
    public static BinaryOperator Mul() => new("Mul", (a, b) => a * b, (a, b) => a * b);
    public static BinaryOperator Div() => new("Div", (a, b) => a / b, (a, b) => b == 0 ? throw new DivideByZeroException() : a / b);

    public override string OpType => _opType;

    public override void Check(Node node)
    {
        node.Attributes.AllowOnly();
        if (node.Inputs.Count != 2) throw new GraphException(node, $"expects 2 inputs, has {node.Inputs.Count}");
    }

    public static int[] BroadcastShape(Node node, int[] a, int[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i - (rank - a.Length) >= 0 ? a[i - (rank - a.Length)] : 1;
            int db = i - (rank - b.Length) >= 0 ? b[i - (rank - b.Length)] : 1;
            if (da != db && da != 1 && db != 1) throw new GraphException(node, $"shapes [{string.Join(",", a)}] and [{string.Join(",", b)}] do not broadcast");
            result[i] = Math.Max(da, db);
        }
        return result;
    }

    public override OutputInfo[] Infer(Node node, ValueInfo?[] inputs)
    {
        var a = RequiredInfo(node, inputs, 0);
        var b = RequiredInfo(node, inputs, 1);
        var kind = a.Kind == DataKind.Float || b.Kind == DataKind.Float ? DataKind.Float : DataKind.Int64;
        return new[] { new OutputInfo(BroadcastShape(node, ShapeOf(node, inputs, 0), ShapeOf(node, inputs, 1)), kind) };
    }

    /// <summary>Flat index into an operand of <paramref name="shape"/> for output coordinate index <paramref name="i"/>.</summary>
    internal static int[] BroadcastStrides(int[] shape, int[] outShape)
    {
        var strides = new int[outShape.Length];
        int stride = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            int o = d + outShape.Length - shape.Length;
            strides[o] = shape[d] == 1 ? 0 : stride;
            stride *= shape[d];
        }
        return strides;
    }

    public override TensorData[] Execute(Node node, TensorData?[] inputs)
    {
        var a = Required(node, inputs, 0);
        var b = Required(node, inputs, 1);
        var shape = BroadcastShape(node, a.Shape, b.Shape);
        int count = TensorData.ElementCount(shape);
        var sa = BroadcastStrides(a.Shape, shape);
        var sb = BroadcastStrides(b.Shape, shape);
        var index = new int[shape.Length];
        bool isFloat = a.Kind == DataKind.Float || b.Kind == DataKind.Float;
        var floats = isFloat ? new float[count] : Array.Empty<float>();
        var longs = isFloat ? Array.Empty<long>() : new long[count];
        int ia = 0, ib = 0;
        for (int i = 0; i < count; i++)
        {
            if (isFloat) floats[i] = _float(a.Kind == DataKind.Float ? a.Floats[ia] : a.Longs[ia], b.Kind == DataKind.Float ? b.Floats[ib] : b.Longs[ib]);
            else longs[i] = _long(a.Longs[ia], b.Longs[ib]);
            // Advance the output coordinate and both operand offsets (odometer).
            for (int d = shape.Length - 1; d >= 0; d--)
            {
                index[d]++;
                ia += sa[d]; ib += sb[d];
                if (index[d] < shape[d]) break;
                ia -= sa[d] * shape[d]; ib -= sb[d] * shape[d];
                index[d] = 0;
            }
        }
        return new[] { isFloat ? TensorData.FromFloats(shape, floats) : TensorData.FromLongs(shape, longs) };
    }
}
