using System;
using Embedded.Runtime.Kernels;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Execution;

/// <summary>Where a tensor's bytes are at run time: in the model file (constants) or in the arena at the planned offset.</summary>
internal sealed class TensorBinding
{
    private static readonly int[] NoZeroPoints = Array.Empty<int>();
    private static readonly float[] NoScales = Array.Empty<float>();

    public TensorDefinition Tensor { get; }
    public int Offset { get; }
    public int[] ZeroPoints { get; }
    public float[] Scales { get; }

    public TensorBinding(TensorDefinition tensor, int offset)
    {
        Tensor = tensor;
        Offset = offset;
        ZeroPoints = tensor.Quantization?.ZeroPoints ?? NoZeroPoints;
        Scales = tensor.Quantization?.Scales ?? NoScales;
    }

    public ReadOnlySpan<byte> Read(Span<byte> arena) => Tensor.IsConstant ? Tensor.Data.Span : arena.Slice(Offset, Tensor.ByteLength);
    public Span<byte> Write(Span<byte> arena) => arena.Slice(Offset, Tensor.ByteLength);

    public QuantizedInput In(Span<byte> arena) => new(Read(arena), Tensor.Type, Tensor.Shape, ZeroPoints);
    public QuantizedOutput Out(Span<byte> arena) => new(Write(arena), Tensor.Type, Tensor.Shape, ZeroPoints);
}
