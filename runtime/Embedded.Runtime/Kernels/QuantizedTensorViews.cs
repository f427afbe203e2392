using System;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

/// <summary>
/// A read-only view of an integer tensor for the reference kernels: raw bytes, element type, shape (NHWC for
/// spatial ops) and zero points (one, or one per channel = last dimension). Reads widen to int.
/// </summary>
public readonly ref struct QuantizedInput
{
    public ReadOnlySpan<byte> Bytes { get; }
    public ElementType Type { get; }
    public ReadOnlySpan<int> Shape { get; }
    public ReadOnlySpan<int> ZeroPoints { get; }

    public QuantizedInput(ReadOnlySpan<byte> bytes, ElementType type, ReadOnlySpan<int> shape, ReadOnlySpan<int> zeroPoints)
    {
        Bytes = bytes; Type = type; Shape = shape; ZeroPoints = zeroPoints;
    }

    public int Channels => Shape.Length == 0 ? 1 : Shape[Shape.Length - 1];
    public int ZeroPoint(int channel) => ZeroPoints.Length == 0 ? 0 : ZeroPoints.Length == 1 ? ZeroPoints[0] : ZeroPoints[channel];
    public int this[int index] => Elements.Load(Bytes, Type, index);
    public bool IsWide => Type == ElementType.Int16;
}

/// <summary>The writable counterpart of <see cref="QuantizedInput"/>; stores saturate to the element type.</summary>
public readonly ref struct QuantizedOutput
{
    public Span<byte> Bytes { get; }
    public ElementType Type { get; }
    public ReadOnlySpan<int> Shape { get; }
    public ReadOnlySpan<int> ZeroPoints { get; }

    public QuantizedOutput(Span<byte> bytes, ElementType type, ReadOnlySpan<int> shape, ReadOnlySpan<int> zeroPoints)
    {
        Bytes = bytes; Type = type; Shape = shape; ZeroPoints = zeroPoints;
    }

    public int Channels => Shape.Length == 0 ? 1 : Shape[Shape.Length - 1];
    public int ZeroPoint(int channel) => ZeroPoints.Length == 0 ? 0 : ZeroPoints.Length == 1 ? ZeroPoints[0] : ZeroPoints[channel];
    public void Store(int index, int value) => Elements.Store(Bytes, Type, index, value);
    public QuantizedInput AsInput() => new(Bytes, Type, Shape, ZeroPoints);
}

/// <summary>Element loads and saturating stores by element type (little-endian, as in the file and arena).</summary>
public static class Elements
{
    public static int Load(ReadOnlySpan<byte> bytes, ElementType type, int index) => type switch
    {
        ElementType.Int8 => (sbyte)bytes[index],
        ElementType.UInt8 => bytes[index],
        ElementType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(bytes.Slice(index * 2, 2)),
        ElementType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(bytes.Slice(index * 4, 4)),
        _ => throw new InvalidOperationException($"{type} is not an integer type"),
    };

    public static void Store(Span<byte> bytes, ElementType type, int index, int value)
    {
        switch (type)
        {
            case ElementType.Int8: bytes[index] = (byte)(sbyte)Saturate(value, sbyte.MinValue, sbyte.MaxValue); break;
            case ElementType.UInt8: bytes[index] = (byte)Saturate(value, byte.MinValue, byte.MaxValue); break;
            case ElementType.Int16: BinaryPrimitives.WriteInt16LittleEndian(bytes.Slice(index * 2, 2), (short)Saturate(value, short.MinValue, short.MaxValue)); break;
            case ElementType.Int32: BinaryPrimitives.WriteInt32LittleEndian(bytes.Slice(index * 4, 4), value); break;
            default: throw new InvalidOperationException($"{type} is not an integer type");
        }
    }

    public static ReadOnlySpan<float> AsFloats(ReadOnlySpan<byte> bytes) => MemoryMarshal.Cast<byte, float>(bytes);
    public static Span<float> AsFloats(Span<byte> bytes) => MemoryMarshal.Cast<byte, float>(bytes);
    public static ReadOnlySpan<int> AsInt32s(ReadOnlySpan<byte> bytes) => MemoryMarshal.Cast<byte, int>(bytes);

    private static int Saturate(int v, int min, int max) => v < min ? min : v > max ? max : v;
}
