extern alias nano;
using System;
using System.IO;
using System.Linq;
using Embedded.Converter.Cli.Microcontroller;
using Embedded.Converter.Microcontroller;
using Embedded.Converter.Tests.Support;
using Embedded.Converter.Tflite;
using Embedded.Firmware.Nano.Tests.Support;
using Embedded.Runtime.Building;
using Embedded.Runtime.Model;
using Embedded.Runtime.Quantization;
using Embedded.Runtime.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoInterpreter = nano::Embedded.Firmware.Nano.Execution.NanoInterpreter;

namespace Embedded.Firmware.Nano.Tests.Execution;

/// <summary>
/// The first layers run row by row (RowBandPlan + RowStreamer): the same bytes as running them whole — TFLite Micro's
/// for Visual Wake Words, the main runtime's for MobileNetV1 and random chains — in a smaller arena.
/// </summary>
[TestClass]
public sealed class RowStreamingTests
{
    [TestMethod]
    public void VisualWakeWords_Streamed_GivesTflmsBytes_InASmallerArena()
    {
        var definition = TfliteImporter.Import(TfliteModel.Load(SharedFixtures.Model("vww_96_int8.tflite")), new ModelMetadata { Name = "vww" }, TfliteKernels.Micro);
        var plan = RowBandPlan.Best(definition) ?? throw new AssertFailedException("no row-band plan for VWW");
        byte[] file = plan.Write(definition);
        var nano = new NanoInterpreter(file);
        Assert.AreEqual(plan.ChainLength, nano.StreamedOperators);
        Assert.AreEqual(plan.ArenaBytes, nano.ArenaBytes);
        long state = NanoHeapEstimate.Of(nano, file, nano.Arena);
        Console.WriteLine($"VWW streamed: first {plan.ChainLength} operators row by row (rings of {string.Join(",", plan.RingRows)} rows), arena {plan.ArenaBytes} B (whole: {definition.Plan.ArenaBytes} B) + interpreter ≈{state} B = {plan.ArenaBytes + state} B");
        Assert.IsLessThan(definition.Plan.ArenaBytes, plan.ArenaBytes);
        string golden = SharedFixtures.Fixture("golden", "tflm-reference", "vww_96_int8");
        var output = new byte[nano.Output(0).ByteLength];
        foreach (string input in Directory.GetFiles(SharedFixtures.Fixture("golden", "inputs-96"), "*.u8"))
        {
            nano.SetInput(0, File.ReadAllBytes(input).Select(b => (byte)(b ^ 0x80)).ToArray());
            nano.Invoke();
            nano.GetOutput(0, output);
            CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(golden, Path.GetFileNameWithoutExtension(input) + ".i8")), output, input);
        }
    }

    [TestMethod]
    public void VisualWakeWords_EveryChainLength_GivesTheSameBytes()
    {
        var definition = TfliteImporter.Import(TfliteModel.Load(SharedFixtures.Model("vww_96_int8.tflite")), new ModelMetadata { Name = "vww" }, TfliteKernels.Micro);
        byte[] input = new byte[96 * 96 * 3];
        new Random(9).NextBytes(input);
        var expected = Run(Embedded.Runtime.Format.ModelWriter.Write(definition), input);
        int longest = RowBandPlan.LongestChain(definition);
        Assert.IsGreaterThanOrEqualTo(10, longest, "VWW's convolutions form one chain up to the pool");
        for (int k = 2; k <= longest; k++)
            CollectionAssert.AreEqual(expected, Run(RowBandPlan.Create(definition, k).Write(definition), input), $"chain of {k}");
    }

    [TestMethod]
    public void MobileNetV1_025_128_Streamed_FitsIn96K_AndGivesTheMainRuntimesBytes()
    {
        var definition = TfliteImporter.Import(TfliteModel.Load(SharedFixtures.Model("mobilenet_v1_0.25_128_quant.tflite")), new ModelMetadata { Name = "v1" });
        var plan = RowBandPlan.Best(definition) ?? throw new AssertFailedException("no row-band plan");
        byte[] file = plan.Write(definition);
        var both = new BothRuntimes(file);
        long state = NanoHeapEstimate.Of(both.Nano, file, both.Nano.Arena);
        Console.WriteLine($"V1 0.25/128 streamed: first {plan.ChainLength} operators, arena {plan.ArenaBytes} B (whole: {definition.Plan.ArenaBytes} B) + interpreter ≈{state} B = {plan.ArenaBytes + state} B");
        Assert.IsLessThanOrEqualTo(96 * 1024, plan.ArenaBytes + state);
        foreach (string image in Directory.GetFiles(SharedFixtures.Fixture("golden", "inputs-128"), "*.u8").Take(3))
            both.AssertIdentical(Path.GetFileName(image), File.ReadAllBytes(image));
    }

    /// <summary>Random chains of convolutions, depthwise convolutions and pools: strides 1–2 on odd and even sizes, paddings, dilation.</summary>
    [TestMethod]
    public void RandomChains_StreamedAtEveryLength_EqualTheMainRuntime()
    {
        var r = new Random(2424);
        for (int i = 0; i < 25; i++)
        {
            var definition = RandomChain(r, out int length);
            byte[] input = new byte[definition.Tensors[definition.Inputs[0]].ByteLength];
            r.NextBytes(input);
            var expected = Run(Embedded.Runtime.Format.ModelWriter.Write(definition), input);
            Assert.AreEqual(length, RowBandPlan.LongestChain(definition), $"case {i}");
            for (int k = 2; k <= length; k++)
            {
                var file = RowBandPlan.Create(definition, k).Write(definition);
                var both = new BothRuntimes(file);
                both.AssertIdentical($"case {i}, chain of {k}", input);
                CollectionAssert.AreEqual(expected, both.Run(input)[0].Nano, $"case {i}, chain of {k}");
            }
        }
    }

    private static byte[] Run(byte[] file, byte[] input)
    {
        var nano = new NanoInterpreter(file);
        nano.SetInput(0, input);
        nano.Invoke();
        var output = new byte[nano.Output(0).ByteLength];
        nano.GetOutput(0, output);
        return output;
    }

    private static ModelDefinition RandomChain(Random r, out int length)
    {
        var type = r.Next(2) == 0 ? ElementType.Int8 : ElementType.UInt8;
        var q = QuantizationParams.PerTensor(0.05f, TestKit.RandomZeroPoints(r, 1, type)[0]);
        var b = new ModelBuilder();
        int h = r.Next(5, 20), w = r.Next(3, 12), c = r.Next(1, 6);
        int x = b.AddInput("x", type, new[] { 1, h, w, c }, q);
        length = r.Next(2, 6);
        for (int k = 0; k < length; k++)
        {
            int kind = r.Next(3), kernel = r.Next(1, 4), stride = r.Next(1, 3), dilation = kind < 2 && r.Next(4) == 0 ? 2 : 1;
            int extent = (kernel - 1) * dilation + 1;
            var pad = new Padding2D(r.Next(extent), r.Next(extent), r.Next(extent), r.Next(extent));
            int outH = (h + pad.Top + pad.Bottom - extent) / stride + 1, outW = (w + pad.Left + pad.Right - extent) / stride + 1;
            if (h + pad.Top + pad.Bottom < extent || w + pad.Left + pad.Right < extent) { pad = new Padding2D(extent - 1, extent - 1, extent - 1, extent - 1); outH = (h + 2 * extent - 2 - extent) / stride + 1; outW = (w + 2 * extent - 2 - extent) / stride + 1; }
            int outC = kind == 0 ? r.Next(1, 7) : c;
            var zps = TestKit.RandomZeroPoints(r, 1, type);
            // A pool keeps its input's quantization; a convolution gets its own.
            int y = b.AddActivation($"y{k}", type, new[] { 1, outH, outW, outC }, kind == 2 ? q : QuantizationParams.PerTensor(0.05f, zps[0]));
            var stage = TestKit.RandomStage(r, outC, type, zps, FusedActivation.Relu6, (RoundingMode)r.Next(2), Math.Sqrt(kernel * kernel * c) * 3000);
            if (kind == 0)
            {
                var wType = type == ElementType.UInt8 ? ElementType.UInt8 : ElementType.Int8;
                var wq = wType == ElementType.UInt8 ? QuantizationParams.PerTensor(0.01f, 128) : QuantizationParams.PerAxis(0, Enumerable.Repeat(0.01f, outC).ToArray(), new int[outC]);
                int weights = b.AddConstant($"w{k}", wType, new[] { outC, kernel, kernel, c }, wq, TestKit.RandomValues(r, outC * kernel * kernel * c, wType));
                b.AddOperator(OperatorCode.Conv2D, $"conv{k}", new[] { x, weights }, new[] { y },
                    new Conv2DParams { StrideH = stride, StrideW = stride, DilationH = dilation, DilationW = dilation, Padding = pad, Output = stage });
            }
            else if (kind == 1)
            {
                var wType = type == ElementType.UInt8 ? ElementType.UInt8 : ElementType.Int8;
                var wq = wType == ElementType.UInt8 ? QuantizationParams.PerTensor(0.01f, 128) : QuantizationParams.PerAxis(3, Enumerable.Repeat(0.01f, c).ToArray(), new int[c]);
                int weights = b.AddConstant($"w{k}", wType, new[] { 1, kernel, kernel, c }, wq, TestKit.RandomValues(r, kernel * kernel * c, wType));
                b.AddOperator(OperatorCode.DepthwiseConv2D, $"dw{k}", new[] { x, weights }, new[] { y },
                    new DepthwiseConv2DParams { StrideH = stride, StrideW = stride, DilationH = dilation, DilationW = dilation, Padding = pad, Output = stage });
            }
            else
            {
                b.AddOperator(r.Next(2) == 0 ? OperatorCode.MaxPool2D : OperatorCode.AveragePool2D, $"pool{k}", new[] { x }, new[] { y },
                    new Pool2DParams { FilterH = kernel, FilterW = kernel, StrideH = stride, StrideW = stride, Padding = pad, ClampMin = new[] { type.MinValue() }, ClampMax = new[] { type.MaxValue() } });
            }
            x = y;
            h = outH; w = outW; c = outC;
            if (kind != 2) q = QuantizationParams.PerTensor(0.05f, zps[0]);
        }
        b.MarkOutput(x);
        return b.Build(new ModelMetadata { Name = "chain" });
    }
}
