using System;
using System.IO;
using System.Linq;
using Embedded.Converter.Calibration;
using Embedded.Converter.Float;
using Embedded.Converter.Tests.Support;
using Embedded.Runtime.Execution;
using Embedded.Runtime.Format;
using Embedded.Runtime.Model;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Converter.Tests.Quantization;

/// <summary>
/// ONNX → int8 .emb end to end on real MobileNetV3-Small exports: calibrate on half of the golden inputs,
/// run the int8 model in the runtime on the other half, and compare with the float graph.
/// </summary>
[TestClass]
public sealed class EndToEndQuantizationTests
{
    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++) { dot += (double)a[i] * b[i]; na += (double)a[i] * a[i]; nb += (double)b[i] * b[i]; }
        return dot / Math.Sqrt(na * nb);
    }

    [TestMethod]
    [DataRow("mobilenet_v3_small_torch_bn.onnx")]
    [DataRow("mobilenet_v3_small_tf.onnx")]
    public void Int8Model_AgreesWithTheFloatModel_OnHeldOutImages(string file)
    {
        var names = SharedFixtures.GoldenNames();
        var pixels = names.Select(n => File.ReadAllBytes(SharedFixtures.Fixture("golden", "inputs", n + ".u8"))).ToArray();
        var calibration = pixels.Where((_, i) => i % 2 == 0).ToArray();
        var heldOut = pixels.Where((_, i) => i % 2 == 1).ToArray();
        var result = ModelConverter.ConvertOnnx(File.ReadAllBytes(SharedFixtures.Model(file)), calibration, new ConversionOptions { Method = RangeMethod.Percentile, Name = file });

        var definition = result.Quantized.Definition;
        Assert.AreEqual(ElementType.UInt8, definition.Tensors[definition.Inputs[0]].Type, "the board feeds raw uint8 pixels");
        Assert.AreEqual(ElementType.Float32, definition.Tensors[definition.Outputs[0]].Type, "ONNX-derived models give float logits");
        Assert.IsTrue(definition.Operators.Count(o => o.Code == OperatorCode.DepthwiseConv2D) == 11);
        Assert.IsTrue(definition.Tensors.Any(t => !t.IsConstant && t.Quantization?.IsPerAxis == true && t.Type == ElementType.Int8), "per-channel activations");

        var interpreter = EmbeddedModel.Load(ModelWriter.Write(definition)).CreateInterpreter();
        var executor = new FloatExecutor(result.FloatGraph);
        int agree = 0;
        double cosine = 0;
        foreach (var image in heldOut)
        {
            image.CopyTo(interpreter.Input(0).Bytes);
            interpreter.Invoke();
            var q = interpreter.Output(0).AsSpan<float>().ToArray();
            var f = executor.Run(new[] { ModelConverter.PixelsToTensor(image, new[] { 1, 3, 224, 224 }) })[0].Floats;
            if (Array.IndexOf(q, q.Max()) == Array.IndexOf(f, f.Max())) agree++;
            cosine += Cosine(q, f);
        }
        cosine /= heldOut.Length;
        Console.WriteLine($"{file}: top-1 agreement {agree}/{heldOut.Length}, mean logit cosine {cosine:F4}");
        Assert.IsTrue(agree >= heldOut.Length - 1, $"top-1 agreement {agree}/{heldOut.Length}");
        Assert.IsTrue(cosine >= 0.95, $"mean logit cosine {cosine:F4}");
    }

    [TestMethod]
    public void ExactMultiplier_FindsTheSmallestIntegerGrid()
    {
        Assert.AreEqual(1, Embedded.Converter.Quantization.Quantizer.ExactMultiplier(128f));
        Assert.AreEqual(2, Embedded.Converter.Quantization.Quantizer.ExactMultiplier(127.5f));
        Assert.AreEqual(40, Embedded.Converter.Quantization.Quantizer.ExactMultiplier(123.675f));
        Assert.AreEqual(25, Embedded.Converter.Quantization.Quantizer.ExactMultiplier(116.28f));
    }
}
