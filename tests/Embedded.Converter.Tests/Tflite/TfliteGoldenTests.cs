using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Embedded.Converter.Tflite;
using Embedded.Converter.Tests.Support;
using Embedded.Runtime.Execution;
using Embedded.Runtime.Format;
using Embedded.Runtime.Model;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Converter.Tests.Tflite;

/// <summary>
/// Imported TFLite models against the real interpreters' outputs: TFLite's builtin kernels (golden/tflite-builtin
/// and held-out inputs) and TFLite Micro's reference kernels (golden/tflm-reference), byte for byte.
/// </summary>
[TestClass]
public sealed class TfliteGoldenTests
{
    [TestMethod]
    [DataRow("v3-small_224_1.0_uint8", TfliteKernels.Builtin, "tflite-builtin")]
    [DataRow("mobilenet_v2_1.0_224_quant", TfliteKernels.Builtin, "tflite-builtin")]
    [DataRow("tf2_mobilenet_v2_1.0_224_ptq", TfliteKernels.Builtin, "tflite-builtin")]
    [DataRow("mobilenet_v3_small_int8_mlir", TfliteKernels.Builtin, "tflite-builtin")]
    [DataRow("tf2_mobilenet_v2_1.0_224_ptq", TfliteKernels.Micro, "tflm-reference")]
    [DataRow("mobilenet_v3_small_int8_mlir", TfliteKernels.Micro, "tflm-reference")]
    public void GoldenInputs_GiveTheInterpretersBytes(string model, TfliteKernels kernels, string goldenFolder)
    {
        var inputs = SharedFixtures.GoldenNames().Select(n => (n, File.ReadAllBytes(SharedFixtures.Fixture("golden", "inputs", n + ".u8")))).ToList();
        string folder = SharedFixtures.Fixture("golden", goldenFolder, model);
        AssertIdentical(model, kernels, inputs, (name, ext) => File.ReadAllBytes(Path.Combine(folder, name + ext)));
    }

    /// <summary>The models with their own input size: golden/inputs-SIZE holds each one's eight golden images, preprocessed.</summary>
    [TestMethod]
    [DataRow("mobilenet_v1_0.5_160_quant", 160, TfliteKernels.Builtin, "tflite-builtin")]
    [DataRow("vww_96_int8", 96, TfliteKernels.Builtin, "tflite-builtin")]
    [DataRow("vww_96_int8", 96, TfliteKernels.Micro, "tflm-reference")]
    public void SizedGoldenInputs_GiveTheInterpretersBytes(string model, int size, TfliteKernels kernels, string goldenFolder)
    {
        string inputs = SharedFixtures.Fixture("golden", $"inputs-{size}");
        var pixels = Directory.GetFiles(inputs, "*.u8").OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => (Path.GetFileNameWithoutExtension(f), File.ReadAllBytes(f))).ToList();
        Assert.HasCount(8, pixels, $"golden/inputs-{size}");
        string folder = SharedFixtures.Fixture("golden", goldenFolder, model);
        AssertIdentical(model, kernels, pixels, (name, ext) => File.ReadAllBytes(Path.Combine(folder, name + ext)));
    }

    /// <summary>DeepLabV3 (uint8): RESIZE_BILINEAR's float weights and ARG_MAX's int64 class map, byte for byte at 513×513.</summary>
    [TestMethod]
    public void SegmentationModel_GivesTflitesClassMap_ByteForByte()
    {
        const string model = "deeplabv3_mnv2_dm05_pascal_quant";
        var definition = TfliteImporter.Import(TfliteModel.Load(SharedFixtures.Model(model + ".tflite")), new ModelMetadata { Name = model });
        var interpreter = EmbeddedModel.Load(ModelWriter.Write(definition)).CreateInterpreter();
        Assert.AreEqual(ElementType.Int64, interpreter.Output(0).Type);
        string folder = SharedFixtures.Fixture("golden", "tflite-builtin", model);
        foreach (string golden in Directory.GetFiles(folder, "*.i64"))
        {
            string name = Path.GetFileNameWithoutExtension(golden);
            File.ReadAllBytes(SharedFixtures.Fixture("golden", "inputs-513", name + ".u8")).CopyTo(interpreter.Input(0).Bytes);
            interpreter.Invoke();
            var expected = File.ReadAllBytes(golden);
            var actual = interpreter.Output(0).Bytes.ToArray();
            int agree = Enumerable.Range(0, expected.Length / 8).Count(i => BitConverter.ToInt64(expected, 8 * i) == BitConverter.ToInt64(actual, 8 * i));
            Console.WriteLine($"{model} {name}: {agree}/{expected.Length / 8} pixels equal");
            CollectionAssert.AreEqual(expected, actual, $"{name}: {agree}/{expected.Length / 8} pixels equal");
        }
    }

    /// <summary>Inputs never looked at during development (Tflite/HeldOut/README.md), incl. the 128 px V1.</summary>
    [TestMethod]
    [DataRow("v3-small_224_1.0_uint8", 224)]
    [DataRow("mobilenet_v2_1.0_224_quant", 224)]
    [DataRow("tf2_mobilenet_v2_1.0_224_ptq", 224)]
    [DataRow("mobilenet_v3_small_int8_mlir", 224)]
    [DataRow("mobilenet_v1_0.25_128_quant", 128)]
    public void HeldOutInputs_GiveTfliteBuiltinBytes(string model, int size)
    {
        var inputs = HeldOutInputs.Build(size);
        string dir = Path.Combine(AppContext.BaseDirectory, "Tflite", "HeldOut");
        string file = Directory.GetFiles(dir, model + ".*").Single();
        var all = File.ReadAllBytes(file);
        int each = all.Length / HeldOutInputs.Count;
        var index = inputs.Select((input, i) => (input.Name, i)).ToDictionary(p => p.Name, p => p.i);
        AssertIdentical(model, TfliteKernels.Builtin, inputs, (name, _) => all.AsSpan(index[name] * each, each).ToArray());
    }

    private static void AssertIdentical(string model, TfliteKernels kernels, IReadOnlyList<(string Name, byte[] Pixels)> inputs, Func<string, string, byte[]> expectedFor)
    {
        var definition = TfliteImporter.Import(TfliteModel.Load(SharedFixtures.Model(model + ".tflite")), new ModelMetadata { Name = model }, kernels);
        var interpreter = EmbeddedModel.Load(ModelWriter.Write(definition)).CreateInterpreter();
        bool floatIn = interpreter.Input(0).Type == ElementType.Float32, floatOut = interpreter.Output(0).Type == ElementType.Float32;
        int identical = 0, sameTop1 = 0;
        double worst = 0;
        var different = new List<string>();
        foreach (var (name, pixels) in inputs)
        {
            if (floatIn)
            {
                var input = interpreter.Input(0).AsSpan<float>();
                for (int i = 0; i < pixels.Length; i++) input[i] = pixels[i] / 255.0f;
            }
            else if (interpreter.Input(0).Type == ElementType.Int8)
            {
                // An int8 image input is u8 − 128 (the shared fixtures' convention, e.g. Visual Wake Words).
                var input = interpreter.Input(0).Bytes;
                for (int i = 0; i < pixels.Length; i++) input[i] = (byte)(pixels[i] ^ 0x80);
            }
            else pixels.CopyTo(interpreter.Input(0).Bytes);
            interpreter.Invoke();
            var actual = interpreter.Output(0).Bytes.ToArray();
            var expected = expectedFor(name, floatOut ? ".f32" : interpreter.Output(0).Type == ElementType.Int8 ? ".i8" : ".u8");
            if (actual.SequenceEqual(expected)) identical++;
            else different.Add(name);
            double[] a = Values(actual, floatOut, interpreter.Output(0).Type == ElementType.Int8), e = Values(expected, floatOut, interpreter.Output(0).Type == ElementType.Int8);
            worst = Math.Max(worst, a.Zip(e, (p, q) => Math.Abs(p - q)).Max());
            if (Array.IndexOf(a, a.Max()) == Array.IndexOf(e, e.Max())) sameTop1++;
        }
        Console.WriteLine($"{model} ({kernels}): {identical}/{inputs.Count} byte-identical, top-1 equal {sameTop1}/{inputs.Count}, max |Δ| {worst:G4}");
        Assert.AreEqual(inputs.Count, identical, $"outputs must be identical byte for byte; differ on {string.Join(", ", different)} (max |Δ| {worst:G4})");
    }

    private static double[] Values(byte[] raw, bool isFloat, bool signed) =>
        isFloat ? Enumerable.Range(0, raw.Length / 4).Select(i => (double)BitConverter.ToSingle(raw, 4 * i)).ToArray()
            : raw.Select(b => signed ? (double)(sbyte)b : b).ToArray();

    [TestMethod]
    public void MicrocontrollerSizedMobileNetV1_ConvertsAndRunsAt128()
    {
        var definition = TfliteImporter.Import(TfliteModel.Load(SharedFixtures.Model("mobilenet_v1_0.25_128_quant.tflite")), new ModelMetadata());
        var interpreter = EmbeddedModel.Load(ModelWriter.Write(definition)).CreateInterpreter();
        CollectionAssert.AreEqual(new[] { 1, 128, 128, 3 }, interpreter.Input(0).Shape);
        int top5Hits = 0;
        var rows = File.ReadAllLines(SharedFixtures.Fixture("images", "imagenet-dev", "manifest.csv")).Skip(1).Take(20).Select(l => l.Split(',')).ToArray();
        foreach (var row in rows)
        {
            var image = Embedded.Imaging.Jpeg.JpegDecoder.Decode(File.ReadAllBytes(SharedFixtures.Fixture("images", "imagenet-dev", row[0])));
            Embedded.Imaging.ClassifierInput.Prepare(image, 128, 128).CopyTo(interpreter.Input(0).Bytes);
            interpreter.Invoke();
            var probabilities = interpreter.Output(0).Bytes.ToArray();
            Assert.AreEqual(1001, probabilities.Length);
            var top5 = Enumerable.Range(0, 1001).OrderByDescending(i => probabilities[i]).Take(5);
            if (top5.Contains(int.Parse(row[3]))) top5Hits++;
        }
        Console.WriteLine($"MobileNetV1 0.25/128: top-5 {top5Hits}/{rows.Length} on dev images");
        // A 0.25-width 128 px MobileNetV1 reaches about 70 % top-5 on ImageNet.
        Assert.IsTrue(top5Hits >= rows.Length / 2, $"top-5 hits {top5Hits}/{rows.Length}");
    }
}
