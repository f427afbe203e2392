using System;
using System.Collections.Generic;
using System.IO;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Format;

/// <summary>
/// Serializes a <see cref="ModelDefinition"/> to the .emb format. The definition is validated first with the
/// same rules the reader applies, so a written file always loads.
/// </summary>
public static class ModelWriter
{
    public static byte[] Write(ModelDefinition model) => Write(model, Array.Empty<(uint Kind, byte[] Bytes)>());

    /// <summary>
    /// Writes the model with extra optional sections (kinds with <see cref="ModelFormat.OptionalSectionBit"/>): data a
    /// particular runtime uses and every other reader skips, e.g. the microcontroller runtime's row-band plan.
    /// </summary>
    public static byte[] Write(ModelDefinition model, IReadOnlyList<(uint Kind, byte[] Bytes)> optionalSections)
    {
        ModelValidator.Validate(model);
        foreach (var (kind, _) in optionalSections)
            if ((kind & ModelFormat.OptionalSectionBit) == 0) throw new ArgumentException($"section kind 0x{kind:X8} is not optional", nameof(optionalSections));
        if (optionalSections.Count + 5 > ModelFormat.MaxSections) throw new ArgumentException("too many sections", nameof(optionalSections));

        var sections = new List<(SectionKind kind, byte[] bytes, int alignment)>
        {
            (SectionKind.Metadata, WriteMetadata(model.Metadata), 4),
            (SectionKind.Tensors, WriteTensors(model, out byte[] data), 4),
            (SectionKind.Operators, WriteOperators(model), 4),
            (SectionKind.Plan, WritePlan(model.Plan), 4),
            (SectionKind.Data, data, ModelFormat.DataAlignment),
        };
        foreach (var (kind, extra) in optionalSections) sections.Add(((SectionKind)kind, extra, 4));

        var file = new BinarySink();
        file.WriteBytes(ModelFormat.Magic);
        file.WriteUInt16(ModelFormat.VersionMajor);
        file.WriteUInt16(ModelFormat.VersionMinor);
        file.WriteUInt32(0); // file length, patched below
        file.WriteUInt32(0); // CRC-32, patched below
        file.WriteCount(sections.Count);
        int directory = file.Position;
        foreach (var _ in sections)
        {
            file.WriteUInt32(0); file.WriteUInt32(0); file.WriteUInt32(0);
        }
        for (int i = 0; i < sections.Count; i++)
        {
            file.PadTo(sections[i].alignment);
            int offset = file.Position;
            file.WriteBytes(sections[i].bytes);
            file.PatchUInt32(directory + i * ModelFormat.SectionEntryBytes, (uint)sections[i].kind);
            file.PatchUInt32(directory + i * ModelFormat.SectionEntryBytes + 4, (uint)offset);
            file.PatchUInt32(directory + i * ModelFormat.SectionEntryBytes + 8, (uint)sections[i].bytes.Length);
        }
        int length = file.Position;
        file.PatchUInt32(8, (uint)length);
        byte[] bytes = file.ToArray();
        uint crc = Crc32.Compute(bytes.AsSpan(ModelFormat.HeaderBytes));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), crc);
        return bytes;
    }

    public static void Write(ModelDefinition model, Stream stream)
    {
        byte[] bytes = Write(model);
        stream.Write(bytes, 0, bytes.Length);
    }

    public static void Write(ModelDefinition model, string path) => File.WriteAllBytes(path, Write(model));

    private static byte[] WriteMetadata(ModelMetadata m)
    {
        var s = new BinarySink();
        s.WriteString(m.Name);
        s.WriteString(m.Producer);
        s.WriteString(m.SourceHash);
        var p = m.Preprocessing;
        s.WriteByte((byte)p.Layout);
        s.WriteByte((byte)p.Color);
        s.WriteByte((byte)p.Resize);
        s.WriteByte((byte)p.Interpolation);
        s.WriteInt32(p.ResizeShorterSide);
        s.WriteInt32(p.CropWidth);
        s.WriteInt32(p.CropHeight);
        s.WriteCount(p.Mean.Length); s.WriteSingleArray(p.Mean);
        s.WriteCount(p.Std.Length); s.WriteSingleArray(p.Std);
        s.WriteCount(m.Labels.Length);
        foreach (string label in m.Labels) s.WriteString(label);
        s.WriteCount(m.Properties.Count);
        foreach (var kv in m.Properties)
        {
            s.WriteString(kv.Key);
            s.WriteString(kv.Value);
        }
        return s.ToArray();
    }

    private static byte[] WriteTensors(ModelDefinition model, out byte[] data)
    {
        var s = new BinarySink();
        var d = new BinarySink();
        s.WriteCount(model.Tensors.Count);
        foreach (var t in model.Tensors)
        {
            s.WriteString(t.Name);
            s.WriteByte((byte)t.Type);
            s.WriteByte((byte)t.Rank);
            s.WriteBool(t.IsConstant);
            var q = t.Quantization;
            s.WriteByte(q is null ? (byte)0 : q.IsPerAxis ? (byte)2 : (byte)1);
            s.WriteInt32Array(t.Shape);
            if (q is not null)
            {
                if (q.IsPerAxis) s.WriteInt32(q.Axis);
                s.WriteCount(q.Count);
                s.WriteSingleArray(q.Scales);
                s.WriteInt32Array(q.ZeroPoints);
            }
            if (t.IsConstant)
            {
                d.PadTo(ModelFormat.DataAlignment);
                s.WriteUInt32((uint)d.Position);
                s.WriteCount(t.Data.Length);
                d.WriteBytes(t.Data.Span);
            }
        }
        data = d.ToArray();
        return s.ToArray();
    }

    private static byte[] WriteOperators(ModelDefinition model)
    {
        var s = new BinarySink();
        s.WriteCount(model.Inputs.Length); s.WriteInt32Array(model.Inputs);
        s.WriteCount(model.Outputs.Length); s.WriteInt32Array(model.Outputs);
        s.WriteCount(model.Operators.Count);
        foreach (var op in model.Operators)
        {
            s.WriteUInt16((ushort)op.Code);
            s.WriteString(op.Name);
            s.WriteByte((byte)op.Inputs.Length); s.WriteInt32Array(op.Inputs);
            s.WriteByte((byte)op.Outputs.Length); s.WriteInt32Array(op.Outputs);
            var p = new BinarySink();
            op.Params.Write(p);
            byte[] paramBytes = p.ToArray();
            s.WriteCount(paramBytes.Length);
            s.WriteBytes(paramBytes);
        }
        return s.ToArray();
    }

    private static byte[] WritePlan(MemoryPlan plan)
    {
        var s = new BinarySink();
        s.WriteCount(plan.ArenaBytes);
        s.WriteCount(plan.Offsets.Length);
        s.WriteInt32Array(plan.Offsets);
        return s.ToArray();
    }
}
