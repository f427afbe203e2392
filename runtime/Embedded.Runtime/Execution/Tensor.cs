using System;
using System.Runtime.InteropServices;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Execution;

/// <summary>A model input or output of one <see cref="Interpreter"/>: its definition and its bytes in that interpreter's arena.</summary>
public sealed class Tensor
{
    private readonly byte[] _arena;
    private readonly int _offset;

    internal Tensor(TensorDefinition definition, byte[] arena, int offset)
    {
        Definition = definition;
        _arena = arena;
        _offset = offset;
    }

    public TensorDefinition Definition { get; }
    public string Name => Definition.Name;
    public ElementType Type => Definition.Type;
    public int[] Shape => Definition.Shape;
    public QuantizationParams? Quantization => Definition.Quantization;

    /// <summary>The tensor's bytes (little-endian elements). Valid as long as the interpreter is.</summary>
    public Span<byte> Bytes => new(_arena, _offset, Definition.ByteLength);

    /// <summary>The elements as <typeparamref name="T"/>, which must match the element type.</summary>
    public Span<T> AsSpan<T>() where T : struct
    {
        bool matches = Type switch
        {
            ElementType.Int8 => typeof(T) == typeof(sbyte),
            ElementType.UInt8 => typeof(T) == typeof(byte),
            ElementType.Int16 => typeof(T) == typeof(short),
            ElementType.Int32 => typeof(T) == typeof(int),
            ElementType.Float32 => typeof(T) == typeof(float),
            ElementType.Int64 => typeof(T) == typeof(long),
            _ => false,
        };
        if (!matches) throw new InvalidOperationException($"tensor {Definition} holds {Type}, not {typeof(T).Name}");
        return MemoryMarshal.Cast<byte, T>(Bytes);
    }
}
