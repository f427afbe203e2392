using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Embedded.Converter.Float;
using Embedded.Converter.Tests.Support;
using Embedded.Imaging;
using Embedded.Imaging.Jpeg;
using Embedded.Runtime.Execution;
using Embedded.Runtime.Format;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Converter.Tests.Quantization;

/// <summary>
/// The converter's acceptance bar on the 200 dev images with default options: int8 top-1 within 1.0 point of
/// the float model and top-1 agreement ≥ 93%. Calibration uses the same images, as the acceptance does.
/// </summary>
[TestClass]
public sealed class AccuracyAcceptanceTests
{
    [TestMethod]
    [Timeout(900_000)]
    public void TorchBnExport_Int8_KeepsTheFloatAccuracy()
    {
        string dir = SharedFixtures.Fixture("images", "imagenet-dev");
        var rows = File.ReadAllLines(Path.Combine(dir, "manifest.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        var pixels = new byte[rows.Length][];
        Parallel.For(0, rows.Length, i => pixels[i] = ClassifierInput.Prepare(JpegDecoder.Decode(File.ReadAllBytes(Path.Combine(dir, rows[i][0]))), 224, 224));
        var labels = rows.Select(r => int.Parse(r[3])).ToArray();

        var result = ModelConverter.ConvertOnnx(File.ReadAllBytes(SharedFixtures.Model("mobilenet_v3_small_torch_bn.onnx")), pixels, new ConversionOptions());
        var model = EmbeddedModel.Load(ModelWriter.Write(result.Quantized.Definition));
        var executor = new FloatExecutor(result.FloatGraph);
        var floatTop = new int[rows.Length];
        var int8Top = new int[rows.Length];
        Parallel.For(0, rows.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, () => model.CreateInterpreter(), (i, _, interpreter) =>
        {
            var f = executor.Run(new[] { ModelConverter.PixelsToTensor(pixels[i], new[] { 1, 3, 224, 224 }) })[0].Floats;
            pixels[i].CopyTo(interpreter.Input(0).Bytes);
            interpreter.Invoke();
            var q = interpreter.Output(0).AsSpan<float>().ToArray();
            floatTop[i] = Array.IndexOf(f, f.Max());
            int8Top[i] = Array.IndexOf(q, q.Max());
            return interpreter;
        }, _ => { });
        double floatTop1 = 100.0 * Enumerable.Range(0, rows.Length).Count(i => floatTop[i] == labels[i]) / rows.Length;
        double int8Top1 = 100.0 * Enumerable.Range(0, rows.Length).Count(i => int8Top[i] == labels[i]) / rows.Length;
        double agreement = 100.0 * Enumerable.Range(0, rows.Length).Count(i => int8Top[i] == floatTop[i]) / rows.Length;
        Console.WriteLine($"float top-1 {floatTop1:F1}%, int8 top-1 {int8Top1:F1}%, agreement {agreement:F1}%");
        Assert.AreEqual(84.5, floatTop1, 0.01, "the float reference must match ONNX Runtime's 84.5%");
        Assert.IsTrue(int8Top1 >= floatTop1 - 1.0, $"int8 top-1 {int8Top1:F1}% is more than 1 point below float {floatTop1:F1}%");
        Assert.IsTrue(agreement >= 93.0, $"top-1 agreement {agreement:F1}% < 93%");
    }

    /// <summary>
    /// The trained MobileNetV1 0.25/224 float TFLite model, converted by us (calibrated on the same 200 dev images) with
    /// bias correction: int8 top-1 at most 1 point below the float model's. Measured: float 56.5 %, int8 58.0 %; without
    /// bias correction 55.0 % (−1.5), with MSE weight clipping 53.5 %, with MSE ranges 54.0 % — this thin network
    /// (0.25 width) shifts its channel means under quantization, which is what bias correction removes.
    /// </summary>
    [TestMethod]
    [Timeout(900_000)]
    public void TfliteFloatMobileNetV1_Int8_KeepsTheFloatTop1()
    {
        string dir = SharedFixtures.Fixture("images", "imagenet-dev");
        var rows = File.ReadAllLines(Path.Combine(dir, "manifest.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        var pixels = new byte[rows.Length][];
        Parallel.For(0, rows.Length, i => pixels[i] = ClassifierInput.Prepare(JpegDecoder.Decode(File.ReadAllBytes(Path.Combine(dir, rows[i][0]))), 224, 224));
        var labels = rows.Select(r => int.Parse(r[3])).ToArray();   // 1001 classes, background first

        var options = new ConversionOptions { Name = "mobilenet_v1_0.25_224_float", Mean = new[] { 127.5f, 127.5f, 127.5f }, Std = new[] { 127.5f, 127.5f, 127.5f }, BiasCorrectionImages = 64 };
        var result = ModelConverter.ConvertFloatTflite(File.ReadAllBytes(SharedFixtures.Model("mobilenet_v1_0.25_224_float.tflite")), pixels, options);
        var model = EmbeddedModel.Load(ModelWriter.Write(result.Quantized.Definition));
        var executor = new FloatExecutor(result.FloatGraph);
        var shape = result.FloatGraph.Value(result.FloatGraph.Inputs[0]).Shape!;
        var floatTop = new int[rows.Length];
        var int8Top = new int[rows.Length];
        Parallel.For(0, rows.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, () => model.CreateInterpreter(), (i, _, interpreter) =>
        {
            var f = executor.Run(new[] { ModelConverter.PixelsToTensor(pixels[i], shape) })[0].Floats;
            pixels[i].CopyTo(interpreter.Input(0).Bytes);
            interpreter.Invoke();
            var q = interpreter.Output(0).AsSpan<float>().ToArray();
            floatTop[i] = Array.IndexOf(f, f.Max());
            int8Top[i] = Array.IndexOf(q, q.Max());
            return interpreter;
        }, _ => { });
        double floatTop1 = 100.0 * Enumerable.Range(0, rows.Length).Count(i => floatTop[i] == labels[i]) / rows.Length;
        double int8Top1 = 100.0 * Enumerable.Range(0, rows.Length).Count(i => int8Top[i] == labels[i]) / rows.Length;
        Console.WriteLine($"MobileNetV1 0.25/224: float top-1 {floatTop1:F1}%, int8 top-1 {int8Top1:F1}%; {result.Quantized.Definition.Operators.Count} operators");
        Assert.IsTrue(floatTop1 > 30, $"float top-1 {floatTop1:F1}%: the float reference itself is off (preprocessing or labels)");
        Assert.IsTrue(int8Top1 >= floatTop1 - 1.0, $"int8 top-1 {int8Top1:F1}% is more than 1 point below float {floatTop1:F1}%");
    }
}
