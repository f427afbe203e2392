using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Format;

/// <summary>
/// Parses and validates an .emb file. Any defect — wrong magic or version, CRC mismatch, a count, offset,
/// length, alignment, type, shape, operator parameter or plan overlap that does not hold — raises a
/// <see cref="ModelFormatException"/> naming the field. Constant tensors keep pointing into the given memory.
/// </summary>
public static class ModelReader
{
    public static ModelDefinition Read(ReadOnlyMemory<byte> file, ModelReadOptions? options = null)
    {
        options ??= ModelReadOptions.Default;
        var span = file.Span;
        if (span.Length < ModelFormat.HeaderBytes + 4)
            throw new ModelFormatException("header", $"file has {span.Length} bytes, fewer than the {ModelFormat.HeaderBytes + 4}-byte header", 0);
        if (!span.Slice(0, 4).SequenceEqual(ModelFormat.Magic))
            throw new ModelFormatException("header.magic", "not an .emb model (magic bytes are not \"EMBD\")", 0);
        ushort major = BinaryPrimitives.ReadUInt16LittleEndian(span.Slice(4));
        ushort minor = BinaryPrimitives.ReadUInt16LittleEndian(span.Slice(6));
        if (major != ModelFormat.VersionMajor)
            throw new ModelFormatException("header.version", $"format version {major}.{minor} is not supported (this runtime reads {ModelFormat.VersionMajor}.x)", 4);
        uint declaredLength = BinaryPrimitives.ReadUInt32LittleEndian(span.Slice(8));
        if (declaredLength != (uint)span.Length)
            throw new ModelFormatException("header.fileLength", $"header says {declaredLength} bytes but the file has {span.Length} (truncated or padded?)", 8);
        uint declaredCrc = BinaryPrimitives.ReadUInt32LittleEndian(span.Slice(12));
        if (options.VerifyChecksum)
        {
            uint actualCrc = Crc32.Compute(span.Slice(ModelFormat.HeaderBytes));
            if (actualCrc != declaredCrc)
                throw new ModelFormatException("header.crc32", $"checksum mismatch (stored 0x{declaredCrc:X8}, computed 0x{actualCrc:X8}): the file is corrupt", 12);
        }

        var sections = ReadDirectory(file);
        ModelMetadata metadata = ReadMetadata(Section(file, sections, SectionKind.Metadata));
        var data = Section(file, sections, SectionKind.Data);
        if (data.fileOffset % ModelFormat.DataAlignment != 0)
            throw new ModelFormatException("section Data", $"starts at offset {data.fileOffset}, not a multiple of {ModelFormat.DataAlignment}", data.fileOffset);
        var tensors = ReadTensors(Section(file, sections, SectionKind.Tensors), data);
        var (inputs, outputs, operators) = ReadOperators(Section(file, sections, SectionKind.Operators));
        var plan = ReadPlan(Section(file, sections, SectionKind.Plan));

        var model = new ModelDefinition(metadata, tensors, operators, inputs, outputs, plan);
        ModelValidator.Validate(model);
        return model;
    }

    public static ModelDefinition Read(Stream stream, ModelReadOptions? options = null)
    {
        if (stream is null) throw new ArgumentNullException(nameof(stream));
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Read(buffer.ToArray(), options);
    }

    public static ModelDefinition Read(string path, ModelReadOptions? options = null) => Read(File.ReadAllBytes(path), options);

    private static Dictionary<SectionKind, (int offset, int length)> ReadDirectory(ReadOnlyMemory<byte> file)
    {
        var cursor = new BinaryCursor(file.Slice(ModelFormat.HeaderBytes), ModelFormat.HeaderBytes);
        int count = cursor.ReadCount("directory.sectionCount", ModelFormat.MaxSections, ModelFormat.SectionEntryBytes);
        var result = new Dictionary<SectionKind, (int, int)>();
        var ranges = new List<(int start, int end, string name)>();
        int directoryEnd = ModelFormat.HeaderBytes + 4 + count * ModelFormat.SectionEntryBytes;
        for (int i = 0; i < count; i++)
        {
            string field = $"directory[{i}]";
            long entryOffset = cursor.FileOffset;
            uint kind = cursor.ReadUInt32(field + ".kind");
            uint offset = cursor.ReadUInt32(field + ".offset");
            uint length = cursor.ReadUInt32(field + ".length");
            if (offset < directoryEnd || (ulong)offset + length > (ulong)file.Length)
                throw new ModelFormatException(field, $"section at [{offset}, {(ulong)offset + length}) lies outside the file body [{directoryEnd}, {file.Length})", entryOffset);
            if ((kind & ModelFormat.OptionalSectionBit) != 0)
                continue; // optional section from a newer writer: skip
            if (kind < (uint)SectionKind.Metadata || kind > (uint)SectionKind.Data)
                throw new ModelFormatException(field + ".kind", $"unknown required section kind {kind}", entryOffset);
            var sectionKind = (SectionKind)kind;
            if (result.ContainsKey(sectionKind))
                throw new ModelFormatException(field + ".kind", $"section {sectionKind} appears twice", entryOffset);
            foreach (var r in ranges)
                if (offset < r.end && r.start < offset + length)
                    throw new ModelFormatException(field, $"section {sectionKind} overlaps section {r.name}", entryOffset);
            ranges.Add(((int)offset, (int)(offset + length), sectionKind.ToString()));
            result[sectionKind] = ((int)offset, (int)length);
        }
        foreach (SectionKind required in new[] { SectionKind.Metadata, SectionKind.Tensors, SectionKind.Operators, SectionKind.Plan, SectionKind.Data })
            if (!result.ContainsKey(required))
                throw new ModelFormatException("directory", $"required section {required} is missing", ModelFormat.HeaderBytes);
        return result;
    }

    private static (ReadOnlyMemory<byte> bytes, int fileOffset) Section(ReadOnlyMemory<byte> file, Dictionary<SectionKind, (int offset, int length)> sections, SectionKind kind)
    {
        var (offset, length) = sections[kind];
        return (file.Slice(offset, length), offset);
    }

    private static ModelMetadata ReadMetadata((ReadOnlyMemory<byte> bytes, int fileOffset) section)
    {
        var c = new BinaryCursor(section.bytes, section.fileOffset);
        string name = c.ReadString("metadata.name", ModelFormat.MaxNameBytes);
        string producer = c.ReadString("metadata.producer", ModelFormat.MaxNameBytes);
        string hash = c.ReadString("metadata.sourceHash", ModelFormat.MaxNameBytes);
        var layout = c.ReadEnum<InputLayout>("metadata.layout", v => v <= (byte)InputLayout.Nchw);
        var color = c.ReadEnum<ColorOrder>("metadata.color", v => v <= (byte)ColorOrder.Gray);
        var resize = c.ReadEnum<ResizeRule>("metadata.resize", v => v <= (byte)ResizeRule.Stretch);
        var interpolation = c.ReadEnum<Interpolation>("metadata.interpolation", v => v <= (byte)Interpolation.Nearest);
        int shorter = c.ReadInt32("metadata.resizeShorterSide");
        int cropW = c.ReadInt32("metadata.cropWidth");
        int cropH = c.ReadInt32("metadata.cropHeight");
        float[] mean = c.ReadSingleArray("metadata.mean", c.ReadCount("metadata.mean.count", 4, 4));
        float[] std = c.ReadSingleArray("metadata.std", c.ReadCount("metadata.std.count", 4, 4));
        int labelCount = c.ReadCount("metadata.labels.count", ModelFormat.MaxLabels, 4);
        var labels = new string[labelCount];
        for (int i = 0; i < labelCount; i++) labels[i] = c.ReadString($"metadata.labels[{i}]", ModelFormat.MaxLabelBytes);
        int propertyCount = c.ReadCount("metadata.properties.count", ModelFormat.MaxProperties, 8);
        var properties = new Dictionary<string, string>();
        for (int i = 0; i < propertyCount; i++)
        {
            long offset = c.FileOffset;
            string key = c.ReadString($"metadata.properties[{i}].key", ModelFormat.MaxNameBytes);
            string value = c.ReadString($"metadata.properties[{i}].value", ModelFormat.MaxPropertyBytes);
            if (properties.ContainsKey(key))
                throw new ModelFormatException($"metadata.properties[{i}].key", $"duplicate key '{key}'", offset);
            properties[key] = value;
        }
        c.ExpectEnd("metadata");
        return new ModelMetadata
        {
            Name = name, Producer = producer, SourceHash = hash, Labels = labels, Properties = properties,
            Preprocessing = new Preprocessing
            {
                Layout = layout, Color = color, Resize = resize, Interpolation = interpolation,
                ResizeShorterSide = shorter, CropWidth = cropW, CropHeight = cropH, Mean = mean, Std = std,
            },
        };
    }

    private static List<TensorDefinition> ReadTensors((ReadOnlyMemory<byte> bytes, int fileOffset) section, (ReadOnlyMemory<byte> bytes, int fileOffset) data)
    {
        var c = new BinaryCursor(section.bytes, section.fileOffset);
        int count = c.ReadCount("tensors.count", ModelFormat.MaxTensors, 8);
        var tensors = new List<TensorDefinition>(count);
        for (int i = 0; i < count; i++)
        {
            string f = $"tensor[{i}]";
            string name = c.ReadString(f + ".name", ModelFormat.MaxNameBytes);
            f = $"tensor[{i}] '{name}'";
            var type = c.ReadEnum<ElementType>(f + ".type", v => ((ElementType)v).IsDefined());
            long rankOffset = c.FileOffset;
            int rank = c.ReadByte(f + ".rank");
            if (rank > TensorDefinition.MaxRank)
                throw new ModelFormatException(f + ".rank", $"rank {rank} exceeds {TensorDefinition.MaxRank}", rankOffset);
            bool isConstant = c.ReadBool(f + ".isConstant");
            long quantKindOffset = c.FileOffset;
            byte quantKind = c.ReadByte(f + ".quantization.kind");
            if (quantKind > 2)
                throw new ModelFormatException(f + ".quantization.kind", $"unknown quantization kind {quantKind}", quantKindOffset);
            int[] shape = c.ReadInt32Array(f + ".shape", rank);
            QuantizationParams? quant = null;
            if (quantKind != 0)
            {
                int axis = quantKind == 2 ? c.ReadInt32(f + ".quantization.axis") : -1;
                int n = c.ReadCount(f + ".quantization.count", ParamEncoding.MaxChannels, 8);
                float[] scales = c.ReadSingleArray(f + ".quantization.scales", n);
                int[] zeroPoints = c.ReadInt32Array(f + ".quantization.zeroPoints", n);
                quant = new QuantizationParams(axis, scales, zeroPoints);
            }
            ReadOnlyMemory<byte>? bytes = null;
            if (isConstant)
            {
                long offsetField = c.FileOffset;
                uint offset = c.ReadUInt32(f + ".dataOffset");
                uint length = c.ReadUInt32(f + ".dataLength");
                if (offset % ModelFormat.DataAlignment != 0)
                    throw new ModelFormatException(f + ".dataOffset", $"offset {offset} is not {ModelFormat.DataAlignment}-byte aligned", offsetField);
                if ((ulong)offset + length > (ulong)data.bytes.Length)
                    throw new ModelFormatException(f + ".dataOffset", $"data [{offset}, {(ulong)offset + length}) lies outside the {data.bytes.Length}-byte Data section", offsetField);
                bytes = data.bytes.Slice((int)offset, (int)length);
            }
            tensors.Add(new TensorDefinition(name, type, shape, quant, bytes));
        }
        c.ExpectEnd("tensors");
        return tensors;
    }

    private static (int[] inputs, int[] outputs, List<OperatorDefinition> ops) ReadOperators((ReadOnlyMemory<byte> bytes, int fileOffset) section)
    {
        var c = new BinaryCursor(section.bytes, section.fileOffset);
        int[] inputs = c.ReadInt32Array("graph.inputs", c.ReadCount("graph.inputs.count", ModelFormat.MaxOperatorIo, 4));
        int[] outputs = c.ReadInt32Array("graph.outputs", c.ReadCount("graph.outputs.count", ModelFormat.MaxOperatorIo, 4));
        int count = c.ReadCount("operators.count", ModelFormat.MaxOperators, 12);
        var ops = new List<OperatorDefinition>(count);
        for (int i = 0; i < count; i++)
        {
            string f = $"operator[{i}]";
            long codeOffset = c.FileOffset;
            ushort code = c.ReadUInt16(f + ".code");
            string name = c.ReadString(f + ".name", ModelFormat.MaxNameBytes);
            if (code < (ushort)OperatorCode.Conv2D || code > (ushort)OperatorCode.InterpolatedTable /* the highest code */)
                throw new ModelFormatException(f + $" '{name}'.code", $"unknown operator code {code}", codeOffset);
            var opCode = (OperatorCode)code;
            f = $"operator[{i}] {opCode} '{name}'";
            int nIn = ReadIoCount(c, f + ".inputs.count");
            int[] opInputs = c.ReadInt32Array(f + ".inputs", nIn);
            int nOut = ReadIoCount(c, f + ".outputs.count");
            int[] opOutputs = c.ReadInt32Array(f + ".outputs", nOut);
            int paramLength = c.ReadCount(f + ".params.length", int.MaxValue, 1);
            long paramOffset = c.FileOffset;
            var paramCursor = new BinaryCursor(section.bytes.Slice(c.Position, paramLength), paramOffset);
            c.ReadBytesSkip(paramLength);
            OperatorParams parameters;
            try
            {
                parameters = ReadParams(opCode, paramCursor);
                paramCursor.ExpectEnd(f + ".params");
            }
            catch (ModelFormatException e) when (!e.Field.StartsWith("operator[", StringComparison.Ordinal))
            {
                throw new ModelFormatException($"{f}.params.{e.Field}", StripPrefix(e), e.Offset);
            }
            ops.Add(new OperatorDefinition(opCode, name, opInputs, opOutputs, parameters));
        }
        c.ExpectEnd("operators");
        return (inputs, outputs, ops);
    }

    private static string StripPrefix(ModelFormatException e)
    {
        int colon = e.Message.IndexOf("): ", StringComparison.Ordinal);
        return colon >= 0 ? e.Message.Substring(colon + 3) : e.Message;
    }

    private static int ReadIoCount(BinaryCursor c, string field)
    {
        long offset = c.FileOffset;
        int n = c.ReadByte(field);
        if (n > ModelFormat.MaxOperatorIo)
            throw new ModelFormatException(field, $"{n} exceeds the limit {ModelFormat.MaxOperatorIo}", offset);
        return n;
    }

    private static OperatorParams ReadParams(OperatorCode code, BinaryCursor c) => code switch
    {
        OperatorCode.Conv2D => Conv2DParams.Read(c),
        OperatorCode.DepthwiseConv2D => DepthwiseConv2DParams.Read(c),
        OperatorCode.FullyConnected => FullyConnectedParams.Read(c),
        OperatorCode.Add => AddParams.Read(c),
        OperatorCode.Mul => MulParams.Read(c),
        OperatorCode.AveragePool2D => Pool2DParams.Read(c),
        OperatorCode.MaxPool2D => Pool2DParams.Read(c),
        OperatorCode.GlobalAveragePool => GlobalAveragePoolParams.Read(c),
        OperatorCode.TableLookup => TableLookupParams.Read(c),
        OperatorCode.Concat => ConcatParams.Read(c),
        OperatorCode.Reshape => NoParams.Read(c),
        OperatorCode.Pad => PadParams.Read(c),
        OperatorCode.Softmax => SoftmaxParams.Read(c),
        OperatorCode.Quantize => QuantizeParams.Read(c),
        OperatorCode.Dequantize => NoParams.Read(c),
        OperatorCode.GatherChannels => GatherChannelsParams.Read(c),
        OperatorCode.Resize => ResizeParams.Read(c),
        OperatorCode.ArgMax => NoParams.Read(c),
        OperatorCode.DetectionPostProcess => DetectionPostProcessParams.Read(c),
        OperatorCode.InterpolatedTable => InterpolatedTableParams.Read(c),
        _ => throw c.Error("code", $"unknown operator code {(int)code}"),
    };

    private static MemoryPlan ReadPlan((ReadOnlyMemory<byte> bytes, int fileOffset) section)
    {
        var c = new BinaryCursor(section.bytes, section.fileOffset);
        int arena = c.ReadCount("plan.arenaBytes", ModelFormat.MaxArenaBytes, 0);
        int count = c.ReadCount("plan.offsets.count", ModelFormat.MaxTensors, 4);
        int[] offsets = c.ReadInt32Array("plan.offsets", count);
        c.ExpectEnd("plan");
        return new MemoryPlan(arena, offsets);
    }
}

/// <summary>Options for <see cref="ModelReader"/>.</summary>
public sealed class ModelReadOptions
{
    public static readonly ModelReadOptions Default = new();

    /// <summary>Check the CRC-32. Tests turn it off to reach the structural checks behind it.</summary>
    public bool VerifyChecksum { get; init; } = true;
}
