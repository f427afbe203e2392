using System;
using System.Linq;
using Embedded.Converter.Graph;

namespace Embedded.Converter.Float.Operators;

/// <summary>
/// Pad (opset 11+: pads and constant_value as inputs; 18+: the axes the pads apply to as input 3) in constant, reflect
/// or edge mode; negative pads crop.
/// </summary>
public sealed class Pad : FloatOperator
{
    public override string OpType => "Pad";
    public override void Check(Node node)
    {
        node.Attributes.AllowOnly("mode");
        string mode = node.Attributes.String("mode", "constant");
        if (mode != "constant" && mode != "reflect" && mode != "edge") throw new GraphException(node, $"mode '{mode}' is not supported");
    }

    /// <summary>
    /// Pads as (before[d], after[d]) from the ONNX layout [x1_begin, x2_begin, …, x1_end, x2_end, …] over every axis, or
    /// over the given <paramref name="axes"/> only (opset 18), the others unpadded.
    /// </summary>
    public static (int[] before, int[] after) Amounts(Node node, long[] pads, int rank, long[]? axes = null)
    {
        if (axes is null)
        {
            if (pads.Length != 2 * rank) throw new GraphException(node, $"{pads.Length} pad values for rank {rank}");
            return (pads.Take(rank).Select(p => checked((int)p)).ToArray(), pads.Skip(rank).Select(p => checked((int)p)).ToArray());
        }
        if (pads.Length != 2 * axes.Length) throw new GraphException(node, $"{pads.Length} pad values for {axes.Length} axes");
        var before = new int[rank];
        var after = new int[rank];
        var seen = new bool[rank];
        for (int k = 0; k < axes.Length; k++)
        {
            int d = NormalizeAxis(node, axes[k], rank);
            if (seen[d]) throw new GraphException(node, $"axis {axes[k]} is listed twice");
            seen[d] = true;
            before[d] = checked((int)pads[k]);
            after[d] = checked((int)pads[axes.Length + k]);
        }
        return (before, after);
    }

    /// <summary>The axes input (opset 18), when given: it must be constant.</summary>
    private static long[]? AxesOf(Node node, Func<int, TensorData?> input) =>
        node.HasInput(3) ? (input(3) ?? throw new GraphException(node, "axes (input 3) must be constant")).AsLongs() : null;

    private static int[] OutShape(Node node, int[] x, int[] before, int[] after)
    {
        var y = x.Select((d, i) => d + before[i] + after[i]).ToArray();
        if (y.Any(d => d < 0)) throw new GraphException(node, "pads crop more than the input holds");
        return y;
    }

    public override OutputInfo[] Infer(Node node, ValueInfo?[] inputs)
    {
        var x = ShapeOf(node, inputs, 0);
        var (b, a) = Amounts(node, ConstantInput(node, inputs, 1, "pads").AsLongs(), x.Length, AxesOf(node, k => inputs[k]?.Constant));
        if (node.HasInput(2)) ConstantInput(node, inputs, 2, "constant_value");
        return new[] { new OutputInfo(OutShape(node, x, b, a), RequiredInfo(node, inputs, 0).Kind) };
    }

    public override TensorData[] Execute(Node node, TensorData?[] inputs)
    {
        var x = Required(node, inputs, 0);
        var (before, after) = Amounts(node, Required(node, inputs, 1).AsLongs(), x.Rank, AxesOf(node, k => k < inputs.Length ? inputs[k] : null));
        var shape = OutShape(node, x.Shape, before, after);
        string mode = node.Attributes.String("mode", "constant");
        float fill = node.HasInput(2) ? (float)Required(node, inputs, 2).ScalarAt(0) : 0f;
        var strides = Rearrange.Strides(x.Shape);
        int count = TensorData.ElementCount(shape);
        var y = new float[count];
        var index = new int[shape.Length];
        for (int i = 0; i < count; i++)
        {
            int rest = i, offset = 0;
            bool inside = true;
            for (int d = shape.Length - 1; d >= 0; d--) { index[d] = rest % shape[d]; rest /= shape[d]; }
            for (int d = 0; d < shape.Length && inside; d++)
            {
                int c = index[d] - before[d], n = x.Shape[d];
                if (c < 0 || c >= n)
                {
                    if (mode == "constant") { inside = false; break; }
                    if (mode == "edge") c = Math.Clamp(c, 0, n - 1);
                    else
                    {
                        if (n == 1) c = 0;
                        else { int period = 2 * (n - 1); c = ((c % period) + period) % period; if (c >= n) c = period - c; }
                    }
                }
                offset += c * strides[d];
            }
            y[i] = inside ? x.Floats[offset] : fill;
        }
        return new[] { TensorData.FromFloats(shape, y) };
    }
}
