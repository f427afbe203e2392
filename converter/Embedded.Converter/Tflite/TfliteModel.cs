using System;
using System.Collections.Generic;
using System.IO;

namespace Embedded.Converter.Tflite;

/// <summary>TensorFlow Lite tensor element types (schema values).</summary>
public enum TfliteType : byte
{
    Float32 = 0, Float16 = 1, Int32 = 2, UInt8 = 3, Int64 = 4, String = 5, Bool = 6, Int16 = 7, Complex64 = 8, Int8 = 9,
}

/// <summary>Per-tensor or per-axis quantization: real = scale · (q − zero point).</summary>
public sealed record TfliteQuantization(float[] Scales, long[] ZeroPoints, int QuantizedDimension);

public sealed record TfliteTensor(string Name, int[] Shape, TfliteType Type, int Buffer, TfliteQuantization? Quantization);

/// <summary>One operator; <see cref="Options"/> is read per builtin code by the importer.</summary>
public sealed record TfliteOperator(int BuiltinCode, string CustomCode, int Version, int[] Inputs, int[] Outputs, byte OptionsType, TfliteOptions? Options)
{
    /// <summary>A custom operator's options (a FlexBuffer for TFLite's own custom operators), a slice of the file.</summary>
    public ReadOnlyMemory<byte> CustomOptions { get; init; }

    /// <summary>Whether the first <paramref name="inputs"/> inputs and one output are present (−1 marks an absent input).</summary>
    public bool HasOperands(int inputs)
    {
        if (Inputs.Length < inputs || Outputs.Length < 1 || Outputs[0] < 0) return false;
        for (int i = 0; i < inputs; i++) if (Inputs[i] < 0) return false;
        return true;
    }

    /// <summary>Inputs an operator cannot do without: the weights of convolutions, the second operand, the axes, the paddings.</summary>
    public int RequiredInputs => BuiltinCode switch
    {
        0 or 3 or 4 or 9 or 18 or 34 or 40 or 41 => 2,   // ADD, CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, MUL, PAD, MEAN, SUB
        _ => 1,
    };
}

public sealed record TfliteSubGraph(string Name, TfliteTensor[] Tensors, int[] Inputs, int[] Outputs, TfliteOperator[] Operators);

/// <summary>A builtin options table (Conv2DOptions, …): scalar fields by their schema index.</summary>
public sealed class TfliteOptions
{
    private readonly FlatBufferTable _table;
    internal TfliteOptions(FlatBufferTable table) => _table = table;
    public bool Has(int field) => _table.Has(field);
    public byte Byte(int field, byte fallback = 0) => _table.Byte(field, fallback);
    public int Int(int field, int fallback = 0) => _table.Int(field, fallback);
    public float Float(int field, float fallback = 0) => _table.Float(field, fallback);
    public bool Bool(int field) => _table.Bool(field);
    public int[] Ints(int field) => _table.Ints(field);
}

/// <summary>
/// The parts of a .tflite model (schema version 3) the importer uses: operator codes (with the extended builtin
/// code field), subgraphs, tensors with per-tensor/per-axis quantization, operators with their options, and
/// buffers as slices of the file. Every offset is bounds-checked (see docs/tflite.md for the fields read).
/// </summary>
public sealed class TfliteModel
{
    public const int MaxTensors = 1 << 16;

    public uint Version { get; }
    public string Description { get; }
    public IReadOnlyList<TfliteSubGraph> SubGraphs { get; }
    public IReadOnlyList<ReadOnlyMemory<byte>> Buffers { get; }

    private TfliteModel(uint version, string description, TfliteSubGraph[] subGraphs, ReadOnlyMemory<byte>[] buffers)
    {
        Version = version;
        Description = description;
        SubGraphs = subGraphs;
        Buffers = buffers;
    }

    public static TfliteModel Load(string path) => Parse(File.ReadAllBytes(path), Path.GetFileName(path));

    public static TfliteModel Parse(ReadOnlyMemory<byte> file, string name = "model")
    {
        try
        {
            return ParseUnchecked(file, name);
        }
        catch (OverflowException e)
        {
            throw new TfliteFormatException($"{name}: a size or index overflows ({e.Message})");
        }
    }

    private static TfliteModel ParseUnchecked(ReadOnlyMemory<byte> file, string name)
    {
        var model = FlatBufferTable.Root(file, "TFL3", name);
        uint version = model.UInt(0);
        if (version != 3) throw new TfliteFormatException($"{name}: schema version {version} is not supported (3 only)");

        int codeCount = Limit(model.VectorLength(1), 1 << 12, name, "operator codes");
        var codes = new (int builtin, string custom, int version)[codeCount];
        for (int i = 0; i < codeCount; i++)
        {
            var c = model.TableAt(1, i, $"{name}: operator_codes[{i}]");
            // The effective code is the larger of the old byte field and the extended int field.
            int builtin = Math.Max((sbyte)c.Byte(0), c.Int(3));
            codes[i] = (builtin, c.String(1), c.Int(2, 1));
        }

        int bufferCount = Limit(model.VectorLength(4), 1 << 20, name, "buffers");
        var buffers = new ReadOnlyMemory<byte>[bufferCount];
        for (int i = 0; i < bufferCount; i++)
        {
            var b = model.TableAt(4, i, $"{name}: buffers[{i}]");
            if (b.Has(1) || b.Has(2)) throw new TfliteFormatException($"{name}: buffers[{i}] is stored outside the flatbuffer (models above 2 GB are not supported)");
            buffers[i] = b.Bytes(0);
        }

        int subGraphCount = Limit(model.VectorLength(2), 64, name, "subgraphs");
        if (subGraphCount == 0) throw new TfliteFormatException($"{name}: the model has no subgraph");
        var subGraphs = new TfliteSubGraph[subGraphCount];
        for (int s = 0; s < subGraphCount; s++)
        {
            string where = $"{name}: subgraphs[{s}]";
            var g = model.TableAt(2, s, where);
            int tensorCount = Limit(g.VectorLength(0), MaxTensors, where, "tensors");
            var tensors = new TfliteTensor[tensorCount];
            for (int t = 0; t < tensorCount; t++)
            {
                var tt = g.TableAt(0, t, $"{where}.tensors[{t}]");
                var shape = tt.Ints(0);
                int buffer = (int)tt.UInt(2);
                if (buffer < 0 || buffer >= Math.Max(1, bufferCount)) throw new TfliteFormatException($"{where}.tensors[{t}]: buffer index {buffer} outside [0, {bufferCount})");
                TfliteQuantization? quant = null;
                if (tt.Table(4, $"{where}.tensors[{t}].quantization") is { } q)
                {
                    var scales = q.Floats(2);
                    var zeroPoints = q.Longs(3);
                    if (scales.Length > 0) quant = new TfliteQuantization(scales, zeroPoints, q.Int(6));
                }
                var type = tt.Byte(1);
                if (type > (byte)TfliteType.Int8) throw new TfliteFormatException($"{where}.tensors[{t}]: tensor type {type} is not supported");
                tensors[t] = new TfliteTensor(tt.String(3), shape, (TfliteType)type, buffer, quant);
            }
            int[] CheckIndices(int[] indices, string what, bool optional)
            {
                foreach (int i in indices)
                    if ((i < 0 && !(optional && i == -1)) || i >= tensorCount) throw new TfliteFormatException($"{where}.{what}: tensor index {i} outside [0, {tensorCount})");
                return indices;
            }
            int opCount = Limit(g.VectorLength(3), 1 << 16, where, "operators");
            var operators = new TfliteOperator[opCount];
            for (int o = 0; o < opCount; o++)
            {
                string opWhere = $"{where}.operators[{o}]";
                var op = g.TableAt(3, o, opWhere);
                uint codeIndex = op.UInt(0);
                if (codeIndex >= (uint)codeCount) throw new TfliteFormatException($"{opWhere}: opcode index {codeIndex} outside [0, {codeCount})");
                var code = codes[codeIndex];
                var options = op.Table(4, $"{opWhere}.builtin_options");
                operators[o] = new TfliteOperator(code.builtin, code.custom, code.version, CheckIndices(op.Ints(1), $"operators[{o}].inputs", true),
                    CheckIndices(op.Ints(2), $"operators[{o}].outputs", false), op.Byte(3), options is { } t2 ? new TfliteOptions(t2) : null) { CustomOptions = op.Bytes(5) };
            }
            subGraphs[s] = new TfliteSubGraph(g.String(4), tensors, CheckIndices(g.Ints(1), "inputs", false), CheckIndices(g.Ints(2), "outputs", false), operators);
        }
        return new TfliteModel(version, model.String(3), subGraphs, buffers);
    }

    private static int Limit(int count, int max, string where, string what) =>
        count <= max ? count : throw new TfliteFormatException($"{where}: {count} {what} exceed the limit {max}");
}
