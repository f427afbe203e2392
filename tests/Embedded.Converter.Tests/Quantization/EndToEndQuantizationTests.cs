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
    public void SoftmaxStandaloneBatchNormAndMatMul_AreLoweredAndFollowTheFloatModel()
    {
        var random = new Random(95);
        float[] R(int n, float scale) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1) * scale).ToArray();
        var onnx = new OnnxBuilder()
            .Input("x", 1, 3, 8, 8)
            .Initializer("w", new long[] { 6, 3, 3, 3 }, R(162, 0.4f))
            .Initializer("b", new long[] { 6 }, R(6, 0.2f))
            .Node("Conv", new[] { "x", "w", "b" }, new[] { "c" }, "conv", OnnxBuilder.Ints("pads", 1, 1, 1, 1))
            .Node("Relu", new[] { "c" }, new[] { "r" }, "relu")
            .Node("Add", new[] { "r", "r" }, new[] { "a" }, "double")
            .Initializer("g", new long[] { 6 }, R(6, 0.5f).Select(v => 1 + v).ToArray())
            .Initializer("be", new long[] { 6 }, R(6, 0.5f))
            .Initializer("mu", new long[] { 6 }, R(6, 0.5f))
            .Initializer("var", new long[] { 6 }, R(6, 0.5f).Select(v => 0.5f + v * v).ToArray())
            .Node("BatchNormalization", new[] { "a", "g", "be", "mu", "var" }, new[] { "n" }, "bn")
            .Node("GlobalAveragePool", new[] { "n" }, new[] { "p" }, "gap")
            .Node("Flatten", new[] { "p" }, new[] { "f" }, "flatten")
            .Initializer("m", new long[] { 6, 5 }, R(30, 1.5f))
            .Node("MatMul", new[] { "f", "m" }, new[] { "logits" }, "matmul")
            .Node("Softmax", new[] { "logits" }, new[] { "y" }, "softmax", OnnxBuilder.Int("axis", 1))
            .Output("y").Bytes();
        var pixels = Enumerable.Range(0, 24).Select(_ => { var p = new byte[8 * 8 * 3]; random.NextBytes(p); return p; }).ToArray();
        var result = ModelConverter.ConvertOnnx(onnx, pixels.Take(16).ToArray(), new ConversionOptions { Mean = new[] { 128f, 128f, 128f }, Std = new[] { 64f, 64f, 64f } });
        var codes = result.Quantized.Definition.Operators.Select(o => o.Code).ToArray();
        CollectionAssert.Contains(codes, OperatorCode.Softmax);
        Assert.AreEqual(2, codes.Count(c => c == OperatorCode.DepthwiseConv2D) + codes.Count(c => c == OperatorCode.Conv2D), string.Join(",", codes));
        CollectionAssert.Contains(codes, OperatorCode.FullyConnected);
        var interpreter = EmbeddedModel.Load(ModelWriter.Write(result.Quantized.Definition)).CreateInterpreter();
        var executor = new FloatExecutor(result.FloatGraph);
        foreach (var image in pixels.Skip(16))
        {
            image.CopyTo(interpreter.Input(0).Bytes);
            interpreter.Invoke();
            var q = interpreter.Output(0).AsSpan<float>().ToArray();
            var f = executor.Run(new[] { ModelConverter.PixelsToTensor(image, new[] { 1, 3, 8, 8 }) })[0].Floats;
            Assert.AreEqual(1.0, q.Sum(), 1e-4);
            Assert.IsTrue(q.Zip(f, (a, b) => Math.Abs(a - b)).Max() < 0.08, $"probabilities {string.Join(",", q)} vs {string.Join(",", f)}");
        }
    }

    /// <summary>
    /// A PyTorch-style opset-18 tail: a ceil-mode MaxPool (SqueezeNet), <c>x.mean([2, 3])</c> as ReduceMean with axes as an
    /// input and keepdims = 0 (ShuffleNetV2, EfficientNet), then a linear layer — converted and close to the float model.
    /// </summary>
    [TestMethod]
    public void CeilModeMaxPoolAndSpatialReduceMean_AtOpset18_AreLoweredAndFollowTheFloatModel()
    {
        var random = new Random(96);
        float[] R(int n, float scale) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1) * scale).ToArray();
        var onnx = new OnnxBuilder(18)
            .Input("x", 1, 3, 12, 12)
            .Initializer("w", new long[] { 8, 3, 3, 3 }, R(216, 0.4f))
            .Initializer("b", new long[] { 8 }, R(8, 0.2f))
            .Node("Conv", new[] { "x", "w", "b" }, new[] { "c" }, "conv", OnnxBuilder.Ints("pads", 1, 1, 1, 1))
            .Node("Relu", new[] { "c" }, new[] { "r" }, "relu")
            .Node("MaxPool", new[] { "r" }, new[] { "p" }, "pool", OnnxBuilder.Ints("kernel_shape", 3, 3), OnnxBuilder.Ints("strides", 2, 2), OnnxBuilder.Int("ceil_mode", 1))
            .InitializerInt64("axes", new long[] { 2 }, new long[] { 2, 3 })
            .Node("ReduceMean", new[] { "p", "axes" }, new[] { "m" }, "mean", OnnxBuilder.Int("keepdims", 0))
            .Initializer("fw", new long[] { 5, 8 }, R(40, 1.0f))
            .Initializer("fb", new long[] { 5 }, R(5, 0.3f))
            .Node("Gemm", new[] { "m", "fw", "fb" }, new[] { "y" }, "fc", OnnxBuilder.Int("transB", 1))
            .Output("y").Bytes();
        var pixels = Enumerable.Range(0, 24).Select(_ => { var p = new byte[12 * 12 * 3]; random.NextBytes(p); return p; }).ToArray();
        var result = ModelConverter.ConvertOnnx(onnx, pixels.Take(16).ToArray(), new ConversionOptions { Mean = new[] { 128f, 128f, 128f }, Std = new[] { 64f, 64f, 64f } });
        var codes = result.Quantized.Definition.Operators.Select(o => o.Code).ToArray();
        CollectionAssert.Contains(codes, OperatorCode.MaxPool2D);
        CollectionAssert.Contains(codes, OperatorCode.GlobalAveragePool);
        var pool = result.Quantized.Definition.Operators.First(o => o.Code == OperatorCode.MaxPool2D);
        CollectionAssert.AreEqual(new[] { 1, 6, 6, 8 }, result.Quantized.Definition.Tensors[pool.Outputs[0]].Shape, "ceil((12 − 3) / 2) + 1 = 6 windows (floor: 5)");
        var interpreter = EmbeddedModel.Load(ModelWriter.Write(result.Quantized.Definition)).CreateInterpreter();
        var executor = new FloatExecutor(result.FloatGraph);
        double signal = 0, noise = 0;
        foreach (var image in pixels.Skip(16))
        {
            image.CopyTo(interpreter.Input(0).Bytes);
            interpreter.Invoke();
            var q = interpreter.Output(0).AsSpan<float>().ToArray();
            var f = executor.Run(new[] { ModelConverter.PixelsToTensor(image, new[] { 1, 3, 12, 12 }) })[0].Floats;
            Assert.HasCount(5, q);
            signal += f.Sum(v => (double)v * v);
            noise += q.Zip(f, (a, b) => (double)(a - b) * (a - b)).Sum();
        }
        double sqnr = 10 * Math.Log10(signal / Math.Max(noise, 1e-12));
        Console.WriteLine($"ceil MaxPool + ReduceMean tail: int8 vs float SQNR {sqnr:F1} dB");
        Assert.IsGreaterThan(25.0, sqnr, $"SQNR {sqnr:F1} dB");
    }

    /// <summary>
    /// ShuffleNet and SSD structure in NHWC: a channel Split, a Concat, the Reshape/Transpose/Reshape shuffle, a strided
    /// channel Slice, and two detection-style heads reshaped to [1, boxes, 2] and concatenated (16 bits, as outputs).
    /// A wrong element order would show as noise the size of the signal; the int8 model follows the float one instead.
    /// </summary>
    [TestMethod]
    public void ShuffleSplitAndHeadReshapes_AreLoweredAsGathersAndFreeReshapes_AndFollowTheFloatModel()
    {
        var random = new Random(98);
        float[] R(int n, float scale) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1) * scale).ToArray();
        var onnx = new OnnxBuilder(13)
            .Input("x", 1, 3, 12, 12)
            .Initializer("w", new long[] { 8, 3, 3, 3 }, R(216, 0.4f))
            .Node("Conv", new[] { "x", "w" }, new[] { "c" }, "stem", OnnxBuilder.Ints("pads", 1, 1, 1, 1))
            .Node("Relu", new[] { "c" }, new[] { "cr" }, "stem_relu")
            .InitializerInt64("split", new long[] { 2 }, new long[] { 4, 4 })
            .Node("Split", new[] { "cr", "split" }, new[] { "a", "b" }, "split", OnnxBuilder.Int("axis", 1))
            .Initializer("wb", new long[] { 4, 4, 1, 1 }, R(16, 0.8f))
            .Node("Conv", new[] { "b", "wb" }, new[] { "bc" }, "branch")
            .Node("Relu", new[] { "bc" }, new[] { "br" }, "branch_relu")
            .Node("Concat", new[] { "a", "br" }, new[] { "cat" }, "concat", OnnxBuilder.Int("axis", 1))
            .InitializerInt64("s5", new long[] { 5 }, new long[] { 1, 2, 4, 12, 12 })
            .InitializerInt64("s4", new long[] { 4 }, new long[] { 1, 8, 12, 12 })
            .Node("Reshape", new[] { "cat", "s5" }, new[] { "g" }, "groups")
            .Node("Transpose", new[] { "g" }, new[] { "gt" }, "swap", OnnxBuilder.Ints("perm", 0, 2, 1, 3, 4))
            .Node("Reshape", new[] { "gt", "s4" }, new[] { "shuf" }, "shuffle")
            .Initializer("wh", new long[] { 6, 8, 3, 3 }, R(432, 0.3f))
            .Node("Conv", new[] { "shuf", "wh" }, new[] { "h1" }, "head1", OnnxBuilder.Ints("pads", 1, 1, 1, 1), OnnxBuilder.Ints("strides", 2, 2))
            .InitializerInt64("h1s", new long[] { 5 }, new long[] { 1, 3, 2, 6, 6 })
            .Node("Reshape", new[] { "h1", "h1s" }, new[] { "h1r" }, "head1_split")
            .Node("Transpose", new[] { "h1r" }, new[] { "h1t" }, "head1_t", OnnxBuilder.Ints("perm", 0, 3, 4, 1, 2))
            .InitializerInt64("flat3", new long[] { 3 }, new long[] { 1, -1, 2 })
            .Node("Reshape", new[] { "h1t", "flat3" }, new[] { "boxes1" }, "head1_boxes")
            .InitializerInt64("starts", new long[] { 1 }, new long[] { 1 })
            .InitializerInt64("ends", new long[] { 1 }, new long[] { 8 })
            .InitializerInt64("axes", new long[] { 1 }, new long[] { 1 })
            .InitializerInt64("steps", new long[] { 1 }, new long[] { 2 })
            .Node("Slice", new[] { "shuf", "starts", "ends", "axes", "steps" }, new[] { "odd" }, "odd_channels")
            .Initializer("w2", new long[] { 4, 4, 1, 1 }, R(16, 0.8f))
            .Node("Conv", new[] { "odd", "w2" }, new[] { "h2" }, "head2")
            .InitializerInt64("h2s", new long[] { 5 }, new long[] { 1, 2, 2, 12, 12 })
            .Node("Reshape", new[] { "h2", "h2s" }, new[] { "h2r" }, "head2_split")
            .Node("Transpose", new[] { "h2r" }, new[] { "h2t" }, "head2_t", OnnxBuilder.Ints("perm", 0, 3, 4, 1, 2))
            .Node("Reshape", new[] { "h2t", "flat3" }, new[] { "boxes2" }, "head2_boxes")
            .Node("Concat", new[] { "boxes1", "boxes2" }, new[] { "boxes" }, "boxes", OnnxBuilder.Int("axis", 1))
            .Node("GlobalAveragePool", new[] { "shuf" }, new[] { "pooled" }, "gap")
            .Node("Flatten", new[] { "pooled" }, new[] { "features" }, "features")
            .Output("boxes").Output("features").Bytes();
        var pixels = Enumerable.Range(0, 24).Select(_ => { var p = new byte[12 * 12 * 3]; random.NextBytes(p); return p; }).ToArray();
        var result = ModelConverter.ConvertOnnx(onnx, pixels.Take(16).ToArray(), new ConversionOptions { Mean = new[] { 128f, 128f, 128f }, Std = new[] { 64f, 64f, 64f } });
        var definition = result.Quantized.Definition;
        var codes = definition.Operators.Select(o => o.Code).ToArray();
        Assert.AreEqual(4, codes.Count(c => c == OperatorCode.GatherChannels), "the split's halves, the shuffle, the shuffle's odd channels (one gather: shuffle and slice composed)");
        CollectionAssert.AreEqual(new[] { 1, 108 + 288, 2 }, definition.Tensors[definition.Outputs[0]].Shape);
        // A part read only by its concatenation is quantized as the concatenation (copied unchanged, one rounding); the
        // heads, contiguous along the boxes, are planned inside it, so the concatenation copies nothing.
        var concats = definition.Operators.Where(o => o.Code == OperatorCode.Concat).ToArray();
        var channels = concats.Single(o => definition.Tensors[o.Outputs[0]].Rank == 4);
        Assert.AreEqual(0, ((ConcatParams)channels.Params).InputMultipliers[1].Multiplier, "the branch conv writes the concatenation's quantization");
        var heads = concats.Single(o => definition.Tensors[o.Outputs[0]].Rank == 3);
        Assert.IsTrue(((ConcatParams)heads.Params).InputMultipliers.All(m => m.Multiplier == 0), "heads rescaled");
        var offsets = definition.Plan.Offsets;
        Assert.AreEqual(offsets[heads.Outputs[0]], offsets[heads.Inputs[0]], "head 1 inside the boxes");
        Assert.AreEqual(offsets[heads.Outputs[0]] + definition.Tensors[heads.Inputs[0]].ByteLength, offsets[heads.Inputs[1]], "head 2 inside the boxes");
        var interpreter = EmbeddedModel.Load(ModelWriter.Write(definition)).CreateInterpreter();
        var executor = new FloatExecutor(result.FloatGraph);
        var signal = new double[2];
        var noise = new double[2];
        foreach (var image in pixels.Skip(16))
        {
            image.CopyTo(interpreter.Input(0).Bytes);
            interpreter.Invoke();
            var floats = executor.Run(new[] { ModelConverter.PixelsToTensor(image, new[] { 1, 3, 12, 12 }) });
            for (int k = 0; k < 2; k++)
            {
                var q = interpreter.Output(k).AsSpan<float>().ToArray();
                var f = floats[k].Floats;
                Assert.HasCount(f.Length, q);
                signal[k] += f.Sum(v => (double)v * v);
                noise[k] += q.Zip(f, (a, b) => (double)(a - b) * (a - b)).Sum();
            }
        }
        for (int k = 0; k < 2; k++)
        {
            double sqnr = 10 * Math.Log10(signal[k] / Math.Max(noise[k], 1e-12));
            Console.WriteLine($"output {k}: int8 vs float SQNR {sqnr:F1} dB");
            Assert.IsGreaterThan(25.0, sqnr, $"output {k}: SQNR {sqnr:F1} dB");
        }
    }

    /// <summary>
    /// The tf2onnx person classifier (unfused BatchNormalization, Clip, Pad, MatMul + Add as its Dense layer, Softmax): the
    /// Dense layer becomes one FullyConnected with its bias, and the int8 model keeps the float probabilities on the golden inputs.
    /// </summary>
    [TestMethod]
    public void TfOnnxPersonClassifier_Converts_AndFollowsTheFloatModel_OnTheGoldenInputs()
    {
        var calibration = SegmentationTests.DevImages(128, 0, 16);
        var result = ModelConverter.ConvertOnnx(File.ReadAllBytes(SharedFixtures.Model("st_tutorial_mobilenet_v2_0.5_128_person_float.onnx")), calibration,
            new ConversionOptions { Mean = new[] { 127.5f, 127.5f, 127.5f }, Std = new[] { 127.5f, 127.5f, 127.5f } });
        Assert.IsFalse(result.FloatGraph.Nodes.Any(n => n.OpType is "MatMul" or "Add" && n.Outputs.Any(o => result.FloatGraph.Outputs.Contains(o))), "the Dense layer is one FC");
        var interpreter = EmbeddedModel.Load(ModelWriter.Write(result.Quantized.Definition)).CreateInterpreter();
        var executor = new FloatExecutor(result.FloatGraph);
        double signal = 0, noise = 0;
        int same = 0, n = 0;
        foreach (string file in Directory.GetFiles(SharedFixtures.Fixture("golden", "inputs-128"), "*.u8").OrderBy(f => f, StringComparer.Ordinal))
        {
            var image = File.ReadAllBytes(file);
            image.CopyTo(interpreter.Input(0).Bytes);
            interpreter.Invoke();
            var q = interpreter.Output(0).AsSpan<float>().ToArray();
            var f = executor.Run(new[] { ModelConverter.PixelsToTensor(image, new[] { 1, 3, 128, 128 }) })[0].Floats;
            signal += f.Sum(v => (double)v * v);
            noise += q.Zip(f, (a, b) => (double)(a - b) * (a - b)).Sum();
            if ((q[1] > q[0]) == (f[1] > f[0])) same++;
            n++;
        }
        double sqnr = 10 * Math.Log10(signal / Math.Max(noise, 1e-12));
        Console.WriteLine($"person classifier: int8 vs float SQNR {sqnr:F1} dB, same decision on {same}/{n} golden inputs");
        Assert.IsGreaterThanOrEqualTo(15.0, sqnr);
        Assert.AreEqual(n, same);
    }

    /// <summary>
    /// EfficientNet's pattern: a SiLU (x·sigmoid(x), a table) feeding a depthwise convolution, which asks for per-channel
    /// output scales. One table for all channels used channel 0's scale everywhere (6.7 dB, exit 0); one per channel is exact.
    /// </summary>
    [TestMethod]
    public void SiluTableFeedingADepthwiseLayer_GetsATablePerChannel_AndFollowsTheFloatModel()
    {
        var random = new Random(97);
        float[] R(int n, float scale) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1) * scale).ToArray();
        // Output channels with very different ranges, so their per-channel scales differ.
        var w = R(8 * 27, 0.3f);
        for (int o = 0; o < 8; o++) for (int k = 0; k < 27; k++) w[o * 27 + k] *= 1 + 3 * o;
        var onnx = new OnnxBuilder()
            .Input("x", 1, 3, 10, 10)
            .Initializer("w", new long[] { 8, 3, 3, 3 }, w)
            .Node("Conv", new[] { "x", "w" }, new[] { "c" }, "conv", OnnxBuilder.Ints("pads", 1, 1, 1, 1))
            .Node("Sigmoid", new[] { "c" }, new[] { "s" }, "sigmoid")
            .Node("Mul", new[] { "c", "s" }, new[] { "silu" }, "silu")
            .Initializer("dw", new long[] { 8, 1, 3, 3 }, R(72, 0.5f))
            .Node("Conv", new[] { "silu", "dw" }, new[] { "y" }, "depthwise", OnnxBuilder.Int("group", 8), OnnxBuilder.Ints("pads", 1, 1, 1, 1))
            .Output("y").Bytes();
        var pixels = Enumerable.Range(0, 24).Select(_ => { var p = new byte[10 * 10 * 3]; random.NextBytes(p); return p; }).ToArray();
        var result = ModelConverter.ConvertOnnx(onnx, pixels.Take(16).ToArray(), new ConversionOptions { Mean = new[] { 128f, 128f, 128f }, Std = new[] { 64f, 64f, 64f } });
        var definition = result.Quantized.Definition;
        var table = definition.Operators.Single(o => o.Code == OperatorCode.TableLookup);
        var tableOut = definition.Tensors[table.Outputs[0]].Quantization!;
        Assert.IsTrue(tableOut.IsPerAxis, "the table's output feeds a depthwise layer: per-channel scales");
        Assert.AreEqual(8, ((TableLookupParams)table.Params).TableCount);
        var interpreter = EmbeddedModel.Load(ModelWriter.Write(definition)).CreateInterpreter();
        var executor = new FloatExecutor(result.FloatGraph);
        double signal = 0, noise = 0;
        foreach (var image in pixels.Skip(16))
        {
            image.CopyTo(interpreter.Input(0).Bytes);
            interpreter.Invoke();
            var nhwc = interpreter.Output(0).AsSpan<float>().ToArray();
            var f = executor.Run(new[] { ModelConverter.PixelsToTensor(image, new[] { 1, 3, 10, 10 }) })[0].Floats;
            // The .emb output is NHWC, the float graph's NCHW.
            var q = new float[nhwc.Length];
            for (int c = 0; c < 8; c++) for (int i = 0; i < 100; i++) q[c * 100 + i] = nhwc[i * 8 + c];
            signal += f.Sum(v => (double)v * v);
            noise += q.Zip(f, (a, b) => (double)(a - b) * (a - b)).Sum();
        }
        double sqnr = 10 * Math.Log10(signal / Math.Max(noise, 1e-12));
        Console.WriteLine($"SiLU table → depthwise: int8 vs float SQNR {sqnr:F1} dB");
        Assert.IsGreaterThan(25.0, sqnr, $"SQNR {sqnr:F1} dB");
    }
}
