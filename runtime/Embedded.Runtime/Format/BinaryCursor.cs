using System;
using System.Buffers.Binary;
using System.Text;

namespace Embedded.Runtime.Format;

/// <summary>
/// Reads little-endian values from one region of a model file. Every read is bounds-checked and every count
/// is checked against the bytes that remain before anything is allocated, so a corrupt file can only ever
/// produce a <see cref="ModelFormatException"/> naming the field and its absolute offset.
/// </summary>
internal sealed class BinaryCursor
{
    private readonly ReadOnlyMemory<byte> _region;
    private readonly long _regionFileOffset;
    private int _position;

    public BinaryCursor(ReadOnlyMemory<byte> region, long regionFileOffset)
    {
        _region = region;
        _regionFileOffset = regionFileOffset;
    }

    public int Position => _position;
    public int Remaining => _region.Length - _position;
    public long FileOffset => _regionFileOffset + _position;

    public ModelFormatException Error(string field, string problem) => new(field, problem, FileOffset);

    private ReadOnlySpan<byte> Take(string field, int byteCount)
    {
        if (byteCount < 0 || byteCount > Remaining)
            throw Error(field, $"needs {byteCount} bytes but only {Remaining} remain in the section");
        var span = _region.Span.Slice(_position, byteCount);
        _position += byteCount;
        return span;
    }

    public byte ReadByte(string field) => Take(field, 1)[0];
    public ushort ReadUInt16(string field) => BinaryPrimitives.ReadUInt16LittleEndian(Take(field, 2));
    public int ReadInt32(string field) => BinaryPrimitives.ReadInt32LittleEndian(Take(field, 4));
    public uint ReadUInt32(string field) => BinaryPrimitives.ReadUInt32LittleEndian(Take(field, 4));

    public float ReadSingle(string field)
    {
        int bits = BinaryPrimitives.ReadInt32LittleEndian(Take(field, 4));
        return BitConverter.Int32BitsToSingle(bits);
    }

    public bool ReadBool(string field)
    {
        byte b = ReadByte(field);
        if (b > 1) throw Error(field, $"boolean must be 0 or 1, found {b}");
        return b == 1;
    }

    /// <summary>An enum stored as one byte; rejects values outside <paramref name="isDefined"/>.</summary>
    public T ReadEnum<T>(string field, Func<byte, bool> isDefined) where T : struct
    {
        long offset = FileOffset;
        byte value = ReadByte(field);
        if (!isDefined(value))
            throw new ModelFormatException(field, $"unknown {typeof(T).Name} value {value}", offset);
        return (T)Enum.ToObject(typeof(T), value);
    }

    /// <summary>
    /// A u32 element count, checked against <paramref name="max"/> and against the bytes left in the section
    /// (each element takes at least <paramref name="minBytesPerElement"/>), so allocations stay bounded by the file.
    /// </summary>
    public int ReadCount(string field, int max, int minBytesPerElement)
    {
        long offset = FileOffset;
        uint count = ReadUInt32(field);
        if (count > (uint)max)
            throw new ModelFormatException(field, $"count {count} exceeds the limit {max}", offset);
        if (minBytesPerElement > 0 && (long)count * minBytesPerElement > Remaining)
            throw new ModelFormatException(field, $"count {count} needs at least {(long)count * minBytesPerElement} bytes but only {Remaining} remain", offset);
        return (int)count;
    }

    public string ReadString(string field, int maxBytes)
    {
        int length = ReadCount(field + ".length", maxBytes, 1);
        long offset = FileOffset;
        var bytes = Take(field, length);
        try
        {
            return StrictUtf8.GetString(bytes.ToArray());
        }
        catch (DecoderFallbackException)
        {
            throw new ModelFormatException(field, "string is not valid UTF-8", offset);
        }
    }

    public int[] ReadInt32Array(string field, int count)
    {
        var bytes = Take(field, checked(count * 4));
        var result = new int[count];
        for (int i = 0; i < count; i++)
            result[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes.Slice(i * 4, 4));
        return result;
    }

    public float[] ReadSingleArray(string field, int count)
    {
        var bytes = Take(field, checked(count * 4));
        var result = new float[count];
        for (int i = 0; i < count; i++)
            result[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadInt32LittleEndian(bytes.Slice(i * 4, 4)));
        return result;
    }

    public byte[] ReadBytes(string field, int count) => Take(field, count).ToArray();

    /// <summary>Advances past <paramref name="count"/> bytes that another cursor reads.</summary>
    public void ReadBytesSkip(int count) => Take("skip", count);

    /// <summary>Fails when a structure claimed fewer bytes than its contents used, or left bytes unread.</summary>
    public void ExpectEnd(string field)
    {
        if (Remaining != 0)
            throw Error(field, $"{Remaining} unexpected trailing bytes");
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
