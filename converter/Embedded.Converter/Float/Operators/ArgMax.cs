using System;
using Embedded.Converter.Graph;

namespace Embedded.Converter.Float.Operators;

/// <summary>ONNX ArgMax (opsets 11–20): int64 indices of the largest value along one axis; the first on ties.</summary>
public sealed class ArgMax : FloatOperator
{
    public override string OpType => "ArgMax";

    public override void Check(Node node)
    {
        node.Attributes.AllowOnly("axis", "keepdims", "select_last_index");
        if (node.Attributes.Int("select_last_index", 0) != 0) throw new GraphException(node, "select_last_index = 1 is not supported");
    }

    private static (int axis, int[] shape) Plan(Node node, int[] x)
    {
        int axis = NormalizeAxis(node, node.Attributes.Int("axis", 0), x.Length);
        bool keep = node.Attributes.Int("keepdims", 1) != 0;
        var shape = new int[keep ? x.Length : x.Length - 1];
        for (int d = 0, o = 0; d < x.Length; d++)
        {
            if (d == axis) { if (keep) shape[o++] = 1; }
            else shape[o++] = x[d];
        }
        return (axis, shape);
    }

    public override OutputInfo[] Infer(Node node, ValueInfo?[] inputs) => new[] { new OutputInfo(Plan(node, ShapeOf(node, inputs, 0)).shape, DataKind.Int64) };

    public override TensorData[] Execute(Node node, TensorData?[] inputs)
    {
        var x = Required(node, inputs, 0);
        var (axis, shape) = Plan(node, x.Shape);
        int outer = 1, inner = 1, n = x.Shape[axis];
        for (int d = 0; d < axis; d++) outer *= x.Shape[d];
        for (int d = axis + 1; d < x.Rank; d++) inner *= x.Shape[d];
        var result = new long[outer * inner];
        for (int o = 0; o < outer; o++)
        for (int i = 0; i < inner; i++)
        {
            int best = 0;
            for (int k = 1; k < n; k++)
                if (x.ScalarAt((o * n + k) * inner + i) > x.ScalarAt((o * n + best) * inner + i)) best = k;
            result[o * inner + i] = best;
        }
        return new[] { TensorData.FromLongs(shape, result) };
    }
}
