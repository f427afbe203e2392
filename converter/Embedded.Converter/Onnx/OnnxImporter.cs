using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Embedded.Converter.Float;
using Embedded.Converter.Graph;
using Embedded.Converter.Onnx.Protos;
using Google.Protobuf;

namespace Embedded.Converter.Onnx;

/// <summary>
/// Reads an ONNX model (opsets 11–20) into the converter's float graph: initializers and Constant nodes become
/// constants, symbolic batch dimensions become 1, every node is checked against the supported operators, and
/// <see cref="GraphAnalysis"/> then infers shapes and folds constant subgraphs.
/// </summary>
public static class OnnxImporter
{
    public const int MinOpset = 11;
    public const int MaxOpset = 20;

    public static ModelGraph Load(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        return Load(bytes, Path.GetFileName(path));
    }

    public static ModelGraph Load(byte[] bytes, string sourceName = "model")
    {
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            // Google.Protobuf 3.25.1 lets some malformed unknown fields and varints escape as index errors (found by
            // fuzzing); they come from parsing the user's bytes, so they are the same refusal.
            throw new OnnxFormatException($"{sourceName}: not a valid ONNX model (truncated or corrupt protobuf: {e.Message})");
        }
        if (model.Graph is null || model.Graph.Node.Count == 0)
            throw new OnnxFormatException($"{sourceName}: the ONNX model has no graph (is this an ONNX file?)");

        var graph = new ModelGraph { Name = model.Graph.Name };
        graph.OpsetVersion = DefaultOpset(model, sourceName);
        foreach (var entry in model.MetadataProps) graph.Metadata[entry.Key] = entry.Value;

        foreach (var init in model.Graph.Initializer)
            graph.Values[init.Name] = new ValueInfo(init.Name, ToKind(init.DataType), null, ReadTensor(init, $"initializer '{init.Name}'")) { };
        foreach (var v in graph.Values.Values) v.Shape = v.Constant!.Shape;

        foreach (var input in model.Graph.Input)
        {
            if (graph.Values.ContainsKey(input.Name)) continue; // IR < 4 lists initializers as inputs too
            graph.Values[input.Name] = new ValueInfo(input.Name, ToKind(input.Type?.TensorType?.ElemType ?? 1), InputShape(input, sourceName));
            graph.Inputs.Add(input.Name);
        }
        if (graph.Inputs.Count == 0) throw new OnnxFormatException($"{sourceName}: the graph has no non-constant input");

        int index = 0;
        foreach (var n in model.Graph.Node)
        {
            string name = n.Name.Length > 0 ? n.Name : $"{n.OpType}_{index}";
            index++;
            var node = new Node(name, n.OpType, n.Input, n.Output, ReadAttributes(n, name));
            if (n.Domain.Length > 0 && n.Domain != "ai.onnx")
                throw new UnsupportedOperatorException(node, $"'{n.OpType}' from domain '{n.Domain}' (only the default ONNX domain is supported)");
            if (n.OpType == "Constant")
            {
                graph.Values[n.Output[0]] = ConstantNodeValue(node);
                continue;
            }
            graph.Nodes.Add(node);
        }
        foreach (var output in model.Graph.Output) graph.Outputs.Add(output.Name);

        GraphAnalysis.Run(graph);
        return graph;
    }

    private static int DefaultOpset(ModelProto model, string sourceName)
    {
        var entry = model.OpsetImport.FirstOrDefault(o => o.Domain.Length == 0 || o.Domain == "ai.onnx")
            ?? throw new OnnxFormatException($"{sourceName}: the model imports no default ONNX opset");
        if (entry.Version < MinOpset || entry.Version > MaxOpset)
            throw new OnnxFormatException($"{sourceName}: ONNX opset {entry.Version} is not supported (supported: {MinOpset}–{MaxOpset}); re-export with an opset in that range");
        return (int)entry.Version;
    }

    private static int[] InputShape(ValueInfoProto input, string sourceName)
    {
        var dims = input.Type?.TensorType?.Shape?.Dim;
        if (dims is null) throw new OnnxFormatException($"{sourceName}: input '{input.Name}' has no shape");
        var shape = new int[dims.Count];
        for (int i = 0; i < dims.Count; i++)
        {
            var d = dims[i];
            if (d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && d.DimValue > 0 && d.DimValue <= int.MaxValue)
                shape[i] = (int)d.DimValue;
            else if (i == 0)
                shape[i] = 1; // symbolic or unknown batch: one image at a time
            else
                throw new OnnxFormatException($"{sourceName}: input '{input.Name}' dimension {i} is symbolic ('{d.DimParam}'); only the batch dimension may be");
        }
        return shape;
    }

    private static DataKind ToKind(int onnxType) => onnxType switch
    {
        (int)TensorProto.Types.DataType.Float or (int)TensorProto.Types.DataType.Double or (int)TensorProto.Types.DataType.Float16 => DataKind.Float,
        _ => DataKind.Int64,
    };

    private static Dictionary<string, AttributeValue> ReadAttributes(NodeProto n, string nodeName)
    {
        var result = new Dictionary<string, AttributeValue>();
        foreach (var a in n.Attribute)
        {
            if (a.RefAttrName.Length > 0)
                throw new OnnxFormatException($"node '{nodeName}' ({n.OpType}): attribute '{a.Name}' refers to a function attribute, which is not supported");
            result[a.Name] = a.Type switch
            {
                AttributeProto.Types.AttributeType.Float => new AttributeValue { Kind = AttributeKind.Float, Float = a.F },
                AttributeProto.Types.AttributeType.Int => new AttributeValue { Kind = AttributeKind.Int, Int = a.I },
                AttributeProto.Types.AttributeType.String => new AttributeValue { Kind = AttributeKind.String, String = a.S.ToStringUtf8() },
                AttributeProto.Types.AttributeType.Tensor => new AttributeValue { Kind = AttributeKind.Tensor, Tensor = ReadTensor(a.T, $"node '{nodeName}' attribute '{a.Name}'") },
                AttributeProto.Types.AttributeType.Floats => new AttributeValue { Kind = AttributeKind.Floats, Floats = a.Floats.ToArray() },
                AttributeProto.Types.AttributeType.Ints => new AttributeValue { Kind = AttributeKind.Ints, Ints = a.Ints.ToArray() },
                AttributeProto.Types.AttributeType.Strings => new AttributeValue { Kind = AttributeKind.Strings, Strings = a.Strings.Select(s => s.ToStringUtf8()).ToArray() },
                AttributeProto.Types.AttributeType.Graph => new AttributeValue { Kind = AttributeKind.Graph },
                _ => new AttributeValue { Kind = AttributeKind.Other },
            };
        }
        return result;
    }

    private static ValueInfo ConstantNodeValue(Node node)
    {
        string output = node.Outputs[0];
        TensorData data;
        if (node.Attributes.Has("value")) data = node.Attributes.Tensor("value");
        else if (node.Attributes.Has("value_float")) data = TensorData.FromFloats(Array.Empty<int>(), new[] { node.Attributes.Float("value_float", 0) });
        else if (node.Attributes.Has("value_int")) data = TensorData.FromLongs(Array.Empty<int>(), new[] { node.Attributes.Int("value_int") });
        else if (node.Attributes.Has("value_ints"))
        {
            var ints = node.Attributes.Ints("value_ints", Array.Empty<long>());
            data = TensorData.FromLongs(new[] { ints.Length }, ints);
        }
        else throw new GraphException(node, "Constant without a supported value attribute (value, value_float, value_int, value_ints)");
        return new ValueInfo(output, data.Kind, data.Shape, data);
    }

    /// <summary>Decodes a TensorProto (raw_data or typed fields) into float or int64 data.</summary>
    internal static TensorData ReadTensor(TensorProto? t, string where)
    {
        if (t is null) throw new OnnxFormatException($"{where}: the tensor is missing");
        if (t.DataLocation == 1 || t.ExternalData.Count > 0)
            throw new OnnxFormatException($"{where}: tensor data stored in an external file is not supported; save the model with all data inside");
        var shape = new int[t.Dims.Count];
        for (int i = 0; i < shape.Length; i++)
        {
            if (t.Dims[i] < 0 || t.Dims[i] > int.MaxValue) throw new OnnxFormatException($"{where}: dimension {t.Dims[i]} is invalid");
            shape[i] = (int)t.Dims[i];
        }
        int count;
        try { count = TensorData.ElementCount(shape); }
        catch (ArgumentException e) { throw new OnnxFormatException($"{where}: {e.Message}"); }
        byte[] raw = t.RawData.ToByteArray();
        bool hasRaw = raw.Length > 0;
        var type = (TensorProto.Types.DataType)t.DataType;

        void CheckRaw(int elementSize)
        {
            if ((long)count * elementSize != raw.Length)
                throw new OnnxFormatException($"{where}: raw_data holds {raw.Length} bytes, {(long)count * elementSize} expected for {count} {type} elements");
        }
        void CheckCount(int actual)
        {
            if (actual != count) throw new OnnxFormatException($"{where}: {actual} values for {count} elements");
        }

        switch (type)
        {
            case TensorProto.Types.DataType.Float:
                if (hasRaw) { CheckRaw(4); return TensorData.FromFloats(shape, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(raw.AsSpan()).ToArray()); }
                CheckCount(t.FloatData.Count);
                return TensorData.FromFloats(shape, t.FloatData.ToArray());
            case TensorProto.Types.DataType.Double:
                if (hasRaw) { CheckRaw(8); return TensorData.FromFloats(shape, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(raw.AsSpan()).ToArray().Select(d => (float)d).ToArray()); }
                CheckCount(t.DoubleData.Count);
                return TensorData.FromFloats(shape, t.DoubleData.Select(d => (float)d).ToArray());
            case TensorProto.Types.DataType.Float16:
                if (hasRaw) { CheckRaw(2); return TensorData.FromFloats(shape, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(raw.AsSpan()).ToArray().Select(h => (float)h).ToArray()); }
                CheckCount(t.Int32Data.Count);
                return TensorData.FromFloats(shape, t.Int32Data.Select(bits => (float)BitConverter.UInt16BitsToHalf((ushort)bits)).ToArray());
            case TensorProto.Types.DataType.Int64:
                if (hasRaw) { CheckRaw(8); return TensorData.FromLongs(shape, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(raw.AsSpan()).ToArray()); }
                CheckCount(t.Int64Data.Count);
                return TensorData.FromLongs(shape, t.Int64Data.ToArray());
            case TensorProto.Types.DataType.Int32:
                if (hasRaw) { CheckRaw(4); return TensorData.FromLongs(shape, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(raw.AsSpan()).ToArray().Select(v => (long)v).ToArray()); }
                CheckCount(t.Int32Data.Count);
                return TensorData.FromLongs(shape, t.Int32Data.Select(v => (long)v).ToArray());
            case TensorProto.Types.DataType.Int8:
            case TensorProto.Types.DataType.Uint8:
            case TensorProto.Types.DataType.Bool:
            case TensorProto.Types.DataType.Int16:
            case TensorProto.Types.DataType.Uint16:
            {
                bool signed = type is TensorProto.Types.DataType.Int8 or TensorProto.Types.DataType.Int16;
                int size = type is TensorProto.Types.DataType.Int16 or TensorProto.Types.DataType.Uint16 ? 2 : 1;
                if (hasRaw)
                {
                    CheckRaw(size);
                    var values = new long[count];
                    for (int i = 0; i < count; i++)
                        values[i] = size == 1 ? (signed ? (sbyte)raw[i] : raw[i]) : (signed ? BitConverter.ToInt16(raw, 2 * i) : BitConverter.ToUInt16(raw, 2 * i));
                    return TensorData.FromLongs(shape, values);
                }
                CheckCount(t.Int32Data.Count);
                return TensorData.FromLongs(shape, t.Int32Data.Select(v => (long)v).ToArray());
            }
            default:
                throw new OnnxFormatException($"{where}: tensor type {type} is not supported");
        }
    }
}

/// <summary>The file is not a usable ONNX model (corrupt protobuf, unsupported opset, external data …).</summary>
public sealed class OnnxFormatException : GraphException
{
    public OnnxFormatException(string message) : base(message) { }
}
