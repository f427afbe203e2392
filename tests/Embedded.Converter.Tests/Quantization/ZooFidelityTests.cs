using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Embedded.Converter.Quantization;
using Embedded.Converter.Tests.Float;
using Embedded.Converter.Tests.Support;
using Embedded.Runtime.Execution;
using Embedded.Runtime.Format;
using Embedded.Runtime.Model;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Converter.Tests.Quantization;

/// <summary>
/// The zoo converted with the converter's default precision choice (<see cref="ActivationPrecision.Auto"/>: 16 dev
/// images, the last 8 held out to score) keeps the float model on the golden inputs, which calibration never saw:
/// output SQNR against ONNX Runtime's float goldens ≥ 15 dB on every output of every fixture.
/// </summary>
[TestClass]
public sealed class ZooFidelityTests
{
    public const string Category = "ModelQuality";

    /// <summary>Dev images 100.. (not golden ones) prepared as the CLI prepares them: cropped, or stretched whole.</summary>
    internal static byte[][] Calibration(int size, bool stretch) =>
        File.ReadAllLines(SharedFixtures.Fixture("images", "imagenet-dev", "manifest.csv")).Skip(1 + 100).Take(16)
            .Select(line => Embedded.Imaging.Jpeg.JpegDecoder.Decode(File.ReadAllBytes(SharedFixtures.Fixture("images", "imagenet-dev", line.Split(',')[0]))))
            .Select(image => stretch ? Embedded.Imaging.ClassifierInput.Stretch(image, size, size) : Embedded.Imaging.ClassifierInput.Prepare(image, size, size))
            .ToArray();

    [TestMethod]
    [TestCategory(Category)]
    [Timeout(600_000)]
    [DataRow("mobilenet_v3_large", "inputs", 224, false)]
    [DataRow("efficientnet_b0", "inputs", 224, false)]
    [DataRow("shufflenet_v2_x1_0", "inputs", 224, false)]
    [DataRow("squeezenet1_1", "inputs", 224, false)]
    [DataRow("xception_half", "inputs", 224, false)]
    [DataRow("st_tutorial_mobilenet_v2_0.5_128_person_float", "inputs-128", 128, true)]
    [DataRow("ssdlite320_mobilenet_v3_large", "inputs-320", 320, true)]
    public void AutoPrecision_KeepsEveryOutputAbove15Db_OnTheGoldenInputs(string model, string inputs, int size, bool stretch)
    {
        var clock = Stopwatch.StartNew();
        var options = new ConversionOptions { Name = model, Activations = ActivationPrecision.Auto };
        if (model.StartsWith("st_tutorial")) options = new ConversionOptions { Name = model, Activations = ActivationPrecision.Auto, Mean = new[] { 127.5f, 127.5f, 127.5f }, Std = new[] { 127.5f, 127.5f, 127.5f } };
        var result = ModelConverter.ConvertOnnx(File.ReadAllBytes(SharedFixtures.Model(model + ".onnx")), Calibration(size, stretch), options);
        string choice = result.Log.Single(l => l.StartsWith("activations:"));
        var interpreter = EmbeddedModel.Load(ModelWriter.Write(result.Quantized.Definition)).CreateInterpreter();
        var goldens = OrtZooGoldenTests.Goldens(model);
        var signal = new double[goldens[0].outputs.Length];
        var noise = new double[signal.Length];
        foreach (var (name, files) in goldens)
        {
            File.ReadAllBytes(SharedFixtures.Fixture("golden", inputs, name + ".u8")).CopyTo(interpreter.Input(0).Bytes);
            interpreter.Invoke();
            Assert.AreEqual(files.Length, interpreter.OutputCount, "outputs");
            for (int k = 0; k < files.Length; k++)
            {
                var golden = SharedFixtures.ReadFloats(files[k]);
                var actual = Nchw(interpreter.Output(k), golden.Length);
                for (int i = 0; i < golden.Length; i++)
                {
                    signal[k] += (double)golden[i] * golden[i];
                    noise[k] += (double)(golden[i] - actual[i]) * (golden[i] - actual[i]);
                }
            }
        }
        var sqnr = signal.Select((s, k) => LayerErrorAnalysis.Sqnr(s, noise[k])).ToArray();
        Console.WriteLine($"{model}: output SQNR on {goldens.Length} golden inputs {string.Join(", ", sqnr.Select(v => $"{v:F1} dB"))} ({clock.Elapsed.TotalSeconds:F0} s)\n  {choice}");
        for (int k = 0; k < sqnr.Length; k++)
            Assert.IsGreaterThanOrEqualTo(15.0, sqnr[k], $"{model} output {k}: {sqnr[k]:F1} dB; {choice}");
    }

    /// <summary>An output in the float model's layout: NHWC [1,H,W,C] back to NCHW; other ranks as they are.</summary>
    internal static float[] Nchw(Tensor output, int expected)
    {
        var values = output.AsSpan<float>().ToArray();
        Assert.HasCount(expected, values, "output length");
        if (output.Shape.Length != 4) return values;
        int h = output.Shape[1], w = output.Shape[2], c = output.Shape[3];
        var nchw = new float[values.Length];
        for (int i = 0; i < values.Length; i++) nchw[(i % c * h + i / c / w) * w + i / c % w] = values[i];
        return nchw;
    }
}
