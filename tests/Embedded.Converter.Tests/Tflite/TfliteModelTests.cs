using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using Embedded.Converter.Tflite;
using Embedded.Converter.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Converter.Tests.Tflite;

[TestClass]
public sealed class TfliteModelTests
{
    private const int Conv2D = 3, DepthwiseConv2D = 4, AveragePool2D = 1, Add = 0, Mul = 18, Reshape = 22, Softmax = 25, HardSwish = 117,
        Quantize = 114, Dequantize = 6, FullyConnected = 9, Mean = 40;

    [TestMethod]
    public void OfficialUint8MobileNetV3Small_ParsesWithTheDocumentedOperators()
    {
        var model = TfliteModel.Load(SharedFixtures.Model("v3-small_224_1.0_uint8.tflite"));
        var g = model.SubGraphs[0];
        var input = g.Tensors[g.Inputs.Single()];
        var output = g.Tensors[g.Outputs.Single()];
        CollectionAssert.AreEqual(new[] { 1, 224, 224, 3 }, input.Shape);
        Assert.AreEqual(TfliteType.UInt8, input.Type);
        CollectionAssert.AreEqual(new[] { 1, 1001 }, output.Shape);
        Assert.AreEqual(TfliteType.UInt8, output.Type);
        var codes = g.Operators.Select(o => o.BuiltinCode).Distinct().OrderBy(c => c).ToArray();
        CollectionAssert.AreEquivalent(new[] { Add, AveragePool2D, Conv2D, DepthwiseConv2D, Mul, Reshape, Softmax, HardSwish }, codes, string.Join(",", codes));
        // Every constant tensor's buffer holds exactly its elements; uint8 weights carry non-zero zero points.
        foreach (var t in g.Tensors.Where(t => model.Buffers[t.Buffer].Length > 0))
        {
            int size = t.Type switch { TfliteType.UInt8 or TfliteType.Int8 => 1, TfliteType.Int16 => 2, _ => 4 };
            Assert.AreEqual(t.Shape.Aggregate(1, (a, b) => a * b) * size, model.Buffers[t.Buffer].Length, t.Name);
        }
        var firstConv = g.Operators.First(o => o.BuiltinCode == Conv2D);
        var weights = g.Tensors[firstConv.Inputs[1]];
        Assert.AreEqual(TfliteType.UInt8, weights.Type);
        Assert.AreNotEqual(0L, weights.Quantization!.ZeroPoints[0]);
        // Conv2DOptions: padding (0), stride_w (1), stride_h (2): the stem has stride 2.
        Assert.AreEqual(2, firstConv.Options!.Int(1));
        Assert.AreEqual(2, firstConv.Options.Int(2));
    }

    [TestMethod]
    public void AllSharedModels_Parse_AndInt8WeightsArePerChannel()
    {
        foreach (string file in new[] { "mobilenet_v3_small_int8_mlir.tflite", "mobilenet_v2_1.0_224_quant.tflite", "tf2_mobilenet_v2_1.0_224_ptq.tflite", "mobilenet_v1_0.25_128_quant.tflite" })
        {
            var model = TfliteModel.Load(SharedFixtures.Model(file));
            var g = model.SubGraphs[0];
            Assert.IsTrue(g.Operators.Length > 10, file);
            if (file == "mobilenet_v1_0.25_128_quant.tflite")
                CollectionAssert.AreEqual(new[] { 1, 128, 128, 3 }, g.Tensors[g.Inputs[0]].Shape);
            if (file == "mobilenet_v3_small_int8_mlir.tflite")
            {
                Assert.AreEqual(TfliteType.Float32, g.Tensors[g.Inputs[0]].Type);
                CollectionAssert.Contains(g.Operators.Select(o => o.BuiltinCode).ToArray(), Quantize);
                var conv = g.Operators.First(o => o.BuiltinCode == Conv2D);
                var w = g.Tensors[conv.Inputs[1]];
                Assert.AreEqual(TfliteType.Int8, w.Type);
                Assert.AreEqual(w.Shape[0], w.Quantization!.Scales.Length, "per-output-channel weight scales");
                Assert.AreEqual(0, w.Quantization.QuantizedDimension);
            }
        }
    }

    [TestMethod]
    [Timeout(600_000)]
    public void CorruptFiles_FailWithTfliteFormatException_NeverAnythingElse()
    {
        byte[] good = File.ReadAllBytes(SharedFixtures.Model("mobilenet_v1_0.25_128_quant.tflite"));
        var random = new Random(97);
        void Check(byte[] data, string what)
        {
            try { TfliteModel.Parse(data, "corrupt"); }
            catch (TfliteFormatException) { }
            catch (Exception e) { Assert.Fail($"{what}: {e.GetType().Name}: {e.Message}"); }
        }
        // The structure (everything before the big weight buffers) byte by byte, then random damage anywhere.
        int structure = Math.Min(good.Length, 40_000);
        for (int p = 0; p < structure; p += 3) { var d = (byte[])good.Clone(); d[p] ^= 0xFF; Check(d, $"flip at {p}"); }
        for (int length = 0; length < good.Length; length += length < 4096 ? 1 : 4099) Check(good.Take(length).ToArray(), $"truncated to {length}");
        for (int trial = 0; trial < 500; trial++)
        {
            var d = (byte[])good.Clone();
            for (int k = 0; k < 8; k++) d[random.Next(d.Length)] = (byte)random.Next(256);
            Check(d, $"damage trial {trial}");
        }
        // A root offset pointing at itself (a cycle) and one past the end.
        var cyclic = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(cyclic, 0);
        Check(cyclic, "cyclic root");
        var outside = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(outside, (uint)good.Length + 100);
        Assert.ThrowsExactly<TfliteFormatException>(() => TfliteModel.Parse(outside, "outside"));
        var e = Assert.ThrowsExactly<TfliteFormatException>(() => TfliteModel.Parse(File.ReadAllBytes(SharedFixtures.Model("mobilenet_v3_small_tf.onnx")), "x.onnx"));
        StringAssert.Contains(e.Message, "not a TensorFlow Lite model");
    }
}
