using System;
using System.Collections.Generic;
using System.Linq;
using Embedded.Converter.Graph;

namespace Embedded.Converter.Float.Operators;

/// <summary>
/// ReduceMean over any axes, axes as attribute (opsets 11–17) or as input 1 (18+), keepdims (default 1) and
/// noop_with_empty_axes (18+: no axes means no reduction when set, else all axes). Sums in double, one rounding to float.
/// </summary>
public sealed class ReduceMean : FloatOperator
{
    public override string OpType => "ReduceMean";

    public override void Check(Node node) => node.Attributes.AllowOnly("axes", "keepdims", "noop_with_empty_axes");

    /// <summary>The reduced axes in ascending order (every axis when none are given, none for noop_with_empty_axes).</summary>
    public static int[] Axes(Node node, int rank, TensorData? axesInput)
    {
        long[]? axes = node.HasInput(1)
            ? (axesInput ?? throw new GraphException(node, "axes (input 1) must be constant")).AsLongs()
            : node.Attributes.IntsOrNull("axes");
        if (axes is null || axes.Length == 0)
            return node.Attributes.Int("noop_with_empty_axes", 0) != 0 ? Array.Empty<int>() : Enumerable.Range(0, rank).ToArray();
        var set = new SortedSet<int>();
        foreach (long a in axes)
        {
            int axis = NormalizeAxis(node, a, rank);
            if (!set.Add(axis)) throw new GraphException(node, $"axis {a} is listed twice");
        }
        return set.ToArray();
    }

    public static int[] OutputShape(Node node, int[] x, int[] axes)
    {
        bool keep = node.Attributes.Int("keepdims", 1) != 0;
        var y = new List<int>();
        for (int d = 0; d < x.Length; d++)
        {
            if (Array.IndexOf(axes, d) < 0) y.Add(x[d]);
            else if (keep) y.Add(1);
        }
        return y.ToArray();
    }

    public override OutputInfo[] Infer(Node node, ValueInfo?[] inputs)
    {
        var x = ShapeOf(node, inputs, 0);
        var axes = Axes(node, x.Length, node.HasInput(1) ? inputs[1]?.Constant : null);
        return new[] { new OutputInfo(OutputShape(node, x, axes), DataKind.Float) };
    }

    public override TensorData[] Execute(Node node, TensorData?[] inputs)
    {
        var x = Required(node, inputs, 0);
        var axes = Axes(node, x.Shape.Length, node.HasInput(1) ? inputs[1] : null);
        var outShape = OutputShape(node, x.Shape, axes);
        int rank = x.Shape.Length;
        // Each input element adds to the output element with the reduced coordinates dropped.
        var strides = new int[rank];
        int stride = 1;
        for (int d = rank - 1; d >= 0; d--)
        {
            strides[d] = Array.IndexOf(axes, d) >= 0 ? 0 : stride;
            if (strides[d] != 0) stride *= x.Shape[d];
        }
        var sums = new double[stride];
        var index = new int[rank];
        for (int i = 0; i < x.Floats.Length; i++)
        {
            int at = 0;
            for (int d = 0; d < rank; d++) at += index[d] * strides[d];
            sums[at] += x.Floats[i];
            for (int d = rank - 1; d >= 0 && ++index[d] == x.Shape[d]; d--) index[d] = 0;
        }
        long count = sums.Length == 0 ? 1 : x.Floats.Length / sums.Length;
        return new[] { TensorData.FromFloats(outShape, sums.Select(s => (float)(s / Math.Max(1, count))).ToArray()) };
    }
}
