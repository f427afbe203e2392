using System;
using System.Linq;
using Embedded.Converter.Graph;

namespace Embedded.Converter.Float.Operators;

/// <summary>
/// ONNX Split: sizes from the <c>split</c> input (opset 13+) or attribute (11), else equal parts over the outputs
/// (opset 18's <c>num_outputs</c>: parts of ⌈dim / n⌉, the last one smaller).
/// </summary>
public sealed class Split : FloatOperator
{
    public override string OpType => "Split";
    public override void Check(Node node) => node.Attributes.AllowOnly("axis", "split", "num_outputs");

    /// <summary>The axis and the size of every output along it.</summary>
    public static (int axis, int[] sizes) Plan(Node node, int[] x, TensorData? splitInput)
    {
        int axis = NormalizeAxis(node, node.Attributes.Int("axis", 0), x.Length);
        int dim = x[axis], outputs = node.Outputs.Count;
        long[]? split = splitInput?.AsLongs() ?? node.Attributes.IntsOrNull("split");
        int[] sizes;
        if (split is not null)
        {
            if (split.Length != outputs || split.Any(s => s < 0) || split.Sum() != dim)
                throw new GraphException(node, $"split [{string.Join(",", split)}] does not divide {dim} into {outputs} outputs");
            sizes = split.Select(s => (int)s).ToArray();
        }
        else
        {
            long n = node.Attributes.Int("num_outputs", outputs);
            // Before opset 18 (no num_outputs) the parts must be equal, as ONNX Runtime insists.
            if (!node.Attributes.Has("num_outputs") && dim % outputs != 0) throw new GraphException(node, $"{dim} is not evenly splittable into {outputs} outputs");
            if (n != outputs || n < 1) throw new GraphException(node, $"num_outputs {n} but {outputs} outputs");
            int part = (dim + outputs - 1) / outputs;
            sizes = Enumerable.Range(0, outputs).Select(k => Math.Max(0, Math.Min(part, dim - k * part))).ToArray();
            if (sizes.Any(s => s == 0)) throw new GraphException(node, $"{dim} cannot be split into {outputs} non-empty parts");
        }
        return (axis, sizes);
    }

    private static TensorData? SplitInput(Node node, Func<int, TensorData?> input) => node.HasInput(1) ? input(1) : null;

    public override OutputInfo[] Infer(Node node, ValueInfo?[] inputs)
    {
        var x = ShapeOf(node, inputs, 0);
        var (axis, sizes) = Plan(node, x, node.HasInput(1) ? ConstantInput(node, inputs, 1, "the split sizes") : null);
        return sizes.Select(s => { var shape = (int[])x.Clone(); shape[axis] = s; return new OutputInfo(shape, RequiredInfo(node, inputs, 0).Kind); }).ToArray();
    }

    public override TensorData[] Execute(Node node, TensorData?[] inputs)
    {
        var x = Required(node, inputs, 0);
        var (axis, sizes) = Plan(node, x.Shape, SplitInput(node, k => inputs[k]));
        int outer = x.Shape.Take(axis).Aggregate(1, (a, b) => a * b), inner = x.Shape.Skip(axis + 1).Aggregate(1, (a, b) => a * b);
        var result = new TensorData[sizes.Length];
        int start = 0;
        for (int k = 0; k < sizes.Length; k++)
        {
            var shape = (int[])x.Shape.Clone();
            shape[axis] = sizes[k];
            var source = new int[outer * sizes[k] * inner];
            int at = 0;
            for (int o = 0; o < outer; o++)
            for (int i = 0; i < sizes[k] * inner; i++)
                source[at++] = (o * x.Shape[axis] + start) * inner + i;
            result[k] = Rearrange.Gather(x, shape, source);
            start += sizes[k];
        }
        return result;
    }
}
