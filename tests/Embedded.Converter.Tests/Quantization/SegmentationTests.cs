using System;
using System.IO;
using System.Linq;
using Embedded.Converter.Float;
using Embedded.Converter.Tests.Float;
using Embedded.Converter.Tests.Support;
using Embedded.Runtime.Execution;
using Embedded.Runtime.Format;
using Embedded.Runtime.Model;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Converter.Tests.Quantization;

/// <summary>
/// Segmentation models converted to int8 keep the float model's class map: per-pixel argmax agreement ≥ 95 % on images
/// not used for calibration (LR-ASPP from ONNX with Resize inside; DeepLabV3 from float TFLite with RESIZE_BILINEAR).
/// </summary>
[TestClass]
public sealed class SegmentationTests
{
    /// <summary>Dev images resized (shorter side) and center-cropped to <paramref name="size"/>, after skipping some.</summary>
    internal static byte[][] DevImages(int size, int skip, int count) =>
        File.ReadAllLines(SharedFixtures.Fixture("images", "imagenet-dev", "manifest.csv")).Skip(1 + skip).Take(count)
            .Select(line => Embedded.Imaging.ClassifierInput.Prepare(
                Embedded.Imaging.Jpeg.JpegDecoder.Decode(File.ReadAllBytes(SharedFixtures.Fixture("images", "imagenet-dev", line.Split(',')[0]))), size, size, size))
            .ToArray();

    /// <summary>Argmax over channels of an NCHW float map and of the int8 model's NHWC float output; the share that agrees.</summary>
    private static double Agreement(float[] nchw, float[] nhwc, int classes, int pixels)
    {
        int agree = 0;
        for (int p = 0; p < pixels; p++)
        {
            int f = 0, q = 0;
            for (int c = 1; c < classes; c++)
            {
                if (nchw[c * pixels + p] > nchw[f * pixels + p]) f = c;
                if (nhwc[p * classes + c] > nhwc[p * classes + q]) q = c;
            }
            if (f == q) agree++;
        }
        return (double)agree / pixels;
    }

    /// <summary>
    /// With the converter's precision search both meet the 95 % target on every image (4 held-out dev images, and the
    /// golden input of the ONNX fixture): the trained DeepLabV3 stays in 8 bits, the random-weight LR-ASPP takes 16-bit
    /// activations (84.5 % in 8 bits).
    /// </summary>
    [TestMethod]
    [TestCategory(ZooFidelityTests.Category)]
    [DataRow("deeplabv3_mnv2_257_float.tflite", 257, 0.95)]
    [DataRow("lraspp_mobilenet_v3_large.onnx", 224, 0.95)]
    public void ClassMap_AgreesWithTheFloatModel_OnHeldOutImages(string file, int size, double floor)
    {
        var calibration = DevImages(size, 0, 16);
        var held = DevImages(size, 100, 4);
        // The ONNX fixture's golden input (golden/ort-float) is scored too.
        if (file.EndsWith(".onnx"))
            held = held.Concat(OrtZooGoldenTests.Goldens(Path.GetFileNameWithoutExtension(file)).Select(g => File.ReadAllBytes(SharedFixtures.Fixture("golden", "inputs", g.name + ".u8")))).ToArray();
        var bytes = File.ReadAllBytes(SharedFixtures.Model(file));
        var options = new ConversionOptions { Name = file, Activations = Embedded.Converter.Quantization.ActivationPrecision.Auto, Mean = new[] { 127.5f, 127.5f, 127.5f }, Std = new[] { 127.5f, 127.5f, 127.5f } };
        // A per-pixel argmax over random-weight logits sits near ties everywhere: the search widens LR-ASPP for the class
        // agreement, not the SQNR (15 dB: 92 % of pixels), and adds bias correction when widening alone falls short.
        if (file.EndsWith(".onnx")) options = new ConversionOptions { Name = file, Activations = Embedded.Converter.Quantization.ActivationPrecision.Auto };
        var result = file.EndsWith(".onnx") ? ModelConverter.ConvertOnnx(bytes, calibration, options) : ModelConverter.ConvertFloatTflite(bytes, calibration, options);
        var definition = result.Quantized.Definition;
        Assert.IsTrue(definition.Operators.Any(o => o.Code == OperatorCode.Resize), "the resize runs in the int8 model");
        var interpreter = EmbeddedModel.Load(ModelWriter.Write(definition)).CreateInterpreter();
        var executor = new FloatExecutor(result.FloatGraph);
        var shape = result.FloatGraph.Value(result.FloatGraph.Inputs[0]).Shape!;
        double worst = 1, total = 0;
        foreach (var image in held)
        {
            image.CopyTo(interpreter.Input(0).Bytes);
            interpreter.Invoke();
            var q = interpreter.Output(0).AsSpan<float>().ToArray();
            var f = executor.Run(new[] { ModelConverter.PixelsToTensor(image, shape) })[0];
            int classes = f.Shape[1], pixels = f.Shape[2] * f.Shape[3];
            CollectionAssert.AreEqual(new[] { 1, f.Shape[2], f.Shape[3], classes }, interpreter.Output(0).Shape, "NHWC output");
            double agreement = Agreement(f.Floats, q, classes, pixels);
            worst = Math.Min(worst, agreement);
            total += agreement;
        }
        Console.WriteLine($"{file}: quantized vs float per-pixel class agreement mean {100 * total / held.Length:F2} %, worst image {100 * worst:F2} %\n  {result.Log.Single(l => l.StartsWith("activations:"))}");
        Assert.IsGreaterThanOrEqualTo(floor, worst, $"worst image agrees on {100 * worst:F2} % of pixels");
    }

    /// <summary>A small segmentation head ending in Resize and ArgMax (keepdims): the int8 model gives an int64 class map.</summary>
    [TestMethod]
    public void ResizeAndArgMaxHead_GivesAnInt64ClassMap_ThatFollowsTheFloatModel()
    {
        var random = new Random(99);
        float[] R(int n, float scale) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1) * scale).ToArray();
        var onnx = new OnnxBuilder(13)
            .Input("x", 1, 3, 16, 16)
            .Initializer("w", new long[] { 5, 3, 3, 3 }, R(135, 0.5f))
            .Node("Conv", new[] { "x", "w" }, new[] { "c" }, "conv", OnnxBuilder.Ints("pads", 1, 1, 1, 1), OnnxBuilder.Ints("strides", 2, 2))
            .Initializer("scales", new long[] { 4 }, new[] { 1f, 1f, 2f, 2f })
            .Node("Resize", new[] { "c", "", "scales" }, new[] { "up" }, "resize", OnnxBuilder.String("mode", "linear"))
            .Node("ArgMax", new[] { "up" }, new[] { "classes" }, "argmax", OnnxBuilder.Int("axis", 1), OnnxBuilder.Int("keepdims", 1))
            .Output("classes").Bytes();
        var pixels = Enumerable.Range(0, 24).Select(_ => { var p = new byte[16 * 16 * 3]; random.NextBytes(p); return p; }).ToArray();
        var result = ModelConverter.ConvertOnnx(onnx, pixels.Take(16).ToArray(), new ConversionOptions { Mean = new[] { 128f, 128f, 128f }, Std = new[] { 64f, 64f, 64f } });
        var interpreter = EmbeddedModel.Load(ModelWriter.Write(result.Quantized.Definition)).CreateInterpreter();
        Assert.AreEqual(ElementType.Int64, interpreter.Output(0).Type);
        CollectionAssert.AreEqual(new[] { 1, 16, 16 }, interpreter.Output(0).Shape);
        var executor = new FloatExecutor(result.FloatGraph);
        int agree = 0, total = 0;
        foreach (var image in pixels.Skip(16))
        {
            image.CopyTo(interpreter.Input(0).Bytes);
            interpreter.Invoke();
            var q = interpreter.Output(0).AsSpan<long>().ToArray();
            var f = executor.Run(new[] { ModelConverter.PixelsToTensor(image, new[] { 1, 3, 16, 16 }) })[0].Longs;
            agree += q.Zip(f, (a, b) => a == b ? 1 : 0).Sum();
            total += q.Length;
        }
        Console.WriteLine($"Resize + ArgMax head: {100.0 * agree / total:F1} % of pixels agree");
        Assert.IsGreaterThanOrEqualTo(0.95, (double)agree / total);
    }
}
