using System;
using System.IO;
using System.Linq;
using Embedded.Converter.Float;
using Embedded.Converter.Graph;
using Embedded.Converter.Onnx;
using Embedded.Converter.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Converter.Tests.Float;

/// <summary>
/// The float reference executor reproduces ONNX Runtime's logits (golden/ort-float) for all three exports of
/// MobileNetV3-Small within 1e-4 × max|logit|, on the 32 golden inputs.
/// </summary>
[TestClass]
public sealed class OrtGoldenTests
{
    /// <summary>x = (u8 − 127.5) / 127.5, HWC uint8 → NCHW float, as the goldens were produced.</summary>
    internal static TensorData Normalize(byte[] hwc, int size = 224)
    {
        var x = new float[3 * size * size];
        for (int y = 0; y < size; y++)
        for (int xx = 0; xx < size; xx++)
        for (int c = 0; c < 3; c++)
            x[(c * size + y) * size + xx] = (hwc[(y * size + xx) * 3 + c] - 127.5f) / 127.5f;
        return TensorData.FromFloats(new[] { 1, 3, size, size }, x);
    }

    [TestMethod]
    [DataRow("mobilenet_v3_small_tf.onnx")]
    [DataRow("mobilenet_v3_small_torch_bn.onnx")]
    [DataRow("mobilenet_v3_small_torch.onnx")]
    public void FloatExecutor_MatchesOnnxRuntime(string model)
    {
        var graph = OnnxImporter.Load(SharedFixtures.Model(model));
        var executor = new FloatExecutor(graph);
        double worst = 0;
        foreach (string name in SharedFixtures.GoldenNames())
        {
            var input = Normalize(File.ReadAllBytes(SharedFixtures.Fixture("golden", "inputs", name + ".u8")));
            var logits = executor.Run(new[] { input })[0].Floats;
            var golden = SharedFixtures.ReadFloats(SharedFixtures.Fixture("golden", "ort-float", "mobilenet_v3_small_tf", name + ".f32"));
            Assert.AreEqual(golden.Length, logits.Length);
            double maxAbs = golden.Max(v => Math.Abs(v));
            double diff = golden.Zip(logits, (g, l) => Math.Abs(g - l)).Max();
            worst = Math.Max(worst, diff / maxAbs);
            Assert.IsTrue(diff <= 1e-4 * maxAbs, $"{model} {name}: max |Δlogit| {diff:G3} > 1e-4 × {maxAbs:G4}");
            Assert.AreEqual(Array.IndexOf(golden, golden.Max()), Array.IndexOf(logits, logits.Max()), $"{model} {name}: top-1 differs");
        }
        Console.WriteLine($"{model}: worst max|Δ| / max|logit| = {worst:G3}");
    }
}
