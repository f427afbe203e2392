using System;
using System.IO;
using System.Linq;
using Embedded.Converter.Quantization;
using Embedded.Converter.Tests.Support;
using Embedded.Runtime.Model;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Converter.Tests.Quantization;

[TestClass]
public sealed class WeightAndBiasTests
{
    [TestMethod]
    public void MseClip_ClipsAModerateOutlierOverALargeBulk_ButNotAUniformChannel()
    {
        // 100 000 weights in ±0.1 and one at 0.3. Unclipped (step 0.3/127): MSE ≈ 1e5·0.00236²/12 = 0.046; clipped at
        // 0.15: 0.15² for the outlier + 1e5·0.00118²/12 ≈ 0.034. A far outlier over a small bulk is never clipped:
        // its own clipping error dominates (why 8-bit weight clipping rarely matters).
        var random = new Random(96);
        var weights = Enumerable.Range(0, 100_000).Select(_ => (random.NextDouble() * 2 - 1) * 0.1).ToArray();
        weights[0] = 0.3;
        double clip = Quantizer.MseClip(weights, 0.3);
        Assert.IsTrue(clip < 0.9 * 0.3, $"clip {clip} should cut the outlier");
        var few = weights.Take(2000).ToArray();
        Assert.AreEqual(0.3, Quantizer.MseClip(few, 0.3), 1e-9, "over 2000 weights the outlier costs more clipped than kept");
        var uniform = Enumerable.Range(0, 2000).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        Assert.IsTrue(Quantizer.MseClip(uniform, uniform.Max(Math.Abs)) > 0.97, "a uniform channel keeps (nearly) its full range");
    }

    [TestMethod]
    public void BiasCorrection_AdjustsLinearLayers_AndReducesTheirMeanError()
    {
        var names = SharedFixtures.GoldenNames();
        var pixels = names.Take(12).Select(n => File.ReadAllBytes(SharedFixtures.Fixture("golden", "inputs", n + ".u8"))).ToArray();
        byte[] onnx = File.ReadAllBytes(SharedFixtures.Model("mobilenet_v3_small_tf.onnx"));
        var plain = ModelConverter.ConvertOnnx(onnx, pixels, new ConversionOptions());
        var corrected = ModelConverter.ConvertOnnx(onnx, pixels, new ConversionOptions { BiasCorrectionImages = 12 });
        StringAssert.Contains(string.Join("\n", corrected.Log), "bias correction on 12 images");

        // Project convolutions (linear output stages) get corrected biases; everything else is untouched.
        var before = plain.Quantized.Definition;
        var after = corrected.Quantized.Definition;
        int changed = 0;
        for (int t = 0; t < before.Tensors.Count; t++)
        {
            if (!before.Tensors[t].IsConstant) continue;
            if (!before.Tensors[t].Data.Span.SequenceEqual(after.Tensors[t].Data.Span))
            {
                Assert.IsTrue(before.Tensors[t].Name.EndsWith("/bias", StringComparison.Ordinal), $"{before.Tensors[t].Name} changed");
                changed++;
            }
        }
        Assert.IsTrue(changed > 5, $"only {changed} bias tensors changed");

        // On the images it was fitted on, the corrected model's mean output error per channel is smaller.
        double MeanError(ModelDefinition d) => LayerErrorAnalysis.Run(plain.FloatGraph, Embedded.Runtime.Execution.EmbeddedModel.FromDefinition(d), pixels)
            .Where(l => l.Operator == "Conv2D").Sum(l => l.NoiseEnergy);
        double errorBefore = MeanError(before), errorAfter = MeanError(after);
        Assert.IsTrue(errorAfter < errorBefore, $"bias correction should lower the total noise of the conv layers: {errorBefore:F0} → {errorAfter:F0}");
    }
}
