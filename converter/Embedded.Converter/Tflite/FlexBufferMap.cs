using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;

namespace Embedded.Converter.Tflite;

/// <summary>
/// The root map of a FlexBuffer, as TFLite stores custom operators' options (flexbuffers.h): keys to scalar values
/// (int, uint, float, bool, inline or indirect). Every offset is bounds-checked; anything else is refused with
/// <see cref="TfliteFormatException"/>. Values are read eagerly, so a map is a plain dictionary afterwards.
/// </summary>
public sealed class FlexBufferMap
{
    private const int TypeNull = 0, TypeInt = 1, TypeUInt = 2, TypeFloat = 3, TypeIndirectInt = 6, TypeIndirectUInt = 7, TypeIndirectFloat = 8,
        TypeMap = 9, TypeBool = 26;

    private readonly Dictionary<string, double> _values = new(StringComparer.Ordinal);
    private readonly string _what;

    private FlexBufferMap(string what) => _what = what;

    public static FlexBufferMap Parse(ReadOnlySpan<byte> buffer, string what)
    {
        var map = new FlexBufferMap(what);
        if (buffer.Length < 3) throw map.Error("shorter than a FlexBuffer root");
        int rootWidth = buffer[^1];
        byte rootType = buffer[^2];
        if (rootWidth is not (1 or 2 or 4 or 8)) throw map.Error($"root byte width {rootWidth}");
        int rootAt = buffer.Length - 2 - rootWidth;
        if (rootAt < 0 || rootType >> 2 != TypeMap) throw map.Error($"the root is not a map (type {rootType >> 2})");
        int data = map.Indirect(buffer, rootAt, rootWidth);
        int width = 1 << (rootType & 3);
        int count = map.Count(buffer, data - width, width);
        int keysAt = data - 3 * width;
        if (keysAt < 0) throw map.Error("map header outside the buffer");
        int keys = map.Indirect(buffer, keysAt, width);
        int keyWidth = (int)map.UInt(buffer, data - 2 * width, width);
        if (keyWidth is not (1 or 2 or 4 or 8)) throw map.Error($"key byte width {keyWidth}");
        if (map.Count(buffer, keys - keyWidth, keyWidth) != count) throw map.Error("keys and values differ in number");
        long typesAt = data + (long)count * width;
        if (typesAt + count > buffer.Length) throw map.Error("value types outside the buffer");
        for (int i = 0; i < count; i++)
        {
            string key = map.Key(buffer, map.Indirect(buffer, keys + i * keyWidth, keyWidth));
            byte packed = buffer[(int)typesAt + i];
            int type = packed >> 2, at = data + i * width;
            double value = type switch
            {
                TypeNull => double.NaN,
                TypeInt or TypeBool => map.Int(buffer, at, width),
                TypeUInt => map.UInt(buffer, at, width),
                TypeFloat => map.Float(buffer, at, width),
                TypeIndirectInt => map.Int(buffer, map.Indirect(buffer, at, width), 1 << (packed & 3)),
                TypeIndirectUInt => map.UInt(buffer, map.Indirect(buffer, at, width), 1 << (packed & 3)),
                TypeIndirectFloat => map.Float(buffer, map.Indirect(buffer, at, width), 1 << (packed & 3)),
                _ => double.NaN, // strings, vectors, nested maps: not options TFLite's kernels read as scalars
            };
            if (!double.IsNaN(value)) map._values[key] = value;
        }
        return map;
    }

    public bool Has(string key) => _values.ContainsKey(key);

    public double Number(string key) => _values.TryGetValue(key, out double v) ? v : throw Error($"option '{key}' is missing");

    public double Number(string key, double fallback) => _values.TryGetValue(key, out double v) ? v : fallback;

    private TfliteFormatException Error(string problem) => new($"{_what}: FlexBuffer options: {problem}");

    private void Check(ReadOnlySpan<byte> buffer, long at, int width)
    {
        if (at < 0 || at + width > buffer.Length) throw Error($"offset {at} outside the {buffer.Length}-byte buffer");
    }

    private long UInt(ReadOnlySpan<byte> b, int at, int width)
    {
        Check(b, at, width);
        return width switch
        {
            1 => b[at], 2 => BinaryPrimitives.ReadUInt16LittleEndian(b.Slice(at)), 4 => BinaryPrimitives.ReadUInt32LittleEndian(b.Slice(at)),
            _ => (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(b.Slice(at)), long.MaxValue),
        };
    }

    private long Int(ReadOnlySpan<byte> b, int at, int width)
    {
        Check(b, at, width);
        return width switch
        {
            1 => (sbyte)b[at], 2 => BinaryPrimitives.ReadInt16LittleEndian(b.Slice(at)), 4 => BinaryPrimitives.ReadInt32LittleEndian(b.Slice(at)),
            _ => BinaryPrimitives.ReadInt64LittleEndian(b.Slice(at)),
        };
    }

    private double Float(ReadOnlySpan<byte> b, int at, int width)
    {
        Check(b, at, width);
        return width switch
        {
            4 => BinaryPrimitives.ReadSingleLittleEndian(b.Slice(at)),
            8 => BinaryPrimitives.ReadDoubleLittleEndian(b.Slice(at)),
            _ => throw Error($"a {width}-byte float"),
        };
    }

    /// <summary>The position an offset stored at <paramref name="at"/> points back to.</summary>
    private int Indirect(ReadOnlySpan<byte> b, int at, int width)
    {
        long target = at - UInt(b, at, width);
        if (target < 0 || target >= b.Length) throw Error($"offset at {at} points outside the buffer");
        return (int)target;
    }

    private int Count(ReadOnlySpan<byte> b, int at, int width)
    {
        long count = UInt(b, at, width);
        if (count > b.Length) throw Error($"{count} entries cannot fit the {b.Length}-byte buffer");
        return (int)count;
    }

    private string Key(ReadOnlySpan<byte> b, int at)
    {
        int end = b.Slice(at).IndexOf((byte)0);
        if (end < 0) throw Error($"key at {at} is not terminated");
        return Encoding.UTF8.GetString(b.Slice(at, end));
    }
}
