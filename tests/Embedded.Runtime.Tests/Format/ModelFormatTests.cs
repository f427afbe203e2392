using System;
using System.Buffers.Binary;
using System.Linq;
using Embedded.Runtime.Building;
using Embedded.Runtime.Execution;
using Embedded.Runtime.Format;
using Embedded.Runtime.Kernels;
using Embedded.Runtime.Model;
using Embedded.Runtime.Quantization;
using Embedded.Runtime.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Runtime.Tests.Format;

[TestClass]
public sealed class ModelFormatTests
{
    [TestMethod]
    public void LayoutAndResizeOperators_RoundTrip_AndRunTheSameOnEveryPath()
    {
        byte[] file = Models.TinySegmentationFile;
        var read = ModelReader.Read(file);
        CollectionAssert.AreEqual(file, ModelWriter.Write(read));
        CollectionAssert.AreEqual(new[] { OperatorCode.GatherChannels, OperatorCode.Resize, OperatorCode.Resize, OperatorCode.Resize, OperatorCode.ArgMax },
            read.Operators.Select(o => o.Code).ToArray());
        byte[]? expected = null;
        foreach (var path in KernelPaths.Available)
        {
            var interpreter = EmbeddedModel.Load(file).CreateInterpreter(new InterpreterOptions { Path = path });
            Models.FillInput(interpreter, 3);
            interpreter.Invoke();
            var classes = interpreter.Output(0).AsSpan<long>().ToArray();
            Assert.IsTrue(classes.All(c => c is >= 0 and < 3), "class indices of three channels");
            var bytes = interpreter.Output(0).Bytes.ToArray();
            if (expected is null) expected = bytes;
            else CollectionAssert.AreEqual(expected, bytes, $"path {path}");
        }
    }

    [TestMethod]
    public void InterpolatedTable_RoundTrips_RunsTheSameOnEveryPath_AndFollowsSiLU()
    {
        byte[] file = Models.TinyWideFile;
        var read = ModelReader.Read(file);
        CollectionAssert.AreEqual(file, ModelWriter.Write(read));
        Assert.AreEqual(6, ((InterpolatedTableParams)read.Operators[1].Params).Shift, "samples 64 steps apart cover ±16384");
        byte[]? expected = null;
        foreach (var path in KernelPaths.Available)
        {
            var interpreter = EmbeddedModel.Load(file).CreateInterpreter(new InterpreterOptions { Path = path });
            Models.FillInput(interpreter, 4);
            var pixels = interpreter.Input(0).Bytes.ToArray();
            interpreter.Invoke();
            var real = interpreter.Output(0).AsSpan<float>().ToArray();
            // x = 0.05·(pixel − 128) spans ±6.4, past the samples' ±3.2: there the end segments extrapolate (off by ≤ 0.15).
            for (int i = 0; i < real.Length; i++)
            {
                double x = 0.05 * (pixels[i] - 128), silu = x / (1 + Math.Exp(-x));
                double tolerance = Math.Abs(x) <= 3.2 ? 0.002 : 0.2;
                Assert.AreEqual(silu, real[i], tolerance, $"x = {x}");
            }
            var bytes = interpreter.Output(0).Bytes.ToArray();
            if (expected is null) expected = bytes;
            else CollectionAssert.AreEqual(expected, bytes, $"path {path}");
        }
    }

    [TestMethod]
    public void DetectionPostProcess_RoundTrips_AndRunsTheSameOnEveryPath_WithOneOrTwoThreads()
    {
        byte[] file = Models.TinyDetectionFile;
        CollectionAssert.AreEqual(file, ModelWriter.Write(ModelReader.Read(file)));
        byte[]? expected = null;
        foreach (var path in KernelPaths.Available)
        foreach (int threads in new[] { 1, 2 })
        {
            var interpreter = EmbeddedModel.Load(file).CreateInterpreter(new InterpreterOptions { Path = path, Threads = threads });
            Models.FillInput(interpreter, 5);
            interpreter.Invoke();
            float count = interpreter.Output(3).AsSpan<float>()[0];
            Assert.IsTrue(count is >= 1 and <= 4, $"{count} detections");
            var bytes = Enumerable.Range(0, 4).SelectMany(k => interpreter.Output(k).Bytes.ToArray()).ToArray();
            if (expected is null) expected = bytes;
            else CollectionAssert.AreEqual(expected, bytes, $"path {path}, {threads} threads");
        }
    }

    [TestMethod]
    public void WriteReadWrite_IsByteIdentical_AndKeepsEveryField()
    {
        byte[] file = Models.TinyFile;
        var read = ModelReader.Read(file);
        CollectionAssert.AreEqual(file, ModelWriter.Write(read));

        var original = Models.Tiny();
        Assert.AreEqual(original.Metadata.Name, read.Metadata.Name);
        CollectionAssert.AreEqual(original.Metadata.Labels, read.Metadata.Labels);
        Assert.AreEqual(original.Metadata.Preprocessing.ResizeShorterSide, read.Metadata.Preprocessing.ResizeShorterSide);
        CollectionAssert.AreEqual(original.Metadata.Properties.ToArray(), read.Metadata.Properties.ToArray());
        Assert.AreEqual(original.Tensors.Count, read.Tensors.Count);
        for (int t = 0; t < read.Tensors.Count; t++)
        {
            var a = original.Tensors[t]; var b = read.Tensors[t];
            Assert.AreEqual(a.Name, b.Name);
            Assert.AreEqual(a.Type, b.Type);
            CollectionAssert.AreEqual(a.Shape, b.Shape);
            Assert.AreEqual(a.IsConstant, b.IsConstant);
            CollectionAssert.AreEqual(a.Data.ToArray(), b.Data.ToArray());
            Assert.AreEqual(a.Quantization is null, b.Quantization is null);
            if (a.Quantization is not null) Assert.IsTrue(a.Quantization.SameAs(b.Quantization), a.Name);
        }
        CollectionAssert.AreEqual(original.Plan.Offsets, read.Plan.Offsets);
        Assert.AreEqual(original.Plan.ArenaBytes, read.Plan.ArenaBytes);
        CollectionAssert.AreEqual(original.Operators.Select(o => o.Code).ToArray(), read.Operators.Select(o => o.Code).ToArray());
    }

    [TestMethod]
    public void ConstantData_Is16ByteAligned_AndUsedInPlace()
    {
        byte[] file = Models.TinyFile;
        var model = ModelReader.Read(file);
        foreach (var t in model.Tensors.Where(t => t.IsConstant))
        {
            Assert.IsTrue(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(t.Data, out var segment));
            Assert.AreSame(file, segment.Array, "constant data must point into the file buffer");
            Assert.AreEqual(0, segment.Offset % 16, $"{t} is not 16-byte aligned in the file");
        }
    }

    private static void ExpectFormatError(byte[] file, string fieldFragment, ModelReadOptions? options = null)
    {
        var e = Assert.ThrowsExactly<ModelFormatException>(() => ModelReader.Read(file, options));
        StringAssert.Contains(e.Message, fieldFragment);
    }

    private static byte[] WithCrcFixed(byte[] file)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(12), Crc32.Compute(file.AsSpan(16)));
        return file;
    }

    [TestMethod]
    public void HeaderDefects_AreNamed()
    {
        byte[] good = Models.TinyFile;
        var badMagic = (byte[])good.Clone(); badMagic[0] = (byte)'X';
        ExpectFormatError(badMagic, "header.magic");
        var badVersion = (byte[])good.Clone(); badVersion[4] = 9;
        ExpectFormatError(badVersion, "header.version");
        ExpectFormatError(good.Take(good.Length - 1).ToArray(), "header.fileLength");
        ExpectFormatError(good.Concat(new byte[] { 0 }).ToArray(), "header.fileLength");
        var flipped = (byte[])good.Clone(); flipped[good.Length / 2] ^= 0x40;
        ExpectFormatError(flipped, "header.crc32");
        ExpectFormatError(Array.Empty<byte>(), "header");
        Assert.AreEqual(0x414FA339u, Crc32.Compute(System.Text.Encoding.ASCII.GetBytes("The quick brown fox jumps over the lazy dog")));
    }

    /// <summary>Acceptance: every single-byte corruption (CRC recomputed, so the structural checks are reached)
    /// loads or fails with the reader's own exception; a model that loads also runs.</summary>
    [TestMethod]
    [Timeout(600_000)]
    [DataRow("tiny")]
    [DataRow("tiny-segmentation")]
    [DataRow("tiny-detection")]
    [DataRow("tiny-wide")]
    public void EveryByteFlip_LoadsOrFailsWithModelFormatException_NeverAnythingElse(string which)
    {
        byte[] good = which switch { "tiny" => Models.TinyFile, "tiny-segmentation" => Models.TinySegmentationFile, "tiny-wide" => Models.TinyWideFile, _ => Models.TinyDetectionFile };
        int loaded = 0, rejected = 0;
        foreach (byte mask in new byte[] { 0xFF, 0x01, 0x80, 0x10 })
        for (int position = 0; position < good.Length; position++)
        {
            var file = (byte[])good.Clone();
            file[position] ^= mask;
            if (position < 12 || position >= 16) WithCrcFixed(file);
            try
            {
                var model = EmbeddedModel.Load(file);
                var interpreter = model.CreateInterpreter();
                Models.FillInput(interpreter, position);
                interpreter.Invoke();
                loaded++;
            }
            catch (ModelFormatException)
            {
                rejected++;
            }
            catch (Exception e)
            {
                Assert.Fail($"flip 0x{mask:X2} at byte {position} of {good.Length}: {e.GetType().Name}: {e.Message}");
            }
        }
        Console.WriteLine($"{good.Length} bytes × 4 flips: {loaded} loaded and ran, {rejected} rejected");
        Assert.IsTrue(rejected > 0 && loaded > 0);
    }

    [TestMethod]
    [Timeout(600_000)]
    public void EveryTruncation_FailsWithModelFormatException_EvenWithAConsistentHeader()
    {
        byte[] good = Models.TinyFile;
        for (int length = 0; length < good.Length; length++)
        {
            var file = good.Take(length).ToArray();
            Assert.ThrowsExactly<ModelFormatException>(() => ModelReader.Read(file), $"truncated to {length}");
            if (length >= 16)
            {
                // Make the header agree with the truncated length so parsing reaches the sections.
                BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(8), (uint)length);
                WithCrcFixed(file);
                try
                {
                    ModelReader.Read(file);
                    Assert.Fail($"a file truncated to {length} bytes loaded");
                }
                catch (ModelFormatException) { }
                catch (Exception e) { Assert.Fail($"truncated to {length}: {e.GetType().Name}: {e.Message}"); }
            }
        }
    }

    [TestMethod]
    public void RandomMultiByteCorruption_OfTheFullSizeModelHeaders_IsHandled()
    {
        // The large model's structural sections (everything before the Data section) get random multi-byte damage.
        byte[] good = Models.MobileNetV3SmallFile;
        uint dataOffset = 0;
        int sections = BinaryPrimitives.ReadInt32LittleEndian(good.AsSpan(16));
        for (int s = 0; s < sections; s++)
            if (BinaryPrimitives.ReadUInt32LittleEndian(good.AsSpan(20 + 12 * s)) == (uint)SectionKind.Data)
                dataOffset = BinaryPrimitives.ReadUInt32LittleEndian(good.AsSpan(24 + 12 * s));
        var random = new Random(60);
        for (int trial = 0; trial < 300; trial++)
        {
            var file = (byte[])good.Clone();
            for (int k = 0; k < 1 + trial % 4; k++) file[random.Next(16, (int)dataOffset)] = (byte)random.Next(256);
            WithCrcFixed(file);
            try { ModelReader.Read(file); }
            catch (ModelFormatException) { }
            catch (Exception e) { Assert.Fail($"trial {trial}: {e.GetType().Name}: {e.Message}"); }
        }
    }

    [TestMethod]
    public void Writer_RejectsInvalidDefinitions_WithTheFieldNamed()
    {
        var good = Models.Tiny();
        // Two live tensors placed on top of each other.
        var offsets = (int[])good.Plan.Offsets.Clone();
        int a = good.Operators[1].Inputs[0], b = good.Operators[1].Outputs[0];
        offsets[a] = 0;
        offsets[b] = 0;
        var overlapping = new ModelDefinition(good.Metadata, good.Tensors, good.Operators, good.Inputs, good.Outputs, new MemoryPlan(good.Plan.ArenaBytes, offsets));
        var e = Assert.ThrowsExactly<ModelFormatException>(() => ModelWriter.Write(overlapping));
        StringAssert.Contains(e.Message, "overlaps");

        // A conv whose declared output shape disagrees with its geometry.
        var ops = good.Operators.ToArray();
        int convIndex = Array.FindIndex(ops, o => o.Code == OperatorCode.Conv2D);
        var conv = ops[convIndex];
        var p = (Conv2DParams)conv.Params;
        ops[convIndex] = new OperatorDefinition(conv.Code, conv.Name, conv.Inputs, conv.Outputs,
            new Conv2DParams { StrideH = p.StrideH + 1, StrideW = p.StrideW, Padding = p.Padding, Output = p.Output });
        e = Assert.ThrowsExactly<ModelFormatException>(() => ModelWriter.Write(new ModelDefinition(good.Metadata, good.Tensors, ops, good.Inputs, good.Outputs, good.Plan)));
        StringAssert.Contains(e.Message, $"operator[{convIndex}] Conv2D '{conv.Name}'.outputs[0]");

        // An operator that reads a tensor before anything writes it.
        var reversed = good.Operators.Reverse().ToArray();
        e = Assert.ThrowsExactly<ModelFormatException>(() => ModelWriter.Write(new ModelDefinition(good.Metadata, good.Tensors, reversed, good.Inputs, good.Outputs, good.Plan)));
        StringAssert.Contains(e.Message, "before any operator writes it");
    }

    [TestMethod]
    public void InterpolatedTable_WithWrongSamplesOrTypes_IsRejected_WithTheFieldNamed()
    {
        var good = Models.TinyWide();
        ModelFormatException Broken(InterpolatedTableParams p, int input = -1)
        {
            var ops = good.Operators.ToArray();
            var table = ops[1];
            ops[1] = new OperatorDefinition(table.Code, table.Name, input < 0 ? table.Inputs : new[] { input }, table.Outputs, p);
            return Assert.ThrowsExactly<ModelFormatException>(() => ModelWriter.Write(new ModelDefinition(good.Metadata, good.Tensors, ops, good.Inputs, good.Outputs, good.Plan)));
        }
        var samples = ((InterpolatedTableParams)good.Operators[1].Params).Samples;
        StringAssert.Contains(Broken(new InterpolatedTableParams { Samples = samples.Take(512).ToArray() }).Message, "params.samples");
        var outside = (int[])samples.Clone();
        outside[7] = 40000;
        StringAssert.Contains(Broken(new InterpolatedTableParams { Samples = outside }).Message, "params.samples[7]");
        // The uint8 pixels are no int16 input.
        StringAssert.Contains(Broken(new InterpolatedTableParams { Samples = samples }, good.Inputs[0]).Message, "int16");
    }

    [TestMethod]
    public void OptionalSectionsFromNewerWriters_AreSkipped()
    {
        // Rewrite the directory entry of the Metadata section... instead append an optional section pointing at existing bytes.
        byte[] good = Models.TinyFile;
        int count = BinaryPrimitives.ReadInt32LittleEndian(good.AsSpan(16));
        // Turn the Plan entry's kind into an unknown required kind: must fail naming the directory.
        var file = (byte[])good.Clone();
        for (int s = 0; s < count; s++)
            if (BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(20 + 12 * s)) == (uint)SectionKind.Plan)
                BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(20 + 12 * s), 77);
        ExpectFormatError(WithCrcFixed(file), "unknown required section kind 77");
        // Marked optional, the same entry is skipped, and then the Plan section is reported missing.
        for (int s = 0; s < count; s++)
            if (BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(20 + 12 * s)) == 77)
                BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(20 + 12 * s), 0x8000_0077);
        ExpectFormatError(WithCrcFixed(file), "required section Plan is missing");
    }
}
