using System;
using System.Collections.Generic;
using System.Linq;
using Embedded.Converter.Graph;

namespace Embedded.Converter.Float.Operators;

/// <summary>Operators that only rearrange or describe data: Flatten, Reshape, Transpose, Concat, Shape, Gather,
/// Cast, ConstantOfShape, Slice, Squeeze, Unsqueeze. They work on float and int64 tensors alike.</summary>
internal static class Rearrange
{
    public static TensorData WithShape(TensorData x, int[] shape) =>
        x.Kind == DataKind.Float ? TensorData.FromFloats(shape, x.Floats) : TensorData.FromLongs(shape, x.Longs);

    /// <summary>Gathers elements by flat source index into a tensor of <paramref name="shape"/>.</summary>
    public static TensorData Gather(TensorData x, int[] shape, int[] sourceIndex) =>
        x.Kind == DataKind.Float
            ? TensorData.FromFloats(shape, sourceIndex.Select(i => x.Floats[i]).ToArray())
            : TensorData.FromLongs(shape, sourceIndex.Select(i => x.Longs[i]).ToArray());

    public static int[] Strides(int[] shape)
    {
        var s = new int[shape.Length];
        int stride = 1;
        for (int d = shape.Length - 1; d >= 0; d--) { s[d] = stride; stride *= shape[d]; }
        return s;
    }
}

public sealed class Flatten : FloatOperator
{
    public override string OpType => "Flatten";
    public override void Check(Node node) => node.Attributes.AllowOnly("axis");

    private static int[] OutShape(Node node, int[] x)
    {
        int axis = (int)node.Attributes.Int("axis", 1);
        if (axis < 0) axis += x.Length;
        if (axis < 0 || axis > x.Length) throw new GraphException(node, $"axis {axis} is outside rank {x.Length}");
        int outer = 1, inner = 1;
        for (int d = 0; d < x.Length; d++) { if (d < axis) outer *= x[d]; else inner *= x[d]; }
        return new[] { outer, inner };
    }

    public override OutputInfo[] Infer(Node node, ValueInfo?[] inputs) => new[] { new OutputInfo(OutShape(node, ShapeOf(node, inputs, 0)), RequiredInfo(node, inputs, 0).Kind) };
    public override TensorData[] Execute(Node node, TensorData?[] inputs) { var x = Required(node, inputs, 0); return new[] { Rearrange.WithShape(x, OutShape(node, x.Shape)) }; }
}

public sealed class Reshape : FloatOperator
{
    public override string OpType => "Reshape";
    public override void Check(Node node)
    {
        node.Attributes.AllowOnly("allowzero");
        if (node.Attributes.Int("allowzero", 0) != 0) throw new GraphException(node, "allowzero = 1 is not supported");
    }

    public static int[] Resolve(Node node, int[] input, long[] requested)
    {
        var shape = new int[requested.Length];
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < requested.Length; i++)
        {
            long r = requested[i];
            if (r == 0) { if (i >= input.Length) throw new GraphException(node, "0 copies a dimension the input does not have"); shape[i] = input[i]; }
            else if (r == -1) { if (inferred >= 0) throw new GraphException(node, "more than one -1 in the shape"); inferred = i; continue; }
            else if (r < 0 || r > int.MaxValue) throw new GraphException(node, $"invalid dimension {r}");
            else shape[i] = (int)r;
            known *= shape[i];
        }
        long total = TensorData.ElementCount(input);
        if (inferred >= 0)
        {
            if (known == 0 || total % known != 0) throw new GraphException(node, $"cannot infer -1 reshaping [{string.Join(",", input)}] to [{string.Join(",", requested)}]");
            shape[inferred] = (int)(total / known);
        }
        if (TensorData.ElementCount(shape) != total) throw new GraphException(node, $"cannot reshape [{string.Join(",", input)}] to [{string.Join(",", shape)}]");
        return shape;
    }

    public override OutputInfo[] Infer(Node node, ValueInfo?[] inputs) =>
        new[] { new OutputInfo(Resolve(node, ShapeOf(node, inputs, 0), ConstantInput(node, inputs, 1, "the target shape").AsLongs()), RequiredInfo(node, inputs, 0).Kind) };

    public override TensorData[] Execute(Node node, TensorData?[] inputs)
    {
        var x = Required(node, inputs, 0);
        return new[] { Rearrange.WithShape(x, Resolve(node, x.Shape, Required(node, inputs, 1).AsLongs())) };
    }
}

public sealed class Transpose : FloatOperator
{
    public override string OpType => "Transpose";
    public override void Check(Node node) => node.Attributes.AllowOnly("perm");

    private static int[] Perm(Node node, int rank)
    {
        var p = node.Attributes.IntsOrNull("perm")?.Select(v => (int)v).ToArray() ?? Enumerable.Range(0, rank).Reverse().ToArray();
        if (p.Length != rank || p.OrderBy(v => v).Where((v, i) => v != i).Any()) throw new GraphException(node, $"perm [{string.Join(",", p)}] is not a permutation of rank {rank}");
        return p;
    }

    public override OutputInfo[] Infer(Node node, ValueInfo?[] inputs)
    {
        var x = ShapeOf(node, inputs, 0);
        return new[] { new OutputInfo(Perm(node, x.Length).Select(d => x[d]).ToArray(), RequiredInfo(node, inputs, 0).Kind) };
    }

    public override TensorData[] Execute(Node node, TensorData?[] inputs)
    {
        var x = Required(node, inputs, 0);
        var perm = Perm(node, x.Rank);
        var shape = perm.Select(d => x.Shape[d]).ToArray();
        var inStrides = Rearrange.Strides(x.Shape);
        var source = new int[x.Length];
        var index = new int[shape.Length];
        for (int i = 0; i < source.Length; i++)
        {
            int rest = i, offset = 0;
            for (int d = shape.Length - 1; d >= 0; d--) { index[d] = rest % shape[d]; rest /= shape[d]; }
            for (int d = 0; d < shape.Length; d++) offset += index[d] * inStrides[perm[d]];
            source[i] = offset;
        }
        return new[] { Rearrange.Gather(x, shape, source) };
    }
}

public sealed class Concat : FloatOperator
{
    public override string OpType => "Concat";
    public override void Check(Node node)
    {
        node.Attributes.AllowOnly("axis");
        if (!node.Attributes.Has("axis")) throw new GraphException(node, "axis is required");
        if (node.Inputs.Count < 1) throw new GraphException(node, "needs at least one input");
    }

    private static int[] OutShape(Node node, IReadOnlyList<int[]> shapes, out int axis)
    {
        int rank = shapes[0].Length;
        axis = NormalizeAxis(node, node.Attributes.Int("axis"), rank);
        var y = (int[])shapes[0].Clone();
        y[axis] = 0;
        foreach (var s in shapes)
        {
            if (s.Length != rank) throw new GraphException(node, "inputs differ in rank");
            for (int d = 0; d < rank; d++)
                if (d != axis && s[d] != y[d]) throw new GraphException(node, $"inputs differ outside axis {axis}");
            y[axis] += s[axis];
        }
        return y;
    }

    public override OutputInfo[] Infer(Node node, ValueInfo?[] inputs)
    {
        var shapes = Enumerable.Range(0, node.Inputs.Count).Select(k => ShapeOf(node, inputs, k)).ToList();
        return new[] { new OutputInfo(OutShape(node, shapes, out _), RequiredInfo(node, inputs, 0).Kind) };
    }

    public override TensorData[] Execute(Node node, TensorData?[] inputs)
    {
        var xs = Enumerable.Range(0, node.Inputs.Count).Select(k => Required(node, inputs, k)).ToList();
        var shape = OutShape(node, xs.Select(x => x.Shape).ToList(), out int axis);
        int outer = shape.Take(axis).Aggregate(1, (a, b) => a * b), inner = shape.Skip(axis + 1).Aggregate(1, (a, b) => a * b);
        bool isFloat = xs[0].Kind == DataKind.Float;
        var floats = new List<float>(); var longs = new List<long>();
        for (int o = 0; o < outer; o++)
            foreach (var x in xs)
            {
                int block = x.Shape[axis] * inner;
                if (isFloat) floats.AddRange(x.Floats.AsSpan(o * block, block).ToArray());
                else longs.AddRange(x.AsLongs().AsSpan(o * block, block).ToArray());
            }
        return new[] { isFloat ? TensorData.FromFloats(shape, floats.ToArray()) : TensorData.FromLongs(shape, longs.ToArray()) };
    }
}

public sealed class ShapeOperator : FloatOperator
{
    public override string OpType => "Shape";
    public override void Check(Node node) => node.Attributes.AllowOnly("start", "end");

    private static long[] Dims(Node node, int[] x)
    {
        long start = node.Attributes.Int("start", 0), end = node.Attributes.Int("end", x.Length);
        if (start < 0) start += x.Length;
        if (end < 0) end += x.Length;
        start = Math.Clamp(start, 0, x.Length); end = Math.Clamp(end, start, x.Length);
        return x.Skip((int)start).Take((int)(end - start)).Select(d => (long)d).ToArray();
    }

    public override OutputInfo[] Infer(Node node, ValueInfo?[] inputs) => new[] { new OutputInfo(new[] { Dims(node, ShapeOf(node, inputs, 0)).Length }, DataKind.Int64) };

    /// <summary>Shape only needs the input's shape, so it folds even when the input is not constant.</summary>
    public static TensorData FromShape(Node node, int[] shape) { var d = Dims(node, shape); return TensorData.FromLongs(new[] { d.Length }, d); }

    public override TensorData[] Execute(Node node, TensorData?[] inputs) => new[] { FromShape(node, Required(node, inputs, 0).Shape) };
}

public sealed class Gather : FloatOperator
{
    public override string OpType => "Gather";
    public override void Check(Node node) => node.Attributes.AllowOnly("axis");

    private static int[] OutShape(Node node, int[] data, int[] indices, out int axis)
    {
        axis = NormalizeAxis(node, node.Attributes.Int("axis", 0), data.Length);
        return data.Take(axis).Concat(indices).Concat(data.Skip(axis + 1)).ToArray();
    }

    public override OutputInfo[] Infer(Node node, ValueInfo?[] inputs) =>
        new[] { new OutputInfo(OutShape(node, ShapeOf(node, inputs, 0), ShapeOf(node, inputs, 1), out _), RequiredInfo(node, inputs, 0).Kind) };

    public override TensorData[] Execute(Node node, TensorData?[] inputs)
    {
        var data = Required(node, inputs, 0);
        var indices = Required(node, inputs, 1).AsLongs();
        var shape = OutShape(node, data.Shape, Required(node, inputs, 1).Shape, out int axis);
        int outer = data.Shape.Take(axis).Aggregate(1, (a, b) => a * b), inner = data.Shape.Skip(axis + 1).Aggregate(1, (a, b) => a * b), n = data.Shape[axis];
        var source = new List<int>();
        for (int o = 0; o < outer; o++)
            foreach (long idx in indices)
            {
                long i = idx < 0 ? idx + n : idx;
                if (i < 0 || i >= n) throw new GraphException(node, $"index {idx} is outside [0, {n})");
                for (int k = 0; k < inner; k++) source.Add((o * n + (int)i) * inner + k);
            }
        return new[] { Rearrange.Gather(data, shape, source.ToArray()) };
    }
}

public sealed class Cast : FloatOperator
{
    public override string OpType => "Cast";
    public override void Check(Node node)
    {
        node.Attributes.AllowOnly("to", "saturate");
        Target(node);
    }

    private static DataKind Target(Node node) => node.Attributes.Int("to") switch
    {
        1 or 10 or 11 => DataKind.Float,
        2 or 3 or 4 or 5 or 6 or 7 or 9 or 12 or 13 => DataKind.Int64,
        var t => throw new GraphException(node, $"cast to type {t} is not supported"),
    };

    public override OutputInfo[] Infer(Node node, ValueInfo?[] inputs) => new[] { new OutputInfo(ShapeOf(node, inputs, 0), Target(node)) };

    public override TensorData[] Execute(Node node, TensorData?[] inputs)
    {
        var x = Required(node, inputs, 0);
        bool toBool = node.Attributes.Int("to") == 9;
        return Target(node) == DataKind.Float
            ? new[] { TensorData.FromFloats(x.Shape, x.Kind == DataKind.Float ? x.Floats : x.Longs.Select(v => (float)v).ToArray()) }
            : new[] { TensorData.FromLongs(x.Shape, x.Kind == DataKind.Int64 ? x.Longs.Select(v => toBool ? (v != 0 ? 1L : 0L) : v).ToArray() : x.Floats.Select(v => toBool ? (v != 0 ? 1L : 0L) : (long)v).ToArray()) };
    }
}

public sealed class ConstantOfShape : FloatOperator
{
    public override string OpType => "ConstantOfShape";
    public override void Check(Node node) => node.Attributes.AllowOnly("value");

    private static int[] OutShape(Node node, long[] dims) => dims.Select(d => d < 0 || d > int.MaxValue ? throw new GraphException(node, $"invalid dimension {d}") : (int)d).ToArray();

    public override OutputInfo[] Infer(Node node, ValueInfo?[] inputs)
    {
        var shape = OutShape(node, ConstantInput(node, inputs, 0, "the shape").AsLongs());
        var kind = node.Attributes.Has("value") ? node.Attributes.Tensor("value").Kind : DataKind.Float;
        return new[] { new OutputInfo(shape, kind) };
    }

    public override TensorData[] Execute(Node node, TensorData?[] inputs)
    {
        var shape = OutShape(node, Required(node, inputs, 0).AsLongs());
        int n = TensorData.ElementCount(shape);
        var value = node.Attributes.Has("value") ? node.Attributes.Tensor("value") : TensorData.FromFloats(new[] { 1 }, new[] { 0f });
        return new[] { value.Kind == DataKind.Float ? TensorData.FromFloats(shape, Enumerable.Repeat(value.Floats[0], n).ToArray()) : TensorData.FromLongs(shape, Enumerable.Repeat(value.Longs[0], n).ToArray()) };
    }
}

/// <summary>Slice with starts/ends/axes/steps inputs (opset 10+), negative steps included.</summary>
public sealed class Slice : FloatOperator
{
    public override string OpType => "Slice";
    public override void Check(Node node)
    {
        node.Attributes.AllowOnly();
        if (node.Inputs.Count < 3) throw new GraphException(node, "expects starts and ends inputs");
    }

    private static (int[] shape, int[] start, int[] step) Plan(Node node, int[] x, long[] starts, long[] ends, long[]? axes, long[]? steps)
    {
        int rank = x.Length;
        var shape = (int[])x.Clone();
        var start = new int[rank];
        var step = Enumerable.Repeat(1, rank).ToArray();
        if (ends.Length != starts.Length) throw new GraphException(node, "starts and ends differ in length");
        for (int i = 0; i < starts.Length; i++)
        {
            int axis = NormalizeAxis(node, axes?[i] ?? i, rank);
            long st = steps?[i] ?? 1;
            if (st == 0) throw new GraphException(node, "step 0");
            long dim = x[axis];
            long s = starts[i] < 0 ? starts[i] + dim : starts[i];
            long e = ends[i] < 0 ? ends[i] + dim : ends[i];
            if (st > 0) { s = Math.Clamp(s, 0, dim); e = Math.Clamp(e, 0, dim); }
            else { s = Math.Clamp(s, -1, dim - 1); e = Math.Clamp(e, -1, dim - 1); }
            long count = st > 0 ? Math.Max(0, (e - s + st - 1) / st) : Math.Max(0, (s - e + (-st) - 1) / (-st));
            shape[axis] = (int)count;
            start[axis] = (int)s;
            step[axis] = (int)st;
        }
        return (shape, start, step);
    }

    private static (long[] starts, long[] ends, long[]? axes, long[]? steps) Args(Node node, Func<int, TensorData?> input) =>
        (input(1)!.AsLongs(), input(2)!.AsLongs(), node.HasInput(3) ? input(3)!.AsLongs() : null, node.HasInput(4) ? input(4)!.AsLongs() : null);

    public override OutputInfo[] Infer(Node node, ValueInfo?[] inputs)
    {
        for (int k = 1; k < node.Inputs.Count; k++) if (node.HasInput(k)) ConstantInput(node, inputs, k, "slice parameters");
        var (s, e, a, st) = Args(node, k => inputs[k]?.Constant);
        return new[] { new OutputInfo(Plan(node, ShapeOf(node, inputs, 0), s, e, a, st).shape, RequiredInfo(node, inputs, 0).Kind) };
    }

    public override TensorData[] Execute(Node node, TensorData?[] inputs)
    {
        var x = Required(node, inputs, 0);
        var (s, e, a, st) = Args(node, k => inputs[k]);
        var (shape, start, step) = Plan(node, x.Shape, s, e, a, st);
        var strides = Rearrange.Strides(x.Shape);
        int count = TensorData.ElementCount(shape);
        var source = new int[count];
        var index = new int[shape.Length];
        for (int i = 0; i < count; i++)
        {
            int rest = i, offset = 0;
            for (int d = shape.Length - 1; d >= 0; d--) { index[d] = rest % shape[d]; rest /= shape[d]; }
            for (int d = 0; d < shape.Length; d++) offset += (start[d] + index[d] * step[d]) * strides[d];
            source[i] = offset;
        }
        return new[] { Rearrange.Gather(x, shape, source) };
    }
}

/// <summary>Squeeze and Unsqueeze with axes as attribute (opset 11/12) or input (13+).</summary>
public sealed class SqueezeUnsqueeze : FloatOperator
{
    private readonly bool _unsqueeze;
    public SqueezeUnsqueeze(bool unsqueeze) => _unsqueeze = unsqueeze;
    public override string OpType => _unsqueeze ? "Unsqueeze" : "Squeeze";
    public override void Check(Node node) => node.Attributes.AllowOnly("axes");

    private int[] OutShape(Node node, int[] x, long[]? axes)
    {
        if (_unsqueeze)
        {
            if (axes is null) throw new GraphException(node, "axes are required");
            int rank = x.Length + axes.Length;
            var set = axes.Select(a => NormalizeAxis(node, a, rank)).ToHashSet();
            var y = new List<int>();
            int k = 0;
            for (int d = 0; d < rank; d++) y.Add(set.Contains(d) ? 1 : x[k++]);
            return y.ToArray();
        }
        var squeeze = axes?.Select(a => NormalizeAxis(node, a, x.Length)).ToHashSet() ?? Enumerable.Range(0, x.Length).Where(d => x[d] == 1).ToHashSet();
        foreach (int d in squeeze) if (x[d] != 1) throw new GraphException(node, $"cannot squeeze dimension {d} of size {x[d]}");
        return x.Where((_, d) => !squeeze.Contains(d)).ToArray();
    }

    private static long[]? Axes(Node node, Func<int, TensorData?> input) =>
        node.HasInput(1) ? (input(1) ?? throw new GraphException(node, "axes (input 1) must be constant")).AsLongs() : node.Attributes.IntsOrNull("axes");

    public override OutputInfo[] Infer(Node node, ValueInfo?[] inputs) =>
        new[] { new OutputInfo(OutShape(node, ShapeOf(node, inputs, 0), Axes(node, k => inputs[k]?.Constant)), RequiredInfo(node, inputs, 0).Kind) };

    public override TensorData[] Execute(Node node, TensorData?[] inputs)
    {
        var x = Required(node, inputs, 0);
        return new[] { Rearrange.WithShape(x, OutShape(node, x.Shape, Axes(node, k => inputs[k]))) };
    }
}
