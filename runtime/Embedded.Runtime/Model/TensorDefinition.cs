using System;
using System.Linq;

namespace Embedded.Runtime.Model;

/// <summary>
/// One tensor of a model: an activation (lives in the arena at the offset the memory plan gives) or a
/// constant (weights, bias; its bytes are used in place from the model file).
/// </summary>
public sealed class TensorDefinition
{
    public const int MaxRank = 6;

    public string Name { get; }
    public ElementType Type { get; }
    public int[] Shape { get; }
    public QuantizationParams? Quantization { get; }

    /// <summary>Constant bytes (little-endian), or empty for activations.</summary>
    public ReadOnlyMemory<byte> Data { get; }
    public bool IsConstant { get; }

    public TensorDefinition(string name, ElementType type, int[] shape, QuantizationParams? quantization = null, ReadOnlyMemory<byte>? data = null)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Type = type;
        Shape = shape ?? throw new ArgumentNullException(nameof(shape));
        Quantization = quantization;
        IsConstant = data.HasValue;
        Data = data ?? ReadOnlyMemory<byte>.Empty;
    }

    public int Rank => Shape.Length;

    /// <summary>Element count; the validator guarantees it fits in an int before anything uses it.</summary>
    public int ElementCount
    {
        get
        {
            long n = 1;
            foreach (int d in Shape) n *= d;
            return (int)n;
        }
    }

    public int ByteLength => ElementCount * Type.SizeInBytes();

    public int Dim(int axis) => Shape[axis];

    public override string ToString() => $"'{Name}' {Type}[{string.Join(",", Shape.Select(d => d.ToString()))}]";
}
