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
        0 or 3 or 4 or 9 or 18 or 34 or 40 or 41 or 56 => 2,   // ADD, CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, MUL, PAD, MEAN, SUB, ARG_MAX
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

    /// <summary>A stride, dilation or filter size: at least 1 (and at most 2^16), else the model is malformed.</summary>
    public int Positive(int field, string what, int fallback = 0)
    {
        int value = _table.Int(field, fallback);
        return value >= 1 && value <= 1 << 16 ? value : throw new TfliteFormatException($"{what} {value} must lie in 1..65536");
    }
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
        // Buffer 0 is TFLite's empty sentinel; a model that lists no buffers still has it.
        var buffers = new ReadOnlyMemory<byte>[Math.Max(1, bufferCount)];
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
                string tensorWhere = $"{where}.tensors[{t}]";
                var shape = tt.Ints(0);
                int buffer = (int)tt.UInt(2);
                if (buffer < 0 || buffer >= buffers.Length) throw new TfliteFormatException($"{tensorWhere}: buffer index {buffer} outside [0, {buffers.Length})");
                var type = tt.Byte(1);
                if (type > (byte)TfliteType.Int8) throw new TfliteFormatException($"{tensorWhere}: tensor type {type} is not supported");
                long elements = CheckShape(shape, tensorWhere);
                int size = SizeOf((TfliteType)type);
                if (buffers[buffer].Length > 0 && size > 0 && buffers[buffer].Length != elements * size)
                    throw new TfliteFormatException($"{tensorWhere}: buffer {buffer} holds {buffers[buffer].Length} bytes for {elements} elements of {(TfliteType)type}");
                TfliteQuantization? quant = null;
                if (tt.Table(4, $"{tensorWhere}.quantization") is { } q)
                {
                    var scales = q.Floats(2);
                    var zeroPoints = q.Longs(3);
                    if (scales.Length > 0) quant = CheckQuantization(new TfliteQuantization(scales, zeroPoints, q.Int(6)), shape, tensorWhere);
                }
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
            var graphInputs = CheckIndices(g.Ints(1), "inputs", false);
            var graphOutputs = CheckIndices(g.Ints(2), "outputs", false);
            if (s == 0 && (graphInputs.Length == 0 || graphOutputs.Length == 0)) throw new TfliteFormatException($"{where}: the main subgraph has {graphInputs.Length} inputs and {graphOutputs.Length} outputs");
            subGraphs[s] = new TfliteSubGraph(g.String(4), tensors, graphInputs, graphOutputs, operators);
        }
        return new TfliteModel(version, model.String(3), subGraphs, buffers);
    }

    /// <summary>The element count of <paramref name="shape"/>: dimensions of at least 0, rank at most 8, at most 2^28 elements.</summary>
    private static long CheckShape(int[] shape, string where)
    {
        if (shape.Length > 8) throw new TfliteFormatException($"{where}: rank {shape.Length} exceeds 8");
        long elements = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new TfliteFormatException($"{where}: dimension {d} in shape [{string.Join(",", shape)}]");
            elements *= d;
            if (elements > MaxElements) throw new TfliteFormatException($"{where}: shape [{string.Join(",", shape)}] exceeds {MaxElements} elements");
        }
        return elements;
    }

    /// <summary>Scales finite and positive, zero points within 32 bits (one per scale, or none), the axis within the rank.</summary>
    private static TfliteQuantization CheckQuantization(TfliteQuantization q, int[] shape, string where)
    {
        foreach (float scale in q.Scales)
            if (!(scale > 0) || float.IsInfinity(scale)) throw new TfliteFormatException($"{where}.quantization: scale {scale} must be finite and positive");
        if (q.ZeroPoints.Length != 0 && q.ZeroPoints.Length != q.Scales.Length)
            throw new TfliteFormatException($"{where}.quantization: {q.ZeroPoints.Length} zero points for {q.Scales.Length} scales");
        foreach (long zero in q.ZeroPoints)
            if (zero < int.MinValue || zero > int.MaxValue) throw new TfliteFormatException($"{where}.quantization: zero point {zero} outside 32 bits");
        if (q.Scales.Length > 1 && (q.QuantizedDimension < 0 || q.QuantizedDimension >= shape.Length || shape[q.QuantizedDimension] != q.Scales.Length))
            throw new TfliteFormatException($"{where}.quantization: {q.Scales.Length} scales along dimension {q.QuantizedDimension} of [{string.Join(",", shape)}]");
        return q;
    }

    /// <summary>Bytes per element (0 for strings, whose buffers are not element arrays).</summary>
    private static int SizeOf(TfliteType type) => type switch
    {
        TfliteType.Float32 or TfliteType.Int32 => 4, TfliteType.Float16 or TfliteType.Int16 => 2, TfliteType.UInt8 or TfliteType.Int8 or TfliteType.Bool => 1,
        TfliteType.Int64 or TfliteType.Complex64 => 8, _ => 0,
    };

    /// <summary>The most elements a tensor may have (2^28: a gigabyte of float32).</summary>
    public const long MaxElements = 1L << 28;

    private static int Limit(int count, int max, string where, string what) =>
        count <= max ? count : throw new TfliteFormatException($"{where}: {count} {what} exceed the limit {max}");
}
