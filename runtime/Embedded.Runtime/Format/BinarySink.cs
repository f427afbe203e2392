using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;

namespace Embedded.Runtime.Format;

/// <summary>Little-endian writer for the .emb format; the mirror of <see cref="BinaryCursor"/>.</summary>
internal sealed class BinarySink
{
    private readonly MemoryStream _stream = new();
    private readonly byte[] _scratch = new byte[8];

    public int Position => (int)_stream.Position;

    public void WriteByte(byte value) => _stream.WriteByte(value);
    public void WriteBool(bool value) => _stream.WriteByte(value ? (byte)1 : (byte)0);

    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_scratch, value);
        _stream.Write(_scratch, 0, 2);
    }

    public void WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_scratch, value);
        _stream.Write(_scratch, 0, 4);
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_scratch, value);
        _stream.Write(_scratch, 0, 4);
    }

    public void WriteSingle(float value) => WriteInt32(BitConverter.SingleToInt32Bits(value));

    public void WriteCount(int count) => WriteUInt32(checked((uint)count));

    public void WriteString(string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        WriteCount(bytes.Length);
        _stream.Write(bytes, 0, bytes.Length);
    }

    public void WriteInt32Array(int[] values)
    {
        foreach (int v in values) WriteInt32(v);
    }

    public void WriteSingleArray(float[] values)
    {
        foreach (float v in values) WriteSingle(v);
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes) _stream.WriteByte(b);
    }

    public void PadTo(int alignment)
    {
        while (_stream.Position % alignment != 0) _stream.WriteByte(0);
    }

    public void PatchUInt32(int position, uint value)
    {
        long saved = _stream.Position;
        _stream.Position = position;
        WriteUInt32(value);
        _stream.Position = saved;
    }

    public byte[] ToArray() => _stream.ToArray();
}
