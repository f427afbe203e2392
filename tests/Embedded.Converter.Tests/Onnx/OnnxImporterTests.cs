using System;
using System.IO;
using System.Linq;
using Embedded.Converter.Float;
using Embedded.Converter.Graph;
using Embedded.Converter.Onnx;
using Embedded.Converter.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Converter.Tests.Onnx;

[TestClass]
public sealed class OnnxImporterTests
{
    private static OnnxBuilder ConvModel(params Embedded.Converter.Onnx.Protos.AttributeProto[] convAttributes) => new OnnxBuilder()
        .Input("x", -1, 2, 5, 5)
        .Initializer("w", new long[] { 3, 2, 3, 3 }, OnnxBuilder.Range(54))
        .Node("Conv", new[] { "x", "w" }, new[] { "y" }, "conv1", convAttributes)
        .Node("Relu", new[] { "y" }, new[] { "z" }, "relu1")
        .Output("z");

    [TestMethod]
    public void SymbolicBatch_ResolvesTo1_AndShapesAreInferred()
    {
        var graph = OnnxImporter.Load(ConvModel(OnnxBuilder.Ints("pads", 1, 1, 1, 1)).Bytes());
        CollectionAssert.AreEqual(new[] { 1, 2, 5, 5 }, graph.Value("x").Shape);
        CollectionAssert.AreEqual(new[] { 1, 3, 5, 5 }, graph.Value("y").Shape);
        CollectionAssert.AreEqual(new[] { 1, 3, 5, 5 }, graph.Value("z").Shape);
    }

    [TestMethod]
    public void UnknownOperator_IsRejectedNamingNodeAndOp()
    {
        var bytes = new OnnxBuilder().Input("x", 1, 4).Node("Erf", new[] { "x" }, new[] { "y" }, "my_erf").Output("y").Bytes();
        var e = Assert.ThrowsExactly<UnsupportedOperatorException>(() => OnnxImporter.Load(bytes));
        StringAssert.Contains(e.Message, "node 'my_erf' (Erf)");
        StringAssert.Contains(e.Message, "unsupported operator 'Erf'");
        Assert.AreEqual("my_erf", e.NodeName);
    }

    [TestMethod]
    public void CustomDomainOperator_IsRejected()
    {
        var builder = new OnnxBuilder().Input("x", 1, 4).Node("Relu", new[] { "x" }, new[] { "y" }, "custom").Output("y");
        builder.Model.Graph.Node[0].Domain = "com.microsoft";
        var e = Assert.ThrowsExactly<UnsupportedOperatorException>(() => OnnxImporter.Load(builder.Bytes()));
        StringAssert.Contains(e.Message, "domain 'com.microsoft'");
    }

    [TestMethod]
    public void UnsupportedAttribute_IsRejectedNamingIt()
    {
        var e = Assert.ThrowsExactly<GraphException>(() => OnnxImporter.Load(ConvModel(OnnxBuilder.Int("fancy_mode", 3)).Bytes()));
        StringAssert.Contains(e.Message, "node 'conv1' (Conv)");
        StringAssert.Contains(e.Message, "attribute 'fancy_mode'");
    }

    [TestMethod]
    public void BadAttributeValues_AreRejectedClearly()
    {
        var wrongType = Assert.ThrowsExactly<GraphException>(() => OnnxImporter.Load(ConvModel(OnnxBuilder.Float("group", 2)).Bytes()));
        StringAssert.Contains(wrongType.Message, "attribute 'group' must be Int");
        var badGroup = Assert.ThrowsExactly<GraphException>(() => OnnxImporter.Load(ConvModel(OnnxBuilder.Int("group", 3)).Bytes()));
        StringAssert.Contains(badGroup.Message, "group 3");
        var badPads = Assert.ThrowsExactly<GraphException>(() => OnnxImporter.Load(ConvModel(OnnxBuilder.Ints("pads", 1, 1)).Bytes()));
        StringAssert.Contains(badPads.Message, "pads");
        var badAutoPad = Assert.ThrowsExactly<GraphException>(() => OnnxImporter.Load(ConvModel(OnnxBuilder.String("auto_pad", "SOMETIMES")).Bytes()));
        StringAssert.Contains(badAutoPad.Message, "auto_pad 'SOMETIMES'");
    }

    [TestMethod]
    public void TruncatedProtobuf_AtEveryLength_GivesOnnxFormatExceptionOrAGraphError()
    {
        byte[] good = ConvModel(OnnxBuilder.Ints("pads", 1, 1, 1, 1)).Bytes();
        for (int length = 0; length < good.Length; length++)
        {
            try
            {
                OnnxImporter.Load(good.Take(length).ToArray());
                Assert.Fail($"a model truncated to {length} of {good.Length} bytes loaded");
            }
            catch (GraphException) { }
            catch (Exception e) { Assert.Fail($"truncated to {length}: {e.GetType().Name}: {e.Message}"); }
        }
        var real = File.ReadAllBytes(SharedFixtures.Model("mobilenet_v3_small_tf.onnx"));
        var cut = Assert.ThrowsExactly<OnnxFormatException>(() => OnnxImporter.Load(real.Take(real.Length / 2).ToArray(), "half.onnx"));
        StringAssert.Contains(cut.Message, "half.onnx: not a valid ONNX model");
    }

    [TestMethod]
    public void OpsetOutsideTheSupportedRange_IsRejected()
    {
        var e = Assert.ThrowsExactly<OnnxFormatException>(() => OnnxImporter.Load(new OnnxBuilder(opset: 9).Input("x", 1, 4).Node("Relu", new[] { "x" }, new[] { "y" }).Output("y").Bytes()));
        StringAssert.Contains(e.Message, "opset 9 is not supported");
        Assert.ThrowsExactly<OnnxFormatException>(() => OnnxImporter.Load(new OnnxBuilder(opset: 21).Input("x", 1, 4).Node("Relu", new[] { "x" }, new[] { "y" }).Output("y").Bytes()));
    }

    [TestMethod]
    public void ExternalData_AndSymbolicSpatialDims_AreRejected()
    {
        var builder = ConvModel();
        builder.Model.Graph.Initializer[0].ExternalData.Add(new Embedded.Converter.Onnx.Protos.StringStringEntryProto { Key = "location", Value = "weights.bin" });
        var e = Assert.ThrowsExactly<OnnxFormatException>(() => OnnxImporter.Load(builder.Bytes()));
        StringAssert.Contains(e.Message, "external file");

        var symbolic = new OnnxBuilder().Input("x", 1, -1).Node("Relu", new[] { "x" }, new[] { "y" }).Output("y");
        StringAssert.Contains(Assert.ThrowsExactly<OnnxFormatException>(() => OnnxImporter.Load(symbolic.Bytes())).Message, "dimension 1 is symbolic");
    }

    [TestMethod]
    public void RandomGarbage_IsRejectedWithoutCrashing()
    {
        var random = new Random(5);
        for (int i = 0; i < 200; i++)
        {
            var bytes = new byte[random.Next(0, 300)];
            random.NextBytes(bytes);
            try { OnnxImporter.Load(bytes); Assert.Fail("random bytes loaded"); }
            catch (GraphException) { }
            catch (Exception e) { Assert.Fail($"trial {i}: {e.GetType().Name}: {e.Message}"); }
        }
    }

    [TestMethod]
    public void PyTorchPadSubgraph_FoldsToConstantPads()
    {
        var graph = OnnxImporter.Load(SharedFixtures.Model("mobilenet_v3_small_torch_bn.onnx"));
        var ops = graph.Nodes.Select(n => n.OpType).Distinct().OrderBy(o => o).ToArray();
        CollectionAssert.AreEquivalent(new[] { "Add", "BatchNormalization", "Conv", "Flatten", "Gemm", "GlobalAveragePool", "HardSigmoid", "Mul", "Pad", "Relu" }, ops,
            string.Join(",", ops));
        foreach (var pad in graph.Nodes.Where(n => n.OpType == "Pad"))
            Assert.IsTrue(graph.Value(pad.Inputs[1]).IsConstant, $"{pad.Name}: pads are not constant");
        CollectionAssert.AreEqual(new[] { 1, 1001 }, graph.Value(graph.Outputs[0]).Shape);
        Assert.AreEqual("127.5,127.5,127.5", graph.Metadata["preprocess.mean"]);
    }

    [TestMethod]
    public void ExecutorOnSmallGraph_MatchesHandComputation()
    {
        // 1×1 conv with weight 2 and bias 1 on [1,1,2,2] input, then Relu.
        var bytes = new OnnxBuilder().Input("x", 1, 1, 2, 2)
            .Initializer("w", new long[] { 1, 1, 1, 1 }, new[] { 2f })
            .Initializer("b", new long[] { 1 }, new[] { 1f })
            .Node("Conv", new[] { "x", "w", "b" }, new[] { "y" })
            .Node("Relu", new[] { "y" }, new[] { "z" })
            .Output("z").Bytes();
        var graph = OnnxImporter.Load(bytes);
        var result = new FloatExecutor(graph).Run(new[] { TensorData.FromFloats(new[] { 1, 1, 2, 2 }, new[] { -1f, 0f, 0.5f, 3f }) })[0];
        CollectionAssert.AreEqual(new[] { 0f, 1f, 2f, 7f }, result.Floats);
    }
}
