using System;
using System.Collections.Generic;
using System.Linq;
using Embedded.Converter.Float;
using Embedded.Converter.Graph;
using Embedded.Converter.Onnx;
using Embedded.Converter.Tests.Support;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Converter.Tests.Float;

/// <summary>
/// Single-operator ONNX models run by ONNX Runtime in process (the float oracle) and by the converter's float executor:
/// the same shapes and values within 1e-5 × max|output|, at the opsets the operator's form belongs to.
/// </summary>
[TestClass]
public sealed class OrtOperatorTests
{
    [TestMethod]
    [DataRow(13, new long[] { 2, 3 }, 1)]
    [DataRow(13, new long[] { 2, 3 }, 0)]
    [DataRow(13, new long[] { -1, -2 }, 0)]
    [DataRow(13, new long[] { 1 }, 1)]
    [DataRow(13, new long[0], 0)]
    [DataRow(18, new long[] { 2, 3 }, 0)]
    [DataRow(18, new long[] { 3 }, 1)]
    [DataRow(20, new long[] { 2, 3 }, 1)]
    public void ReduceMean_MatchesOnnxRuntime(int opset, long[] axes, int keepdims)
    {
        var b = new OnnxBuilder(opset).Input("x", 2, 5, 7, 6);
        var attributes = new List<Embedded.Converter.Onnx.Protos.AttributeProto> { OnnxBuilder.Int("keepdims", keepdims) };
        var inputs = new List<string> { "x" };
        if (axes.Length > 0)
        {
            // Opset 18 moved the axes from an attribute to input 1.
            if (opset >= 18) { b.InitializerInt64("axes", new long[] { axes.Length }, axes); inputs.Add("axes"); }
            else attributes.Add(OnnxBuilder.Ints("axes", axes));
        }
        b.Node("ReduceMean", inputs.ToArray(), new[] { "y" }, "mean", attributes.ToArray()).Output("y");
        AssertMatchesOrt(b, new[] { 2, 5, 7, 6 });
    }

    [TestMethod]
    public void ReduceMean_WithEmptyAxesAndNoop_IsTheIdentity()
    {
        var b = new OnnxBuilder(18).Input("x", 1, 3, 4, 4)
            .Node("ReduceMean", new[] { "x" }, new[] { "y" }, "mean", OnnxBuilder.Int("noop_with_empty_axes", 1)).Output("y");
        AssertMatchesOrt(b, new[] { 1, 3, 4, 4 });
    }

    /// <summary>ceil_mode = 1 (SqueezeNet's pools): odd and even sizes, with and without padding, windows dropped where ONNX drops them.</summary>
    [TestMethod]
    [DataRow("MaxPool", 3, 2, 0, 13)]
    [DataRow("MaxPool", 3, 2, 0, 14)]
    [DataRow("MaxPool", 2, 2, 0, 7)]
    [DataRow("MaxPool", 3, 2, 1, 8)]
    [DataRow("MaxPool", 3, 3, 1, 10)]
    [DataRow("MaxPool", 2, 3, 0, 5)]
    [DataRow("AveragePool", 3, 2, 0, 13)]
    [DataRow("AveragePool", 2, 2, 1, 9)]
    public void CeilModePools_MatchOnnxRuntime(string op, int kernel, int stride, int pad, int size)
    {
        var b = new OnnxBuilder(13).Input("x", 1, 4, size, size + 1)
            .Node(op, new[] { "x" }, new[] { "y" }, "pool", OnnxBuilder.Ints("kernel_shape", kernel, kernel), OnnxBuilder.Ints("strides", stride, stride),
                OnnxBuilder.Ints("pads", pad, pad, pad, pad), OnnxBuilder.Int("ceil_mode", 1))
            .Output("y");
        AssertMatchesOrt(b, new[] { 1, 4, size, size + 1 });
    }

    [TestMethod]
    public void Pad_WithAxesInput_MatchesOnnxRuntime_AtOpset18()
    {
        var b = new OnnxBuilder(18).Input("x", 1, 3, 5, 4)
            .InitializerInt64("pads", new long[] { 4 }, new long[] { 1, 2, 0, 3 })
            .InitializerInt64("axes", new long[] { 2 }, new long[] { 2, -1 })
            .Node("Pad", new[] { "x", "pads", "", "axes" }, new[] { "y" }, "pad", OnnxBuilder.String("mode", "reflect"))
            .Output("y");
        AssertMatchesOrt(b, new[] { 1, 3, 5, 4 });
    }

    [TestMethod]
    public void Opset21_IsRefusedWithTheSupportedRange()
    {
        var b = new OnnxBuilder(21).Input("x", 1, 3, 4, 4).Node("Relu", new[] { "x" }, new[] { "y" }).Output("y");
        var error = Assert.ThrowsExactly<OnnxFormatException>(() => OnnxImporter.Load(b.Bytes(), "opset21.onnx"));
        StringAssert.Contains(error.Message, "11–20");
    }

    /// <summary>Runs the model in ONNX Runtime and in the float executor on the same seeded input.</summary>
    /// <summary>Split in its three spellings: sizes as attribute (11), as input (13), equal parts by num_outputs (18, uneven).</summary>
    [TestMethod]
    [DataRow(11, 1, new long[] { 2, 5 }, 0)]
    [DataRow(13, 1, new long[] { 3, 1, 3 }, 0)]
    [DataRow(13, 3, new long[0], 2)]
    [DataRow(18, 1, new long[0], 3)]
    [DataRow(18, -1, new long[0], 2)]
    public void Split_MatchesOnnxRuntime_OnEveryOutput(int opset, int axis, long[] split, int equalParts)
    {
        var b = new OnnxBuilder(opset).Input("x", 1, 7, 5, 6);
        int outputs = split.Length > 0 ? split.Length : equalParts;
        var names = Enumerable.Range(0, outputs).Select(k => $"y{k}").ToArray();
        var attributes = new List<Embedded.Converter.Onnx.Protos.AttributeProto> { OnnxBuilder.Int("axis", axis) };
        var inputs = new List<string> { "x" };
        if (split.Length > 0)
        {
            if (opset >= 13) { b.InitializerInt64("split", new long[] { split.Length }, split); inputs.Add("split"); }
            else attributes.Add(OnnxBuilder.Ints("split", split));
        }
        else if (opset >= 18) attributes.Add(OnnxBuilder.Int("num_outputs", outputs));
        b.Node("Split", inputs.ToArray(), names, "split", attributes.ToArray());
        foreach (string name in names) b.Output(name);
        AssertMatchesOrt(b, new[] { 1, 7, 5, 6 });
    }

    /// <summary>The rearrangements the layout passes recognise, as exported: a channel shuffle, an SSD head's reshape, a channel slice.</summary>
    [TestMethod]
    public void ShuffleHeadReshapeAndChannelSlice_MatchOnnxRuntime()
    {
        var b = new OnnxBuilder(13).Input("x", 1, 6, 4, 5)
            .InitializerInt64("s5", new long[] { 5 }, new long[] { 1, 2, 3, 4, 5 })
            .InitializerInt64("s4", new long[] { 4 }, new long[] { 1, 6, 4, 5 })
            .Node("Reshape", new[] { "x", "s5" }, new[] { "r" }, "split_groups")
            .Node("Transpose", new[] { "r" }, new[] { "t" }, "swap", OnnxBuilder.Ints("perm", 0, 2, 1, 3, 4))
            .Node("Reshape", new[] { "t", "s4" }, new[] { "shuffled" }, "merge")
            .InitializerInt64("starts", new long[] { 1 }, new long[] { 1 })
            .InitializerInt64("ends", new long[] { 1 }, new long[] { 6 })
            .InitializerInt64("axes", new long[] { 1 }, new long[] { 1 })
            .InitializerInt64("steps", new long[] { 1 }, new long[] { 2 })
            .Node("Slice", new[] { "shuffled", "starts", "ends", "axes", "steps" }, new[] { "odd" }, "odd")
            .InitializerInt64("h5", new long[] { 5 }, new long[] { 1, 3, 1, 4, 5 })
            .Node("Reshape", new[] { "odd", "h5" }, new[] { "h" }, "head")
            .Node("Transpose", new[] { "h" }, new[] { "ht" }, "head_t", OnnxBuilder.Ints("perm", 0, 3, 4, 1, 2))
            .InitializerInt64("h3", new long[] { 3 }, new long[] { 1, -1, 1 })
            .Node("Reshape", new[] { "ht", "h3" }, new[] { "y" }, "boxes")
            .Output("y");
        AssertMatchesOrt(b, new[] { 1, 6, 4, 5 });
    }

    /// <summary>Resize up and down, by scales and by sizes, in every supported coordinate transformation and nearest mode.</summary>
    [TestMethod]
    [DataRow(13, "linear", "half_pixel", "round_prefer_floor", 28, 28)]
    [DataRow(13, "linear", "pytorch_half_pixel", "round_prefer_floor", 7, 9)]
    [DataRow(13, "linear", "align_corners", "round_prefer_floor", 27, 40)]
    [DataRow(13, "linear", "asymmetric", "round_prefer_floor", 10, 12)]
    [DataRow(18, "linear", "half_pixel", "round_prefer_floor", 3, 2)]
    [DataRow(19, "linear", "pytorch_half_pixel", "round_prefer_floor", 1, 1)]
    [DataRow(13, "nearest", "asymmetric", "floor", 28, 14)]
    [DataRow(13, "nearest", "half_pixel", "round_prefer_floor", 21, 28)]
    [DataRow(13, "nearest", "half_pixel", "round_prefer_ceil", 21, 5)]
    [DataRow(13, "nearest", "align_corners", "ceil", 13, 20)]
    [DataRow(11, "nearest", "asymmetric", "floor", 14, 21)]
    public void Resize_MatchesOnnxRuntime(int opset, string mode, string coordinates, string nearest, int outH, int outW)
    {
        var b = new OnnxBuilder(opset).Input("x", 1, 3, 7, 10)
            .Initializer("roi", new long[] { 0 }, Array.Empty<float>())
            .Initializer("scales", new long[] { 0 }, Array.Empty<float>())
            .InitializerInt64("sizes", new long[] { 4 }, new long[] { 1, 3, outH, outW })
            .Node("Resize", new[] { "x", "roi", "scales", "sizes" }, new[] { "y" }, "resize", OnnxBuilder.String("mode", mode),
                OnnxBuilder.String("coordinate_transformation_mode", coordinates), OnnxBuilder.String("nearest_mode", nearest))
            .Output("y");
        AssertMatchesOrt(b, new[] { 1, 3, 7, 10 });
    }

    [TestMethod]
    public void Resize_ByScales_MatchesOnnxRuntime()
    {
        var b = new OnnxBuilder(13).Input("x", 1, 2, 5, 6)
            .Initializer("scales", new long[] { 4 }, new[] { 1f, 1f, 2.5f, 2f })
            .Node("Resize", new[] { "x", "", "scales" }, new[] { "y" }, "resize", OnnxBuilder.String("mode", "linear"))
            .Output("y");
        AssertMatchesOrt(b, new[] { 1, 2, 5, 6 });
    }

    [TestMethod]
    [DataRow(13, 1, 1)]
    [DataRow(13, 1, 0)]
    [DataRow(18, -1, 0)]
    [DataRow(11, 2, 1)]
    public void ArgMax_MatchesOnnxRuntime_Int64(int opset, int axis, int keepdims)
    {
        var bytes = new OnnxBuilder(opset).Input("x", 1, 5, 4, 6)
            .Node("ArgMax", new[] { "x" }, new[] { "y" }, "argmax", OnnxBuilder.Int("axis", axis), OnnxBuilder.Int("keepdims", keepdims))
            .Output("y").Bytes();
        var random = new Random(opset * 7 + axis);
        // Coarse values: ties are common, and both must take the first maximum.
        var values = Enumerable.Range(0, 120).Select(_ => (float)random.Next(0, 4)).ToArray();
        using var session = new InferenceSession(bytes);
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("x", new DenseTensor<float>(values, new[] { 1, 5, 4, 6 })) });
        var expected = results.First().AsTensor<long>();
        var actual = new FloatExecutor(OnnxImporter.Load(bytes, "argmax.onnx")).Run(new[] { TensorData.FromFloats(new[] { 1, 5, 4, 6 }, values) })[0];
        CollectionAssert.AreEqual(expected.Dimensions.ToArray(), actual.Shape);
        CollectionAssert.AreEqual(expected.ToArray(), actual.Longs);
    }

    private static void AssertMatchesOrt(OnnxBuilder builder, int[] inputShape)
    {
        var random = new Random(inputShape.Aggregate(17, (a, d) => a * 31 + d));
        var values = Enumerable.Range(0, inputShape.Aggregate(1, (a, d) => a * d)).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
        var bytes = builder.Bytes();

        using var session = new InferenceSession(bytes);
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("x", new DenseTensor<float>(values, inputShape)) });
        var graph = OnnxImporter.Load(bytes, "test.onnx");
        var outputs = new FloatExecutor(graph).Run(new[] { TensorData.FromFloats(inputShape, values) });
        Assert.HasCount(results.Count, outputs);
        int k = 0;
        foreach (var result in results)
        {
            var expected = result.AsTensor<float>();
            var expectedShape = expected.Dimensions.ToArray();
            var expectedValues = expected.ToArray();
            var actual = outputs[k++];
            CollectionAssert.AreEqual(expectedShape, actual.Shape, $"output {k - 1}: shape [{string.Join(",", actual.Shape)}] vs ORT [{string.Join(",", expectedShape)}]");
            double scale = Math.Max(1e-6, expectedValues.Max(v => Math.Abs(v)));
            double worst = expectedValues.Zip(actual.Floats, (e, a) => Math.Abs(e - a)).DefaultIfEmpty(0).Max();
            Assert.IsTrue(worst <= 1e-5 * scale, $"output {k - 1}: max |Δ| {worst:G3} > 1e-5 × {scale:G3}");
        }
    }
}
