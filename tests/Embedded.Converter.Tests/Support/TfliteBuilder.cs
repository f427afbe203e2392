using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Embedded.Converter.Tests.Support;

/// <summary>
/// Writes small single-subgraph .tflite models (FlatBuffers, schema field ids of tensorflow/lite/schema/schema.fbs)
/// so the importer can be tested on operators no shared model uses. Objects are laid out parents first, each
/// reference patched to point forward, as the FlatBuffers format requires of unsigned offsets.
/// </summary>
internal sealed class TfliteBuilder
{
    public const byte Float32 = 0, Int32 = 2, UInt8 = 3, Int8 = 9;

    private readonly List<Table> _tensors = new();
    private readonly List<Table> _operators = new();
    private readonly List<Table> _buffers = new() { new Table() };   // buffer 0: the empty sentinel
    private readonly List<int> _opcodes = new();
    private int[] _inputs = Array.Empty<int>(), _outputs = Array.Empty<int>();

    public int Tensor(string name, byte type, int[] shape, float? scale = null, long zeroPoint = 0, byte[]? data = null)
    {
        var t = new Table();
        t.Set(0, Vec.Ints(shape));
        t.Set(1, Scalar.U8(type));
        int buffer = 0;
        if (data is not null)
        {
            buffer = _buffers.Count;
            var b = new Table();
            b.Set(0, Vec.Bytes(data));
            _buffers.Add(b);
        }
        t.Set(2, Scalar.I32(buffer));
        t.Set(3, new Str(name));
        if (scale is float s)
        {
            var q = new Table();
            q.Set(2, Vec.Floats(new[] { s }));
            q.Set(3, Vec.Longs(new[] { zeroPoint }));
            t.Set(4, q);
        }
        _tensors.Add(t);
        return _tensors.Count - 1;
    }

    /// <summary>Adds an operator; <paramref name="options"/> is the builtin options table (field id → int32 or byte).</summary>
    public void Operator(int builtinCode, int[] inputs, int[] outputs, byte optionsType = 0, params (int Field, object Value)[] options)
    {
        int opcode = _opcodes.IndexOf(builtinCode);
        if (opcode < 0) { _opcodes.Add(builtinCode); opcode = _opcodes.Count - 1; }
        var op = new Table();
        op.Set(0, Scalar.I32(opcode));
        op.Set(1, Vec.Ints(inputs));
        op.Set(2, Vec.Ints(outputs));
        if (optionsType != 0)
        {
            op.Set(3, Scalar.U8(optionsType));
            var o = new Table();
            foreach (var (field, value) in options)
                o.Set(field, value switch { byte b => Scalar.U8(b), float f => Scalar.F32(f), _ => Scalar.I32((int)value) });
            op.Set(4, o);
        }
        _operators.Add(op);
    }

    public void Io(int[] inputs, int[] outputs) { _inputs = inputs; _outputs = outputs; }

    public byte[] Build()
    {
        var subgraph = new Table();
        subgraph.Set(0, new TableVec(_tensors));
        subgraph.Set(1, Vec.Ints(_inputs));
        subgraph.Set(2, Vec.Ints(_outputs));
        subgraph.Set(3, new TableVec(_operators));
        subgraph.Set(4, new Str("main"));
        var model = new Table();
        model.Set(0, Scalar.I32(3));
        model.Set(1, new TableVec(_opcodes.Select(code =>
        {
            var c = new Table();
            c.Set(0, Scalar.U8((byte)Math.Min(code, 127)));
            c.Set(2, Scalar.I32(1));
            c.Set(3, Scalar.I32(code));
            return c;
        }).ToList()));
        model.Set(2, new TableVec(new List<Table> { subgraph }));
        model.Set(3, new Str("Embedded test model"));
        model.Set(4, new TableVec(_buffers));

        var w = new Writer();
        w.Bytes.AddRange(new byte[8]);
        w.Bytes[4] = (byte)'T'; w.Bytes[5] = (byte)'F'; w.Bytes[6] = (byte)'L'; w.Bytes[7] = (byte)'3';   // file identifier
        int root = model.WriteTo(w);
        w.PutInt32(0, root);
        return w.Bytes.ToArray();
    }

    // ---- a minimal forward FlatBuffers writer ----

    private sealed class Writer
    {
        public readonly List<byte> Bytes = new();
        public void Align(int n) { while (Bytes.Count % n != 0) Bytes.Add(0); }
        public void PutInt32(int at, int value) { for (int i = 0; i < 4; i++) Bytes[at + i] = (byte)(value >> (8 * i)); }
        public void Add(ReadOnlySpan<byte> data) { foreach (byte b in data) Bytes.Add(b); }
    }

    private abstract class Value { }

    private sealed class Scalar : Value
    {
        public byte[] Data = Array.Empty<byte>();
        public static Scalar U8(byte v) => new() { Data = new[] { v } };
        public static Scalar I32(int v) => new() { Data = BitConverter.GetBytes(v) };
        public static Scalar F32(float v) => new() { Data = BitConverter.GetBytes(v) };
    }

    private abstract class Ref : Value
    {
        /// <summary>Writes the object (after everything already written) and returns its position.</summary>
        public abstract int WriteTo(Writer w);
    }

    private sealed class Str : Ref
    {
        private readonly string _text;
        public Str(string text) => _text = text;
        public override int WriteTo(Writer w)
        {
            w.Align(4);
            int at = w.Bytes.Count;
            var bytes = Encoding.UTF8.GetBytes(_text);
            w.Add(BitConverter.GetBytes(bytes.Length));
            w.Add(bytes);
            w.Bytes.Add(0);
            return at;
        }
    }

    private sealed class Vec : Ref
    {
        private byte[] _data = Array.Empty<byte>();
        private int _count, _elementSize;
        public static Vec Ints(int[] v) => new() { _data = v.SelectMany(BitConverter.GetBytes).ToArray(), _count = v.Length, _elementSize = 4 };
        public static Vec Floats(float[] v) => new() { _data = v.SelectMany(BitConverter.GetBytes).ToArray(), _count = v.Length, _elementSize = 4 };
        public static Vec Longs(long[] v) => new() { _data = v.SelectMany(BitConverter.GetBytes).ToArray(), _count = v.Length, _elementSize = 8 };
        public static Vec Bytes(byte[] v) => new() { _data = v, _count = v.Length, _elementSize = 1 };
        public override int WriteTo(Writer w)
        {
            // The length prefix sits just before elements aligned to their size (and to 16 for raw buffers).
            int align = _elementSize == 1 ? 16 : Math.Max(4, _elementSize);
            while ((w.Bytes.Count + 4) % align != 0) w.Bytes.Add(0);
            int at = w.Bytes.Count;
            w.Add(BitConverter.GetBytes(_count));
            w.Add(_data);
            return at;
        }
    }

    private sealed class TableVec : Ref
    {
        private readonly List<Table> _items;
        public TableVec(List<Table> items) => _items = items;
        public override int WriteTo(Writer w)
        {
            w.Align(4);
            int at = w.Bytes.Count;
            w.Add(BitConverter.GetBytes(_items.Count));
            int first = w.Bytes.Count;
            w.Add(new byte[4 * _items.Count]);
            for (int i = 0; i < _items.Count; i++)
            {
                int child = _items[i].WriteTo(w);
                w.PutInt32(first + 4 * i, child - (first + 4 * i));
            }
            return at;
        }
    }

    private sealed class Table : Ref
    {
        private readonly SortedDictionary<int, Value> _fields = new();
        public void Set(int id, Value v) => _fields[id] = v;

        public override int WriteTo(Writer w)
        {
            int fieldCount = _fields.Count == 0 ? 0 : _fields.Keys.Max() + 1;
            // Layout of the table body: soffset, then fields each aligned to their size.
            var offsets = new Dictionary<int, int>();
            int size = 4;
            foreach (var (id, v) in _fields)
            {
                int width = v is Scalar s ? s.Data.Length : 4;
                while (size % width != 0) size++;
                offsets[id] = size;
                size += width;
            }
            while (size % 4 != 0) size++;

            w.Align(2);
            int vtable = w.Bytes.Count;
            w.Add(BitConverter.GetBytes((ushort)(4 + 2 * fieldCount)));
            w.Add(BitConverter.GetBytes((ushort)size));
            for (int id = 0; id < fieldCount; id++)
                w.Add(BitConverter.GetBytes((ushort)(offsets.TryGetValue(id, out int o) ? o : 0)));
            w.Align(4);
            int table = w.Bytes.Count;
            var body = new byte[size];
            BitConverter.GetBytes(table - vtable).CopyTo(body, 0);
            foreach (var (id, v) in _fields)
                if (v is Scalar s) s.Data.CopyTo(body, offsets[id]);
            w.Add(body);
            foreach (var (id, v) in _fields)
            {
                if (v is not Ref r) continue;
                int child = r.WriteTo(w);
                w.PutInt32(table + offsets[id], child - (table + offsets[id]));
            }
            return table;
        }
    }
}
