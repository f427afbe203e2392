using Embedded.Converter.Graph;

namespace Embedded.Converter.Float;

/// <summary>Output shape and kind of one operator output, as shape inference computes them.</summary>
public readonly record struct OutputInfo(int[] Shape, DataKind Kind);

/// <summary>
/// One ONNX operator of the float reference executor: attribute checks, shape inference, and float (or int64
/// shape-arithmetic) execution with ONNX semantics. Constant folding executes the same code.
/// </summary>
public abstract class FloatOperator
{
    public abstract string OpType { get; }

    /// <summary>Rejects attributes and input counts this implementation does not honour.</summary>
    public virtual void Check(Node node) { }

    public abstract OutputInfo[] Infer(Node node, ValueInfo?[] inputs);

    public abstract TensorData[] Execute(Node node, TensorData?[] inputs);

    protected static TensorData Required(Node node, TensorData?[] inputs, int k) =>
        k < inputs.Length && inputs[k] is { } t ? t : throw new GraphException(node, $"input {k} is missing");

    /// <summary>Input <paramref name="k"/> as float data (an int64 tensor where floats are read is a malformed graph).</summary>
    protected static TensorData RequiredFloats(Node node, TensorData?[] inputs, int k)
    {
        var t = Required(node, inputs, k);
        return t.Kind == DataKind.Float ? t : throw new GraphException(node, $"input {k} must be float, not {t.Kind}");
    }

    protected static ValueInfo RequiredInfo(Node node, ValueInfo?[] inputs, int k) =>
        k < inputs.Length && inputs[k] is { } v ? v : throw new GraphException(node, $"input {k} is missing");

    protected static int[] ShapeOf(Node node, ValueInfo?[] inputs, int k) =>
        RequiredInfo(node, inputs, k).Shape ?? throw new GraphException(node, $"the shape of input {k} is unknown");

    /// <summary>An input that must be a constant (pads, shapes, axes): its data, or a clear error.</summary>
    protected static TensorData ConstantInput(Node node, ValueInfo?[] inputs, int k, string what) =>
        RequiredInfo(node, inputs, k).Constant ?? throw new GraphException(node, $"{what} (input {k}) must be constant");

    protected static int NormalizeAxis(Node node, long axis, int rank)
    {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw new GraphException(node, $"axis {axis} is outside rank {rank}");
        return (int)a;
    }
}
