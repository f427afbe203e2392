using System;
using System.Linq;

namespace Embedded.Converter.Graph;

/// <summary>Element kinds the float graph works with: real values, and integers (shapes, indices, counts).</summary>
public enum DataKind { Float, Int64 }

/// <summary>
/// A dense row-major tensor of the float graph: float32 values, or int64 values for the shape arithmetic that
/// exporters emit (Shape, Gather, Slice, …), which constant folding evaluates away.
/// </summary>
public sealed class TensorData
{
    public int[] Shape { get; }
    public DataKind Kind { get; }
    private readonly float[] _floats;

    /// <summary>
    /// The float values. Reading them off an int64 tensor is a malformed graph (an int64 constant where an operator
    /// computes in float; found by fuzzing in one operator after another), refused here once for all of them.
    /// </summary>
    public float[] Floats => Kind == DataKind.Float ? _floats : throw new GraphException($"an int64 tensor [{string.Join(",", Shape)}] where float values are needed");
    public long[] Longs { get; }

    private TensorData(int[] shape, DataKind kind, float[] floats, long[] longs)
    {
        Shape = shape;
        Kind = kind;
        _floats = floats;
        Longs = longs;
    }

    public static TensorData FromFloats(int[] shape, float[] values)
    {
        if (values.Length != ElementCount(shape)) throw new ArgumentException($"{values.Length} values for shape [{string.Join(",", shape)}]");
        return new TensorData(shape, DataKind.Float, values, Array.Empty<long>());
    }

    public static TensorData FromLongs(int[] shape, long[] values)
    {
        if (values.Length != ElementCount(shape)) throw new ArgumentException($"{values.Length} values for shape [{string.Join(",", shape)}]");
        return new TensorData(shape, DataKind.Int64, Array.Empty<float>(), values);
    }

    public static TensorData Zeros(int[] shape) => FromFloats(shape, new float[ElementCount(shape)]);

    public int Rank => Shape.Length;
    public int Length => Kind == DataKind.Float ? _floats.Length : Longs.Length;

    public static int ElementCount(int[] shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new GraphException($"negative dimension in [{string.Join(",", shape)}]");
            n *= d;
            if (n > int.MaxValue) throw new GraphException($"shape [{string.Join(",", shape)}] has too many elements");
        }
        return (int)n;
    }

    /// <summary>The values as doubles, whatever the kind (for attribute-like inputs such as Clip bounds).</summary>
    public double ScalarAt(int index) => Kind == DataKind.Float ? Floats[index] : Longs[index];

    public long[] AsLongs() => Kind == DataKind.Int64 ? Longs : Floats.Select(f => (long)f).ToArray();

    public override string ToString() => $"{Kind}[{string.Join(",", Shape)}]";
}
