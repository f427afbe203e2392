using System;
using System.IO;
using System.Linq;
using Embedded.Converter.Float;
using Embedded.Converter.Float.Operators;
using Embedded.Converter.Graph;
using Embedded.Converter.Onnx;
using Embedded.Converter.Passes;
using Embedded.Converter.Tests.Float;
using Embedded.Converter.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Converter.Tests.Passes;

/// <summary>Every pass preserves the function on the float executor.</summary>
[TestClass]
public sealed class PassTests
{
    private static float[] RandomFloats(Random r, int n, float scale = 1f) => Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1) * scale).ToArray();

    private static TensorData RandomInput(Random r, params int[] shape) => TensorData.FromFloats(shape, RandomFloats(r, TensorData.ElementCount(shape), 3f));

    private static void AssertClose(float[] expected, float[] actual, double relative, string what)
    {
        Assert.AreEqual(expected.Length, actual.Length, what);
        double scale = Math.Max(1e-6, expected.Max(v => Math.Abs(v)));
        double diff = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Assert.IsTrue(diff <= relative * scale, $"{what}: max difference {diff:G3} exceeds {relative:G2} × {scale:G3}");
    }

    /// <summary>Conv → BN → HardSigmoid·x → Dropout → GAP → Flatten → Gemm → BN-free → Relu, plus a Sigmoid·x branch.</summary>
    private static OnnxBuilder SmallNetwork(Random r)
    {
        return new OnnxBuilder()
            .Input("x", 1, 3, 9, 8)
            .Initializer("w1", new long[] { 6, 3, 3, 3 }, RandomFloats(r, 162, 0.5f))
            .Initializer("g", new long[] { 6 }, RandomFloats(r, 6).Select(v => 1 + v / 2).ToArray())
            .Initializer("be", new long[] { 6 }, RandomFloats(r, 6))
            .Initializer("mu", new long[] { 6 }, RandomFloats(r, 6))
            .Initializer("var", new long[] { 6 }, RandomFloats(r, 6).Select(v => 0.5f + v * v).ToArray())
            .Node("Conv", new[] { "x", "w1" }, new[] { "c1" }, "conv1", OnnxBuilder.Ints("pads", 1, 0, 2, 1), OnnxBuilder.Ints("strides", 2, 1))
            .Node("BatchNormalization", new[] { "c1", "g", "be", "mu", "var" }, new[] { "b1" }, "bn1", OnnxBuilder.Float("epsilon", 1e-3f))
            .Node("HardSigmoid", new[] { "b1" }, new[] { "hs" }, "hsig", OnnxBuilder.Float("alpha", 1f / 6f))
            .Node("Mul", new[] { "b1", "hs" }, new[] { "hswish" }, "hswish")
            .Node("Dropout", new[] { "hswish" }, new[] { "d" }, "drop")
            .Node("Sigmoid", new[] { "d" }, new[] { "sg" }, "sig")
            .Node("Mul", new[] { "sg", "d" }, new[] { "swish" }, "swish")
            .Node("Identity", new[] { "swish" }, new[] { "id" }, "identity")
            .Node("GlobalAveragePool", new[] { "id" }, new[] { "gap" }, "gap")
            .Node("Flatten", new[] { "gap" }, new[] { "flat" }, "flatten")
            .Initializer("wfc", new long[] { 4, 6 }, RandomFloats(r, 24))
            .Initializer("bfc", new long[] { 4 }, RandomFloats(r, 4))
            .Node("Gemm", new[] { "flat", "wfc", "bfc" }, new[] { "fc" }, "fc", OnnxBuilder.Int("transB", 1))
            .Initializer("zero", Array.Empty<long>(), new[] { 0f })
            .Initializer("six", Array.Empty<long>(), new[] { 6f })
            .Node("Clip", new[] { "fc", "zero", "six" }, new[] { "y" }, "relu6")
            .Output("y");
    }

    [TestMethod]
    public void EachPass_PreservesTheFunction_OnASmallNetwork()
    {
        var random = new Random(80);
        byte[] model = SmallNetwork(random).Bytes();
        var inputs = Enumerable.Range(0, 5).Select(_ => RandomInput(random, 1, 3, 9, 8)).ToArray();
        var reference = new FloatExecutor(OnnxImporter.Load(model));
        var expected = inputs.Select(i => reference.Run(new[] { i })[0].Floats).ToArray();

        var passes = new (string name, Func<ModelGraph, int> run)[]
        {
            ("RemoveIdentities", RemoveIdentities.Run), ("FuseFullyConnected", FuseFullyConnected.Run), ("FoldBatchNorm", FoldBatchNorm.Run),
            ("FuseSwishPatterns", FuseSwishPatterns.Run), ("FuseActivations", FuseActivations.Run),
        };
        var graph = OnnxImporter.Load(model);
        foreach (var (name, run) in passes)
        {
            int changes = run(graph);
            Assert.IsTrue(changes > 0, $"{name} changed nothing on a graph made for it");
            GraphAnalysis.Run(graph);
            var executor = new FloatExecutor(graph);
            for (int i = 0; i < inputs.Length; i++)
                AssertClose(expected[i], executor.Run(new[] { inputs[i] })[0].Floats, 1e-5, $"after {name}, input {i}");
        }
        var ops = graph.Nodes.Select(n => n.OpType).ToArray();
        CollectionAssert.AreEqual(new[] { "Conv", InternalOps.Swish, "GlobalAveragePool", InternalOps.FullyConnected }, ops, string.Join(",", ops));
        Assert.AreEqual("HardSwish", graph.Nodes[0].Attributes.String(InternalOps.ActivationAttribute, ""));
        Assert.AreEqual("Relu6", graph.Nodes[3].Attributes.String(InternalOps.ActivationAttribute, ""));
    }

    [TestMethod]
    public void InputNormalization_IsExact_IncludingBorders()
    {
        var random = new Random(81);
        byte[] model = SmallNetwork(random).Bytes();
        var reference = new FloatExecutor(OnnxImporter.Load(model));
        var graph = OnnxImporter.Load(model);
        float[] mean = { 123.675f, 116.28f, 103.53f }, std = { 58.395f, 57.12f, 57.375f };
        FoldInputNormalization.Run(graph, mean, std);
        GraphAnalysis.Run(graph);
        var folded = new FloatExecutor(graph);
        for (int trial = 0; trial < 5; trial++)
        {
            var pixels = Enumerable.Range(0, 3 * 9 * 8).Select(_ => (float)random.Next(256)).ToArray();
            var normalized = pixels.Select((p, i) => (p - mean[i / 72]) / std[i / 72]).ToArray();
            var expected = reference.Run(new[] { TensorData.FromFloats(new[] { 1, 3, 9, 8 }, normalized) })[0].Floats;
            var actual = folded.Run(new[] { TensorData.FromFloats(new[] { 1, 3, 9, 8 }, pixels) })[0].Floats;
            CollectionAssert.AreEqual(expected, actual, "normalization as a node computes the identical floats");
        }
    }

    [TestMethod]
    [DataRow("mobilenet_v3_small_tf.onnx")]
    [DataRow("mobilenet_v3_small_torch_bn.onnx")]
    [DataRow("mobilenet_v3_small_torch.onnx")]
    public void AllPasses_OnTheRealExports_PreserveTheLogits_AndLeaveTheCanonicalOperatorSet(string file)
    {
        var original = new FloatExecutor(OnnxImporter.Load(SharedFixtures.Model(file)));
        var graph = OnnxImporter.Load(SharedFixtures.Model(file));
        var log = GraphOptimizer.Run(graph);
        var optimized = new FloatExecutor(graph);
        foreach (string name in SharedFixtures.GoldenNames().Take(4))
        {
            byte[] hwc = File.ReadAllBytes(SharedFixtures.Fixture("golden", "inputs", name + ".u8"));
            var expected = original.Run(new[] { OrtGoldenTests.Normalize(hwc) })[0].Floats;
            var raw = TensorData.FromFloats(new[] { 1, 3, 224, 224 }, OrtGoldenTests.Normalize(hwc).Floats.Select(v => v * 127.5f + 127.5f).ToArray());
            AssertClose(expected, optimized.Run(new[] { raw })[0].Floats, 2e-5, $"{file} {name}");
        }
        var ops = graph.Nodes.Select(n => n.OpType).Distinct().OrderBy(o => o, StringComparer.Ordinal).ToArray();
        string expectedOps = file == "mobilenet_v3_small_tf.onnx"
            ? "Add,Conv,Emb.LayoutReshape,Emb.Normalize,GlobalAveragePool,Mul"
            : "Add,Conv,Emb.FullyConnected,Emb.Normalize,GlobalAveragePool,Mul";
        Assert.AreEqual(expectedOps, string.Join(",", ops), string.Join("; ", log));
        Assert.IsFalse(graph.Nodes.Any(n => n.OpType is "BatchNormalization" or "HardSigmoid" or "Relu" or "HardSwish"), "activations and BN must be folded or fused");
    }
    [TestMethod]
    public void ReduceMeanToGlobalAveragePool_RewritesSpatialMeansOnly_AndKeepsTheFunction()
    {
        var r = new Random(31);
        var onnx = new OnnxBuilder(13)
            .Input("x", 1, 4, 5, 6)
            .Node("ReduceMean", new[] { "x" }, new[] { "s" }, "spatial", OnnxBuilder.Ints("axes", 3, 2), OnnxBuilder.Int("keepdims", 0))
            .Node("ReduceMean", new[] { "x" }, new[] { "c" }, "channels", OnnxBuilder.Ints("axes", 1))
            .Output("s").Output("c").Bytes();
        var graph = OnnxImporter.Load(onnx);
        var input = RandomInput(r, 1, 4, 5, 6);
        var before = new FloatExecutor(graph).Run(new[] { input });
        Assert.AreEqual(1, ReduceMeanToGlobalAveragePool.Run(graph));
        GraphAnalysis.Run(graph);
        CollectionAssert.AreEqual(new[] { "GlobalAveragePool", "Flatten", "ReduceMean" }, graph.Nodes.Select(n => n.OpType).ToArray());
        var after = new FloatExecutor(graph).Run(new[] { input });
        CollectionAssert.AreEqual(new[] { 1, 4 }, after[0].Shape);
        AssertClose(before[0].Floats, after[0].Floats, 1e-6, "spatial mean");
        AssertClose(before[1].Floats, after[1].Floats, 0, "channel mean");
    }

    /// <summary>The rearrangements of ShuffleNet and SSD heads, written as the exporters write them.</summary>
    private static OnnxBuilder LayoutNetwork(int opset = 13) => new OnnxBuilder(opset)
        .Input("x", 1, 6, 4, 5)
        .InitializerInt64("s5", new long[] { 5 }, new long[] { 1, 2, 3, 4, 5 })
        .InitializerInt64("s4", new long[] { 4 }, new long[] { 1, 6, 4, 5 })
        .Node("Reshape", new[] { "x", "s5" }, new[] { "r" }, "split_groups")
        .Node("Transpose", new[] { "r" }, new[] { "t" }, "swap", OnnxBuilder.Ints("perm", 0, 2, 1, 3, 4))
        .Node("Reshape", new[] { "t", "s4" }, new[] { "shuffled" }, "merge")
        .InitializerInt64("split", new long[] { 2 }, new long[] { 3, 3 })
        .Node("Split", new[] { "shuffled", "split" }, new[] { "a", "b" }, "halves", OnnxBuilder.Int("axis", 1))
        .InitializerInt64("h5", new long[] { 5 }, new long[] { 1, 3, 1, 4, 5 })
        .Node("Reshape", new[] { "b", "h5" }, new[] { "h" }, "head")
        .Node("Transpose", new[] { "h" }, new[] { "ht" }, "head_t", OnnxBuilder.Ints("perm", 0, 3, 4, 1, 2))
        .InitializerInt64("h3", new long[] { 3 }, new long[] { 1, -1, 1 })
        .Node("Reshape", new[] { "ht", "h3" }, new[] { "boxes" }, "boxes")
        .Node("Flatten", new[] { "a" }, new[] { "flat" }, "flatten")
        .Output("boxes").Output("flat");

    [TestMethod]
    public void LayoutPasses_MakeShufflesAndSplitsOneGather_AndHeadReshapesFree_KeepingTheFunction()
    {
        var r = new Random(33);
        var graph = OnnxImporter.Load(LayoutNetwork().Bytes());
        var input = RandomInput(r, 1, 6, 4, 5);
        var before = new FloatExecutor(graph).Run(new[] { input });
        Assert.AreEqual(2, ResolveLayoutChains.Run(graph), "the shuffle and the head; the Flatten of a 4×5 map moves elements");
        Assert.AreEqual(1, ChannelSelections.Run(graph));
        GraphAnalysis.Run(graph);
        // The split's halves read the shuffle's input directly (one gather each); the shuffle itself is gone.
        var gathers = graph.Nodes.Where(n => n.OpType == InternalOps.GatherChannels).ToList();
        Assert.HasCount(2, gathers);
        Assert.IsTrue(gathers.All(g => g.Inputs[0] == "x"));
        CollectionAssert.AreEqual(new long[] { 0, 3, 1 }, gathers[0].Attributes.Ints("indices", Array.Empty<long>()));
        CollectionAssert.AreEqual(new long[] { 4, 2, 5 }, gathers[1].Attributes.Ints("indices", Array.Empty<long>()));
        Assert.AreEqual(InternalOps.LayoutReshape, graph.Nodes.Single(n => n.Outputs[0] == "boxes").OpType);
        Assert.AreEqual("Flatten", graph.Nodes.Single(n => n.Outputs[0] == "flat").OpType);
        var after = new FloatExecutor(graph).Run(new[] { input });
        AssertClose(before[0].Floats, after[0].Floats, 0, "boxes");
        AssertClose(before[1].Floats, after[1].Floats, 0, "flat");
    }
}
