using System;
using System.IO;
using System.Linq;
using Embedded.Converter.Float;
using Embedded.Converter.Graph;
using Embedded.Converter.Tests.Support;
using Embedded.Converter.Tflite;
using Embedded.Runtime.Execution;
using Embedded.Runtime.Format;
using Embedded.Runtime.Model;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Converter.Tests.Tflite;

/// <summary>
/// A float .tflite model (the MLIR V3-Small with its weights dequantized, Tflite/FloatModel/README.md) imported into
/// the float graph: it must compute what the real TFLite computes, and convert like an ONNX model.
/// </summary>
[TestClass]
public sealed class TfliteFloatModelTests
{
    private static readonly Lazy<byte[]> FloatModel = new(() => DequantizedTflite.Make(TfliteModel.Load(SharedFixtures.Model("mobilenet_v3_small_int8_mlir.tflite"))));

    private static TensorData Input(byte[] pixels) =>
        TensorData.FromFloats(new[] { 1, 3, 224, 224 }, ModelConverter.PixelsToTensor(pixels, new[] { 1, 3, 224, 224 }).Floats.Select(v => v / 255f).ToArray());

    [TestMethod]
    public void ImportedFloatGraph_ComputesTheRealTflitesLogits()
    {
        var model = TfliteModel.Parse(FloatModel.Value, "v3_float.tflite");
        Assert.IsTrue(TfliteFloatImporter.IsFloatModel(model));
        var graph = TfliteFloatImporter.Load(model, "v3_float");
        var executor = new FloatExecutor(graph);
        var expected = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Tflite", "FloatModel", "mobilenet_v3_small_float.f32"));
        var names = SharedFixtures.GoldenNames().Take(4).ToArray();
        double worst = 0;
        for (int k = 0; k < names.Length; k++)
        {
            var pixels = File.ReadAllBytes(SharedFixtures.Fixture("golden", "inputs", names[k] + ".u8"));
            var logits = executor.Run(new[] { Input(pixels) })[0].Floats;
            var reference = Enumerable.Range(0, 1001).Select(i => BitConverter.ToSingle(expected, 4 * (k * 1001 + i))).ToArray();
            Assert.AreEqual(1001, logits.Length);
            double scale = reference.Max(Math.Abs);
            worst = Math.Max(worst, logits.Zip(reference, (a, b) => Math.Abs(a - b)).Max() / scale);
            Assert.AreEqual(Array.IndexOf(reference, reference.Max()), Array.IndexOf(logits, logits.Max()), names[k]);
        }
        Console.WriteLine($"float TFLite import vs TFLite: worst max|Δ|/max|logit| = {worst:G3}");
        Assert.IsTrue(worst < 1e-4, $"relative error {worst:G3}");
    }

    [TestMethod]
    public void FloatTflite_ConvertsWithCalibration_AndAgreesWithItsFloatGraph()
    {
        var names = SharedFixtures.GoldenNames();
        var pixels = names.Select(n => File.ReadAllBytes(SharedFixtures.Fixture("golden", "inputs", n + ".u8"))).ToArray();
        var calibration = pixels.Where((_, i) => i % 2 == 0).ToArray();
        var heldOut = pixels.Where((_, i) => i % 2 == 1).Take(8).ToArray();
        var result = ModelConverter.ConvertFloatTflite(FloatModel.Value, calibration, new ConversionOptions { Name = "v3_float", Mean = new[] { 0f, 0f, 0f }, Std = new[] { 255f, 255f, 255f } });
        var definition = result.Quantized.Definition;
        Assert.AreEqual(ElementType.UInt8, definition.Tensors[definition.Inputs[0]].Type, "the board feeds raw uint8 pixels");
        var interpreter = EmbeddedModel.Load(ModelWriter.Write(definition)).CreateInterpreter();
        var executor = new FloatExecutor(result.FloatGraph);
        int agree = 0;
        foreach (var image in heldOut)
        {
            image.CopyTo(interpreter.Input(0).Bytes);
            interpreter.Invoke();
            var q = interpreter.Output(0).AsSpan<float>().ToArray();
            var f = executor.Run(new[] { ModelConverter.PixelsToTensor(image, new[] { 1, 3, 224, 224 }) })[0].Floats;
            if (Array.IndexOf(q, q.Max()) == Array.IndexOf(f, f.Max())) agree++;
        }
        Console.WriteLine($"float TFLite → int8: top-1 agreement {agree}/{heldOut.Length} on held-out golden images");
        Assert.IsTrue(agree >= heldOut.Length - 1, $"top-1 agreement {agree}/{heldOut.Length}");
    }
}
