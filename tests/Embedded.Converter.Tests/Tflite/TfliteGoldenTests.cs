using System;
using System.IO;
using System.Linq;
using Embedded.Converter.Tflite;
using Embedded.Converter.Tests.Support;
using Embedded.Runtime.Execution;
using Embedded.Runtime.Format;
using Embedded.Runtime.Model;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Converter.Tests.Tflite;

/// <summary>Imported uint8 TFLite models against the real TFLite interpreter's outputs (golden/tflite-builtin).</summary>
[TestClass]
public sealed class TfliteGoldenTests
{
    [TestMethod]
    [DataRow("v3-small_224_1.0_uint8")]
    [DataRow("mobilenet_v2_1.0_224_quant")]
    [DataRow("tf2_mobilenet_v2_1.0_224_ptq")]
    public void Uint8InterfaceModel_MatchesTfliteBuiltinOutputsByteForByte(string model)
    {
        var definition = TfliteImporter.Import(TfliteModel.Load(SharedFixtures.Model(model + ".tflite")), new ModelMetadata { Name = model });
        var interpreter = EmbeddedModel.Load(ModelWriter.Write(definition)).CreateInterpreter();
        int identical = 0, sameTop1 = 0, total = 0, maxDiff = 0;
        foreach (string name in SharedFixtures.GoldenNames())
        {
            string golden = Path.Combine(SharedFixtures.Fixture("golden", "tflite-builtin", model), name + ".u8");
            File.ReadAllBytes(SharedFixtures.Fixture("golden", "inputs", name + ".u8")).CopyTo(interpreter.Input(0).Bytes);
            interpreter.Invoke();
            var actual = interpreter.Output(0).Bytes.ToArray();
            var expected = File.ReadAllBytes(golden);
            total++;
            if (actual.SequenceEqual(expected)) identical++;
            if (Array.IndexOf(actual, actual.Max()) == Array.IndexOf(expected, expected.Max())) sameTop1++;
            maxDiff = Math.Max(maxDiff, actual.Zip(expected, (a, b) => Math.Abs(a - b)).Max());
        }
        Console.WriteLine($"{model}: {identical}/{total} byte-identical, top-1 equal {sameTop1}/{total}, max |Δ| {maxDiff}");
        Assert.AreEqual(total, identical, $"outputs must equal TFLite's byte for byte (max |Δ| {maxDiff})");
    }

    /// <summary>The MLIR int8 model takes float u8/255 NHWC input and gives float32 logits: identical floats.</summary>
    [TestMethod]
    public void FloatInterfaceInt8Model_MatchesTfliteBuiltinOutputsByteForByte()
    {
        const string model = "mobilenet_v3_small_int8_mlir";
        var definition = TfliteImporter.Import(TfliteModel.Load(SharedFixtures.Model(model + ".tflite")), new ModelMetadata { Name = model });
        var interpreter = EmbeddedModel.Load(ModelWriter.Write(definition)).CreateInterpreter();
        int identical = 0, total = 0, sameTop1 = 0;
        double worst = 0;
        foreach (string name in SharedFixtures.GoldenNames())
        {
            var pixels = File.ReadAllBytes(SharedFixtures.Fixture("golden", "inputs", name + ".u8"));
            var input = interpreter.Input(0).AsSpan<float>();
            for (int i = 0; i < pixels.Length; i++) input[i] = pixels[i] / 255.0f;
            interpreter.Invoke();
            var actual = interpreter.Output(0).Bytes.ToArray();
            var expected = File.ReadAllBytes(Path.Combine(SharedFixtures.Fixture("golden", "tflite-builtin", model), name + ".f32"));
            total++;
            if (actual.SequenceEqual(expected)) identical++;
            var a = Enumerable.Range(0, actual.Length / 4).Select(i => BitConverter.ToSingle(actual, 4 * i)).ToArray();
            var e = Enumerable.Range(0, expected.Length / 4).Select(i => BitConverter.ToSingle(expected, 4 * i)).ToArray();
            worst = Math.Max(worst, a.Zip(e, (p, q) => Math.Abs(p - q)).Max());
            if (Array.IndexOf(a, a.Max()) == Array.IndexOf(e, e.Max())) sameTop1++;
        }
        Console.WriteLine($"{model}: {identical}/{total} byte-identical, top-1 equal {sameTop1}/{total}, max |Δlogit| {worst:G4}");
        Assert.AreEqual(total, identical, $"outputs must equal TFLite's byte for byte (max |Δ| {worst:G4})");
    }

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
