using System;
using System.Buffers.Binary;
using System.Text;

namespace Embedded.Converter.Tflite;

/// <summary>
/// A read-only view of one FlatBuffers table with every access bounds-checked: the vtable, each field, each
/// referenced table, string and vector (whose length is checked against the bytes left before anything is
/// allocated). Nothing here follows offsets recursively, so cyclic offsets cannot loop.
/// </summary>
internal readonly struct FlatBufferTable
{
    private readonly ReadOnlyMemory<byte> _file;
    private readonly int _table;
    private readonly int _vtable;
    private readonly int _vtableSize;
    private readonly string _what;

    private FlatBufferTable(ReadOnlyMemory<byte> file, int table, string what)
    {
        _file = file;
        _table = table;
        _what = what;
        var span = file.Span;
        if (table < 0 || table > span.Length - 4) throw Error($"table offset {table} is outside the {span.Length}-byte file");
        long vtable = table - (long)BinaryPrimitives.ReadInt32LittleEndian(span.Slice(table));
        if (vtable < 0 || vtable > span.Length - 4) throw Error($"vtable offset {vtable} is outside the file");
        _vtable = (int)vtable;
        _vtableSize = BinaryPrimitives.ReadUInt16LittleEndian(span.Slice(_vtable));
        if (_vtableSize < 4 || _vtableSize % 2 != 0 || _vtable + _vtableSize > span.Length) throw Error($"vtable size {_vtableSize} is invalid");
    }

    private TfliteFormatException Error(string problem) => new($"{_what}: {problem} (at byte {_table})");

    /// <summary>The root table, after checking the file identifier (e.g. "TFL3").</summary>
    public static FlatBufferTable Root(ReadOnlyMemory<byte> file, string identifier, string what)
    {
        var span = file.Span;
        if (span.Length < 8) throw new TfliteFormatException($"{what}: file of {span.Length} bytes is too short");
        if (Encoding.ASCII.GetString(span.Slice(4, 4).ToArray()) != identifier)
            throw new TfliteFormatException($"{what}: file identifier is not \"{identifier}\" (not a TensorFlow Lite model)");
        uint root = BinaryPrimitives.ReadUInt32LittleEndian(span);
        if (root > span.Length - 4) throw new TfliteFormatException($"{what}: root table offset {root} is outside the file");
        return new FlatBufferTable(file, (int)root, what);
    }

    /// <summary>Position of field <paramref name="id"/> in the file, or −1 when absent.</summary>
    private int Field(int id, int size)
    {
        int entry = 4 + 2 * id;
        if (entry + 2 > _vtableSize) return -1;
        int offset = BinaryPrimitives.ReadUInt16LittleEndian(_file.Span.Slice(_vtable + entry));
        if (offset == 0) return -1;
        long position = (long)_table + offset;
        if (position + size > _file.Length) throw Error($"field {id} lies outside the file");
        return (int)position;
    }

    public bool Has(int id) => Field(id, 1) >= 0;
    public byte Byte(int id, byte fallback = 0) { int p = Field(id, 1); return p < 0 ? fallback : _file.Span[p]; }
    public bool Bool(int id) => Byte(id) != 0;
    public int Int(int id, int fallback = 0) { int p = Field(id, 4); return p < 0 ? fallback : BinaryPrimitives.ReadInt32LittleEndian(_file.Span.Slice(p)); }
    public uint UInt(int id, uint fallback = 0) { int p = Field(id, 4); return p < 0 ? fallback : BinaryPrimitives.ReadUInt32LittleEndian(_file.Span.Slice(p)); }
    public float Float(int id, float fallback = 0) { int p = Field(id, 4); return p < 0 ? fallback : BinaryPrimitives.ReadSingleLittleEndian(_file.Span.Slice(p)); }

    /// <summary>Follows the uoffset stored in field <paramref name="id"/>; −1 when the field is absent.</summary>
    private int Target(int id)
    {
        int p = Field(id, 4);
        if (p < 0) return -1;
        long target = p + (long)BinaryPrimitives.ReadUInt32LittleEndian(_file.Span.Slice(p));
        if (target > _file.Length - 4) throw Error($"field {id} points outside the file");
        return (int)target;
    }

    public FlatBufferTable? Table(int id, string what)
    {
        int t = Target(id);
        return t < 0 ? null : new FlatBufferTable(_file, t, what);
    }

    public string String(int id)
    {
        int t = Target(id);
        if (t < 0) return "";
        var (start, length) = Vector(t, 1, $"string field {id}");
        return Encoding.UTF8.GetString(_file.Span.Slice(start, length).ToArray());
    }

    /// <summary>Start and element count of the vector at <paramref name="position"/>, checked to fit in the file.</summary>
    private (int start, int count) Vector(int position, int elementSize, string what)
    {
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(_file.Span.Slice(position));
        long bytes = (long)count * elementSize;
        if (bytes > _file.Length - position - 4) throw Error($"{what}: {count} elements run past the end of the file");
        return (position + 4, (int)count);
    }

    public int VectorLength(int id)
    {
        int t = Target(id);
        return t < 0 ? 0 : Vector(t, 1, $"vector field {id}").count;
    }

    public int[] Ints(int id)
    {
        int t = Target(id);
        if (t < 0) return Array.Empty<int>();
        var (start, count) = Vector(t, 4, $"int vector field {id}");
        var result = new int[count];
        for (int i = 0; i < count; i++) result[i] = BinaryPrimitives.ReadInt32LittleEndian(_file.Span.Slice(start + 4 * i));
        return result;
    }

    public float[] Floats(int id)
    {
        int t = Target(id);
        if (t < 0) return Array.Empty<float>();
        var (start, count) = Vector(t, 4, $"float vector field {id}");
        var result = new float[count];
        for (int i = 0; i < count; i++) result[i] = BinaryPrimitives.ReadSingleLittleEndian(_file.Span.Slice(start + 4 * i));
        return result;
    }

    public long[] Longs(int id)
    {
        int t = Target(id);
        if (t < 0) return Array.Empty<long>();
        var (start, count) = Vector(t, 8, $"long vector field {id}");
        var result = new long[count];
        for (int i = 0; i < count; i++) result[i] = BinaryPrimitives.ReadInt64LittleEndian(_file.Span.Slice(start + 8 * i));
        return result;
    }

    /// <summary>A [ubyte] vector as a slice of the file (no copy).</summary>
    public ReadOnlyMemory<byte> Bytes(int id)
    {
        int t = Target(id);
        if (t < 0) return ReadOnlyMemory<byte>.Empty;
        var (start, count) = Vector(t, 1, $"byte vector field {id}");
        return _file.Slice(start, count);
    }

    /// <summary>Element <paramref name="index"/> of a vector of tables.</summary>
    public FlatBufferTable TableAt(int id, int index, string what)
    {
        int t = Target(id);
        var (start, count) = Vector(t, 4, $"table vector field {id}");
        if ((uint)index >= (uint)count) throw Error($"index {index} outside the {count}-element vector");
        int p = start + 4 * index;
        long target = p + (long)BinaryPrimitives.ReadUInt32LittleEndian(_file.Span.Slice(p));
        if (target > _file.Length - 4) throw Error($"{what} points outside the file");
        return new FlatBufferTable(_file, (int)target, what);
    }
}
