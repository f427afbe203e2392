using System;
using System.Linq;
using Embedded.Converter.Graph;

namespace Embedded.Converter.Float.Operators;

/// <summary>
/// Where the runtime stores a value: 4-D tensors as NHWC, every other rank in its logical order. Rearrangements
/// that keep this storage order cost nothing at run time (<see cref="LayoutReshape"/>), and those that only reorder
/// channels are one gather (<see cref="GatherChannelsOp"/>).
/// </summary>
public static class StorageOrder
{
    /// <summary>The logical (ONNX) flat index of each storage position.</summary>
    public static int[] LogicalIndexOfStorage(int[] shape)
    {
        int count = TensorData.ElementCount(shape);
        var result = new int[count];
        if (shape.Length != 4) { for (int i = 0; i < count; i++) result[i] = i; return result; }
        int n = shape[0], c = shape[1], h = shape[2], w = shape[3], at = 0;
        for (int b = 0; b < n; b++)
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        for (int ch = 0; ch < c; ch++)
            result[at++] = ((b * c + ch) * h + y) * w + x;
        return result;
    }

    /// <summary>The values of a logical tensor in storage order.</summary>
    public static T[] ToStorage<T>(T[] logical, int[] shape) => LogicalIndexOfStorage(shape).Select(i => logical[i]).ToArray();

    /// <summary>A logical tensor from values in storage order.</summary>
    public static T[] FromStorage<T>(T[] storage, int[] shape)
    {
        var order = LogicalIndexOfStorage(shape);
        var logical = new T[storage.Length];
        for (int i = 0; i < order.Length; i++) logical[order[i]] = storage[i];
        return logical;
    }
}

/// <summary>Reinterprets the input's storage-order elements with the output shape (attribute <c>shape</c>).</summary>
public sealed class LayoutReshape : FloatOperator
{
    public override string OpType => InternalOps.LayoutReshape;
    public override void Check(Node node) => node.Attributes.AllowOnly("shape");

    private static int[] OutShape(Node node, int[] input)
    {
        var shape = node.Attributes.Ints("shape", Array.Empty<long>()).Select(v => (int)v).ToArray();
        if (TensorData.ElementCount(shape) != TensorData.ElementCount(input)) throw new GraphException(node, $"[{string.Join(",", shape)}] does not hold the input's elements");
        return shape;
    }

    public override OutputInfo[] Infer(Node node, ValueInfo?[] inputs) => new[] { new OutputInfo(OutShape(node, ShapeOf(node, inputs, 0)), DataKind.Float) };

    public override TensorData[] Execute(Node node, TensorData?[] inputs)
    {
        var x = Required(node, inputs, 0);
        var shape = OutShape(node, x.Shape);
        return new[] { TensorData.FromFloats(shape, StorageOrder.FromStorage(StorageOrder.ToStorage(x.Floats, x.Shape), shape)) };
    }
}

/// <summary>Output channel j = input channel indices[j] of an NCHW tensor (attribute <c>indices</c>).</summary>
public sealed class GatherChannelsOp : FloatOperator
{
    public override string OpType => InternalOps.GatherChannels;
    public override void Check(Node node) => node.Attributes.AllowOnly("indices");

    public static int[] Indices(Node node, int channels)
    {
        var indices = node.Attributes.Ints("indices", Array.Empty<long>()).Select(v => (int)v).ToArray();
        if (indices.Length == 0 || indices.Any(i => i < 0 || i >= channels)) throw new GraphException(node, $"channel indices outside 0..{channels - 1}");
        return indices;
    }

    public override OutputInfo[] Infer(Node node, ValueInfo?[] inputs)
    {
        var x = ShapeOf(node, inputs, 0);
        if (x.Length != 4) throw new GraphException(node, "gathers channels of 4-D tensors");
        return new[] { new OutputInfo(new[] { x[0], Indices(node, x[1]).Length, x[2], x[3] }, DataKind.Float) };
    }

    public override TensorData[] Execute(Node node, TensorData?[] inputs)
    {
        var x = Required(node, inputs, 0);
        var indices = Indices(node, x.Shape[1]);
        int n = x.Shape[0], c = x.Shape[1], plane = x.Shape[2] * x.Shape[3];
        var y = new float[n * indices.Length * plane];
        for (int b = 0; b < n; b++)
        for (int j = 0; j < indices.Length; j++)
            Array.Copy(x.Floats, (b * c + indices[j]) * plane, y, (b * indices.Length + j) * plane, plane);
        return new[] { TensorData.FromFloats(new[] { n, indices.Length, x.Shape[2], x.Shape[3] }, y) };
    }
}
