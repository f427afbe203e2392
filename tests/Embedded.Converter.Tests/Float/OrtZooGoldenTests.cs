using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Embedded.Converter.Float;
using Embedded.Converter.Graph;
using Embedded.Converter.Onnx;
using Embedded.Converter.Passes;
using Embedded.Converter.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Converter.Tests.Float;

/// <summary>
/// The float executor against ONNX Runtime's goldens (golden/ort-float) for every ONNX fixture of the model zoo —
/// classification, segmentation (LR-ASPP: Resize inside) and detection (SSDLite: two raw outputs) — within
/// 1e-4 × max|output| on every output of every golden input.
/// </summary>
[TestClass]
public sealed class OrtZooGoldenTests
{
    /// <summary>HWC uint8 pixels → NCHW float, normalized with the model's metadata (ImageNet) or (u8 − 127.5) / 127.5.</summary>
    internal static TensorData Normalize(ModelGraph graph, byte[] hwc, int size)
    {
        var (mean, std) = FoldInputNormalization.FromMetadata(graph) ?? (new[] { 127.5f, 127.5f, 127.5f }, new[] { 127.5f, 127.5f, 127.5f });
        var x = new float[3 * size * size];
        for (int y = 0; y < size; y++)
        for (int xx = 0; xx < size; xx++)
        for (int c = 0; c < 3; c++)
            x[(c * size + y) * size + xx] = (hwc[(y * size + xx) * 3 + c] - mean[c]) / std[c];
        return TensorData.FromFloats(new[] { 1, 3, size, size }, x);
    }

    /// <summary>The golden files of a model, by input name: NAME.f32 or NAME.outK.f32.</summary>
    internal static (string name, string[] outputs)[] Goldens(string model)
    {
        string folder = SharedFixtures.Fixture("golden", "ort-float", model);
        return Directory.GetFiles(folder, "*.f32").Select(Path.GetFileName).GroupBy(f => f!.Split('.')[0]).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.OrderBy(f => f, StringComparer.Ordinal).Select(f => Path.Combine(folder, f!)).ToArray())).ToArray();
    }

    [TestMethod]
    [DataRow("mobilenet_v3_large", "inputs", 224)]
    [DataRow("squeezenet1_1", "inputs", 224)]
    [DataRow("shufflenet_v2_x1_0", "inputs", 224)]
    [DataRow("efficientnet_b0", "inputs", 224)]
    [DataRow("xception_half", "inputs", 224)]
    [DataRow("lraspp_mobilenet_v3_large", "inputs", 224)]
    [DataRow("ssdlite320_mobilenet_v3_large", "inputs-320", 320)]
    [DataRow("st_tutorial_mobilenet_v2_0.5_128_person_float", "inputs-128", 128)]
    public void FloatExecutor_MatchesOnnxRuntime_OnEveryZooModel(string model, string inputs, int size)
    {
        var graph = OnnxImporter.Load(SharedFixtures.Model(model + ".onnx"));
        var executor = new FloatExecutor(graph);
        double worst = 0;
        var clock = Stopwatch.StartNew();
        foreach (var (name, files) in Goldens(model))
        {
            var input = Normalize(graph, File.ReadAllBytes(SharedFixtures.Fixture("golden", inputs, name + ".u8")), size);
            var outputs = executor.Run(new[] { input });
            Assert.HasCount(files.Length, outputs, $"{model}: outputs");
            for (int k = 0; k < files.Length; k++)
            {
                var golden = SharedFixtures.ReadFloats(files[k]);
                var actual = outputs[k].Floats;
                Assert.HasCount(golden.Length, actual, $"{model} {name} output {k}");
                double maxAbs = golden.Max(v => Math.Abs(v));
                double diff = golden.Zip(actual, (g, a) => Math.Abs(g - a)).Max();
                worst = Math.Max(worst, diff / maxAbs);
                Assert.IsTrue(diff <= 1e-4 * maxAbs, $"{model} {name} output {k}: max |Δ| {diff:G3} > 1e-4 × {maxAbs:G4}");
            }
        }
        Console.WriteLine($"{model}: worst max|Δ| / max|output| = {worst:G3} ({clock.Elapsed.TotalSeconds:F1} s)");
    }
}
