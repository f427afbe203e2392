using System;
using System.Threading;
using System.Linq;
using Embedded.Runtime.Execution;
using Embedded.Runtime.Format;
using Embedded.Runtime.Kernels;
using Embedded.Runtime.Model;
using Embedded.Runtime.Quantization;
using Embedded.Runtime.Tests.Support;
using Embedded.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Runtime.Tests.Kernels;

/// <summary>
/// Every fast kernel path against the reference, with equality (ncnn's "naive layer as oracle"): random shapes with
/// channel counts 1..67 and large ones, widths that are not multiples of the vector width, stride 2 on odd and even
/// sizes, every padding case, zero points ≠ 0, uint8 and int8 operands, every fused activation, both roundings.
/// </summary>
[TestClass]
public sealed class FastPathTests
{
    private static readonly ElementType[] EightBit = { ElementType.Int8, ElementType.UInt8 };
    private static readonly ElementType[] OutputTypes = { ElementType.Int8, ElementType.UInt8, ElementType.Int16 };
    private static readonly FusedActivation[] Activations = (FusedActivation[])Enum.GetValues(typeof(FusedActivation));

    // Kernels called directly take every non-reference path: one the CPU lacks falls back to the next narrower one
    // (down to the scalar loop over the packed layout), so with DOTNET_EnableHWIntrinsic=0 the packing is still tested.
    private static KernelPath[] FastPaths => ((KernelPath[])Enum.GetValues(typeof(KernelPath))).Where(p => p != KernelPath.Reference).ToArray();
    private static KernelPath[] SupportedFastPaths => KernelPaths.Available.Where(p => p != KernelPath.Reference).ToArray();

    /// <summary>
    /// The vector stage an interpreter hands a kernel on <paramref name="path"/> (PreparedOperator.StageFor): the shared one,
    /// or on NEON and x86 SIMD paths a single-rounding one, which their stages compute (the portable path does not).
    /// </summary>
    private static VectorOutputStage? StageFor(KernelPath path, OutputStage stage, int channels, int[] zeroPoints) =>
        VectorOutputStage.TryCreate(stage, channels, zeroPoints) ?? (path.UsesNeon() || path.UsesAvx2() ? VectorOutputStage.TryCreateSingleRounding(stage, channels, zeroPoints) : null);

    private static int Channels(Random r) => r.Next(4) == 0 ? new[] { 96, 131, 160, 288 }[r.Next(4)] : r.Next(1, 68);

    private static byte[] Weights(Random r, int count, ElementType type)
    {
        // int8 weights mostly in [−127, 127] as converters write them; sometimes −128 too (the AVX2 sign trick must step aside).
        bool full = r.Next(4) == 0;
        return TestKit.RandomValues(r, count, type, type == ElementType.Int8 && !full ? -127 : int.MinValue);
    }

    private static QuantizationParams WeightQuant(Random r, ElementType type, int channels) =>
        type == ElementType.UInt8
            ? QuantizationParams.PerTensor(0.01f, TestKit.RandomZeroPoints(r, 1, type)[0])
            : QuantizationParams.PerAxis(0, Enumerable.Repeat(0.01f, channels).ToArray(), new int[channels]);

    private static Padding2D RandomPadding(Random r, int extent) => r.Next(4) switch
    {
        0 => Padding2D.None,
        1 => Padding2D.Symmetric(extent / 2),
        2 => Padding2D.Same(0, 0, extent, extent, 1, 1).Equals(default) ? Padding2D.None : new Padding2D(extent / 2, extent / 2, (extent - 1) / 2, (extent - 1) / 2),
        _ => new Padding2D(r.Next(extent), r.Next(extent), r.Next(extent), r.Next(extent)),
    };

    [TestMethod]
    public void Conv2D_EveryPath_EqualsReference()
    {
        var r = new Random(501);
        int cases = 0, padded = 0, direct = 0;
        for (int i = 0; i < 300; i++)
        {
            int cin = Channels(r), cout = Channels(r);
            int kh = new[] { 1, 1, 1, 3, 3, 5, 2 }[r.Next(7)], kw = r.Next(5) == 0 ? Math.Max(1, kh - 2) : kh;
            int stride = r.Next(3) == 0 ? 2 : 1;
            int dilation = kh > 1 && r.Next(5) == 0 ? 2 : 1;
            int extentH = (kh - 1) * dilation + 1, extentW = (kw - 1) * dilation + 1;
            var pad = kh == 1 && kw == 1 && r.Next(2) == 0 ? Padding2D.None : new Padding2D(r.Next(extentH), r.Next(extentW), r.Next(extentH), r.Next(extentW));
            int h = r.Next(extentH, extentH + 9), w = r.Next(extentW, extentW + 9);
            if (cin * cout * h * w > 400_000) { cin = Math.Min(cin, 24); cout = Math.Min(cout, 24); }
            var wType = r.Next(4) == 0 ? ElementType.UInt8 : ElementType.Int8;
            CheckConv2D(r, $"case {i}", cin, cout, kh, kw, stride, dilation, pad, h, w, wType, narrowWeights: false);
            cases++;
            if (!pad.Equals(Padding2D.None)) padded++;
            if (kh == 1 && kw == 1 && stride == 1 && pad.Equals(Padding2D.None) && cin % 4 == 0) direct++;
        }
        Assert.IsTrue(padded > 50 && direct > 10, $"sweep too narrow: {padded} padded, {direct} in-place 1×1 of {cases}");
    }

    /// <summary>
    /// Kernel rows of 8 to 16 bytes (an RGB stem: 3×3×3 rows of 9), which im2col moves 16 bytes at a time and sums as it
    /// unrolls: uint8 weights with a zero point (narrow or full-range channels), windows at
    /// every edge, stride 2 on odd and even sizes, images whose last window ends at the buffer's end.
    /// </summary>
    [TestMethod]
    public void Conv2D_ShortKernelRows_EveryPath_EqualsReference()
    {
        var r = new Random(502);
        for (int i = 0; i < 120; i++)
        {
            int kw = r.Next(1, 6);
            int cin = Math.Max(1, r.Next(8, 17) / kw);
            int kh = r.Next(1, 4);
            int stride = r.Next(2) + 1, dilation = r.Next(6) == 0 ? 2 : 1;
            int extentH = (kh - 1) * dilation + 1, extentW = (kw - 1) * dilation + 1;
            var pad = r.Next(3) == 0 ? Padding2D.None : new Padding2D(r.Next(extentH), r.Next(extentW), r.Next(extentH), r.Next(extentW));
            int h = r.Next(extentH, extentH + 12), w = r.Next(extentW, extentW + 12);
            CheckConv2D(r, $"short-row case {i}", cin, Channels(r) % 40 + 1, kh, kw, stride, dilation, pad, h, w, r.Next(3) == 0 ? ElementType.Int8 : ElementType.UInt8, narrowWeights: r.Next(2) == 0);
        }
    }

    private static void CheckConv2D(Random r, string name, int cin, int cout, int kh, int kw, int stride, int dilation, Padding2D pad, int h, int w, ElementType wType, bool narrowWeights)
    {
        int extentH = (kh - 1) * dilation + 1, extentW = (kw - 1) * dilation + 1;
        var inType = EightBit[r.Next(2)];
        var outType = OutputTypes[r.Next(3)];
        int outH = (h + pad.Top + pad.Bottom - extentH) / stride + 1, outW = (w + pad.Left + pad.Right - extentW) / stride + 1;
        int batches = r.Next(1, 3);
        var inShape = new[] { batches, h, w, cin };
        var wShape = new[] { cout, kh, kw, cin };
        var outShape = new[] { batches, outH, outW, cout };
        var inQuant = QuantizationParams.PerTensor(0.02f, TestKit.RandomZeroPoints(r, 1, inType)[0]);
        var wQuant = WeightQuant(r, wType, cout);
        byte[] input = TestKit.RandomValues(r, inShape.Aggregate(1, (a, b) => a * b), inType);
        byte[] weights = Weights(r, wShape.Aggregate(1, (a, b) => a * b), wType);
        if (narrowWeights && wType == ElementType.UInt8)
        {
            // Most channels within a signed byte of the zero point (a trained layer's spread), a few spanning 0..255.
            int zw = wQuant.ZeroPoints[0], per = kh * kw * cin;
            for (int o = 0; o < cout; o++)
                if (r.Next(4) != 0)
                    for (int k = 0; k < per; k++) weights[o * per + k] = (byte)Math.Clamp(zw + r.Next(-128, 128), 0, 255);
        }
        int[] bias = r.Next(4) == 0 ? Array.Empty<int>() : TestKit.RandomBias(r, cout, 20000);
        int[] outZps = TestKit.RandomZeroPoints(r, 1, outType);
        var p = new Conv2DParams
        {
            StrideH = stride, StrideW = stride, DilationH = dilation, DilationW = dilation, Padding = pad,
            Output = TestKit.RandomStage(r, cout, outType, outZps, Activations[r.Next(Activations.Length)], (RoundingMode)r.Next(2), Math.Sqrt(kh * kw * cin) * 3000, perChannel: r.Next(3) != 0),
        };
        var expected = new byte[outShape.Aggregate(1, (a, b) => a * b) * outType.SizeInBytes()];
        Conv2D.Reference(new QuantizedInput(input, inType, inShape, inQuant.ZeroPoints), new QuantizedInput(weights, wType, wShape, wQuant.ZeroPoints),
            bias, new QuantizedOutput(expected, outType, outShape, outZps), p);

        var packed = PackedGemm.TryCreate(new TensorDefinition("x", inType, inShape, inQuant), new TensorDefinition("w", wType, wShape, wQuant), weights, bias, cout, kh * kw * cin)!;
        Assert.IsNotNull(packed);
        var scratch = new KernelScratch(packed.Blocks * PackedGemm.BlockChannels, packed.Groups * 4);
        foreach (var path in FastPaths)
        {
            var actual = new byte[expected.Length];
            Conv2D.Fast(path, new QuantizedInput(input, inType, inShape, inQuant.ZeroPoints), kh, kw, new QuantizedOutput(actual, outType, outShape, outZps), p, packed, scratch, StageFor(path, p.Output, cout, outZps));
            CollectionAssert.AreEqual(expected, actual, $"{name} path {path}: {kh}x{kw} s{stride} d{dilation} pad {pad.Top},{pad.Left},{pad.Bottom},{pad.Right} {h}x{w}x{cin}→{cout} {inType}/{wType}→{outType} {p.Output.Activation}");
        }
    }

    [TestMethod]
    public void Conv2D_Int16Input_EveryPath_EqualsReference()
    {
        var r = new Random(504);
        for (int i = 0; i < 150; i++)
        {
            int cin = r.Next(1, 9), cout = Channels(r);
            int k = new[] { 1, 3, 3, 5 }[r.Next(4)], stride = r.Next(2) + 1;
            var pad = new Padding2D(r.Next(k), r.Next(k), r.Next(k), r.Next(k));
            // Now and then a wide, short image: runs of windows longer than the NEON kernel's 32-window chunks.
            bool wide = r.Next(5) == 0;
            int h = wide ? r.Next(k, k + 3) : r.Next(k, k + 9), w = wide ? r.Next(k + 2 * 32, k + 2 * 80) : r.Next(k, k + 9), batches = r.Next(4) == 0 ? 2 : 1;
            var wType = r.Next(4) == 0 ? ElementType.UInt8 : ElementType.Int8;
            var outType = OutputTypes[r.Next(3)];
            bool perChannel = r.Next(2) == 0;
            var inZps = TestKit.RandomZeroPoints(r, perChannel ? cin : 1, ElementType.Int16);
            var inQuant = perChannel ? QuantizationParams.PerAxis(3, Enumerable.Repeat(0.001f, cin).ToArray(), inZps) : QuantizationParams.PerTensor(0.001f, inZps[0]);
            var wQuant = WeightQuant(r, wType, cout);
            int outH = (h + pad.Top + pad.Bottom - k) / stride + 1, outW = (w + pad.Left + pad.Right - k) / stride + 1;
            var inShape = new[] { batches, h, w, cin };
            var wShape = new[] { cout, k, k, cin };
            var outShape = new[] { batches, outH, outW, cout };
            byte[] input = TestKit.RandomValues(r, batches * h * w * cin, ElementType.Int16);
            byte[] weights = Weights(r, cout * k * k * cin, wType);
            int[] bias = TestKit.RandomBias(r, cout, 2_000_000);
            int[] outZps = TestKit.RandomZeroPoints(r, 1, outType);
            var p = new Conv2DParams
            {
                StrideH = stride, StrideW = stride, Padding = pad,
                Output = TestKit.RandomStage(r, cout, outType, outZps, Activations[r.Next(Activations.Length)], (RoundingMode)r.Next(2), Math.Sqrt(k * k * cin) * 400_000),
            };
            var expected = new byte[batches * outH * outW * cout * outType.SizeInBytes()];
            Conv2D.Reference(new QuantizedInput(input, ElementType.Int16, inShape, inZps), new QuantizedInput(weights, wType, wShape, wQuant.ZeroPoints),
                bias, new QuantizedOutput(expected, outType, outShape, outZps), p);
            var packed = PackedGemm16.TryCreate(new TensorDefinition("x", ElementType.Int16, inShape, inQuant), new TensorDefinition("w", wType, wShape, wQuant), weights, bias, cout, k * k * cin);
            Assert.IsNotNull(packed, $"case {i}: a {k}x{k}x{cin} int16 convolution fits int32 sums");
            var scratch = new KernelScratch(packed.Blocks * PackedGemm16.BlockChannels, packed.Pairs * 4);
            foreach (var path in FastPaths)
            {
                // The thread split: parts over the output pixels, each on its own (shares may end mid-row).
                int parts = r.Next(3) == 0 ? 1 : r.Next(2, 6);
                var actual = new byte[expected.Length];
                for (int part = 0; part < parts; part++)
                    Conv2D.Fast16(path, new QuantizedInput(input, ElementType.Int16, inShape, inZps), k, k, new QuantizedOutput(actual, outType, outShape, outZps), p, packed, scratch,
                        vectorStage: VectorOutputStage.TryCreate(p.Output, cout, outZps, wide: true), part: part, parts: parts);
                CollectionAssert.AreEqual(expected, actual, $"case {i} path {path}: {k}x{k} s{stride} {h}x{w}x{cin}→{cout} {wType}→{outType} {p.Output.Activation}, {batches} images, {parts} parts");
            }
        }
    }

    [TestMethod]
    public void FullyConnected_EveryPath_EqualsReference_ForDepths1To67AndLarge()
    {
        var r = new Random(502);
        for (int depth = 1; depth <= 80; depth++)
        {
            int k = depth <= 67 ? depth : new[] { 128, 576, 1024, 1280, 97, 255, 513, 1001, 300, 64, 1, 2, 3 }[depth - 68];
            int outputs = Channels(r), rows = r.Next(1, 4);
            var inType = EightBit[r.Next(2)];
            var wType = r.Next(4) == 0 ? ElementType.UInt8 : ElementType.Int8;
            var outType = OutputTypes[r.Next(3)];
            var inQuant = QuantizationParams.PerTensor(0.02f, TestKit.RandomZeroPoints(r, 1, inType)[0]);
            var wQuant = WeightQuant(r, wType, outputs);
            byte[] input = TestKit.RandomValues(r, rows * k, inType);
            byte[] weights = Weights(r, outputs * k, wType);
            int[] bias = TestKit.RandomBias(r, outputs, 20000);
            int[] outZps = TestKit.RandomZeroPoints(r, 1, outType);
            var p = new FullyConnectedParams { Output = TestKit.RandomStage(r, outputs, outType, outZps, Activations[r.Next(Activations.Length)], (RoundingMode)r.Next(2), Math.Sqrt(k) * 3000) };
            var expected = new byte[rows * outputs * outType.SizeInBytes()];
            var inShape = new[] { rows, k };
            FullyConnected.Reference(new QuantizedInput(input, inType, inShape, inQuant.ZeroPoints), new QuantizedInput(weights, wType, new[] { outputs, k }, wQuant.ZeroPoints),
                bias, new QuantizedOutput(expected, outType, new[] { rows, outputs }, outZps), p);
            var packed = PackedGemm.TryCreate(new TensorDefinition("x", inType, inShape, inQuant), new TensorDefinition("w", wType, new[] { outputs, k }, wQuant), weights, bias, outputs, k)!;
            var scratch = new KernelScratch(packed.Blocks * PackedGemm.BlockChannels, packed.Groups * 4);
            foreach (var path in FastPaths)
            {
                var actual = new byte[expected.Length];
                FullyConnected.Fast(path, new QuantizedInput(input, inType, inShape, inQuant.ZeroPoints), new QuantizedOutput(actual, outType, new[] { rows, outputs }, outZps), p, packed, scratch, StageFor(path, p.Output, outputs, outZps));
                CollectionAssert.AreEqual(expected, actual, $"K={k} outputs={outputs} path {path} {inType}/{wType}");
                // The thread split by outputs (where the fused AVX-512 kernel applies), each part on its own.
                var stage = VectorOutputStage.TryCreate(p.Output, outputs, outZps);
                if (stage is null || !FullyConnected.CanSplitByOutputs(path, packed, outType)) continue;
                int parts = r.Next(2, 6);
                var split = new byte[expected.Length];
                for (int part = 0; part < parts; part++)
                    Assert.IsTrue(FullyConnected.TryFastPart(path, new QuantizedInput(input, inType, inShape, inQuant.ZeroPoints), new QuantizedOutput(split, outType, new[] { rows, outputs }, outZps), packed, scratch, stage, part, parts));
                CollectionAssert.AreEqual(expected, split, $"K={k} outputs={outputs} path {path} {inType}/{wType}, {parts} parts");
            }
        }
    }

    [TestMethod]
    public void DepthwiseConv2D_EveryPath_EqualsReference()
    {
        var r = new Random(503);
        for (int i = 0; i < 300; i++)
        {
            int channels = Channels(r);
            int k = new[] { 3, 3, 5, 1 }[r.Next(4)];
            int stride = r.Next(2) == 0 ? 2 : 1;
            int dilation = r.Next(6) == 0 ? 2 : 1;
            int extent = (k - 1) * dilation + 1;
            var pad = RandomPadding(r, extent);
            // Now and then a wide, short image: rows longer than the kernels' 32-pixel chunks, odd and even.
            bool wide = r.Next(5) == 0;
            int h = wide ? r.Next(extent, extent + 3) : r.Next(extent, extent + 10), w = wide ? r.Next(extent + 2 * 32, extent + 2 * 80) : r.Next(extent, extent + 10);
            var inType = EightBit[r.Next(2)];
            var wType = r.Next(4) == 0 ? ElementType.UInt8 : ElementType.Int8;
            var outType = OutputTypes[r.Next(3)];
            AssertDepthwiseEveryPath(r, $"case {i}", channels, k, stride, dilation, pad, h, w, inType, wType, outType);
        }
    }

    /// <summary>
    /// Dilation 2 with top padding 3: output row 0 reads input rows 1, 3, 5 and row 1 reads 0, 2, 4, 6 — a row above
    /// those the padded-row kernels had filled so far (they used to skip it and read a stale ring slot).
    /// </summary>
    /// <summary>
    /// 16k + 8 channels, whose last eight AVX-512 computes two pixels to a ZMM (all eight of an 8-channel layer): odd and
    /// even widths (an odd last pixel pairs with itself, or with the padding pixel after it), widths below one pair,
    /// both strides, shares ending mid-row, every stage form.
    /// </summary>
    [TestMethod]
    public void DepthwiseConv2D_EightChannelPairs_EveryPath_EqualsReference()
    {
        var r = new Random(510);
        for (int i = 0; i < 160; i++)
        {
            int channels = i % 2 == 0 ? 8 : new[] { 24, 40, 72, 88 }[r.Next(4)];
            int k = new[] { 3, 3, 5, 1 }[r.Next(4)];
            int stride = r.Next(6) == 0 ? 2 : 1;
            int dilation = r.Next(8) == 0 ? 2 : 1;
            int extent = (k - 1) * dilation + 1;
            int h = r.Next(extent, extent + 8), w = r.Next(5) == 0 ? r.Next(extent, extent + 3) : r.Next(extent, extent + 45);
            AssertDepthwiseEveryPath(r, $"pairs case {i}", channels, k, stride, dilation, RandomPadding(r, extent), h, w,
                EightBit[r.Next(2)], r.Next(4) == 0 ? ElementType.UInt8 : ElementType.Int8, OutputTypes[r.Next(3)]);
        }
    }

    [TestMethod]
    public void DepthwiseConv2D_DilatedRowsStartingAboveTheFilledOnes_EqualReference()
    {
        var r = new Random(509);
        foreach (var inType in EightBit)
        foreach (int k in new[] { 3, 5 })
            AssertDepthwiseEveryPath(r, $"{inType} {k}x{k}", 32, k, 1, 2, new Padding2D(3, 3, 2, 1), 10, 10, inType, ElementType.Int8, ElementType.Int8);
    }

    /// <summary>
    /// 16-bit inputs (symmetric, as the converter's 16-bit activations): channel counts 1..67 and large ones, 1×1 to 5×5,
    /// both strides, dilation, every padding, two images, any output type and stage, shares ending mid-row.
    /// </summary>
    [TestMethod]
    public void DepthwiseConv2D_Int16Input_EveryPath_EqualsReference()
    {
        var r = new Random(511);
        for (int i = 0; i < 200; i++)
        {
            int channels = Channels(r);
            // Now and then 9×9: more taps than the blocked sums take (the tap-by-tap loop).
            int k = new[] { 3, 3, 5, 1, 3, 9 }[r.Next(6)];
            int stride = r.Next(2) == 0 ? 2 : 1;
            int dilation = r.Next(6) == 0 ? 2 : 1;
            int extent = (k - 1) * dilation + 1;
            var pad = RandomPadding(r, extent);
            int h = r.Next(extent, extent + 9), w = r.Next(5) == 0 ? r.Next(extent + 40, extent + 90) : r.Next(extent, extent + 9), batches = r.Next(4) == 0 ? 2 : 1;
            var wType = r.Next(4) == 0 ? ElementType.UInt8 : ElementType.Int8;
            var outType = OutputTypes[r.Next(3)];
            bool perChannel = r.Next(2) == 0;
            var inQuant = perChannel ? QuantizationParams.PerAxis(3, Enumerable.Repeat(0.001f, channels).ToArray(), new int[channels]) : QuantizationParams.PerTensor(0.001f, 0);
            var wQuant = wType == ElementType.UInt8 ? QuantizationParams.PerTensor(0.01f, TestKit.RandomZeroPoints(r, 1, wType)[0])
                : QuantizationParams.PerAxis(3, Enumerable.Repeat(0.01f, channels).ToArray(), new int[channels]);
            int outH = (h + pad.Top + pad.Bottom - extent) / stride + 1, outW = (w + pad.Left + pad.Right - extent) / stride + 1;
            var inShape = new[] { batches, h, w, channels };
            var wShape = new[] { 1, k, k, channels };
            var outShape = new[] { batches, outH, outW, channels };
            byte[] input = TestKit.RandomValues(r, batches * h * w * channels, ElementType.Int16);
            byte[] weights = Weights(r, k * k * channels, wType);
            int[] bias = TestKit.RandomBias(r, channels, 2_000_000);
            int[] outZps = TestKit.RandomZeroPoints(r, 1, outType);
            var p = new DepthwiseConv2DParams
            {
                StrideH = stride, StrideW = stride, DilationH = dilation, DilationW = dilation, Padding = pad,
                Output = TestKit.RandomStage(r, channels, outType, outZps, Activations[r.Next(Activations.Length)], (RoundingMode)r.Next(2), k * 400_000),
            };
            var expected = new byte[batches * outH * outW * channels * outType.SizeInBytes()];
            DepthwiseConv2D.Reference(new QuantizedInput(input, ElementType.Int16, inShape, inQuant.ZeroPoints), new QuantizedInput(weights, wType, wShape, wQuant.ZeroPoints),
                bias, new QuantizedOutput(expected, outType, outShape, outZps), p);
            var packed = PackedDepthwise16.TryCreate(new TensorDefinition("x", ElementType.Int16, inShape, inQuant), new TensorDefinition("w", wType, wShape, wQuant), weights, bias, p);
            Assert.IsNotNull(packed, $"case {i}: a {k}x{k} int16 depthwise layer fits int32 sums");
            var scratch = new KernelScratch(packed.Width, 4);
            foreach (var path in FastPaths)
            {
                int parts = r.Next(3) == 0 ? 1 : r.Next(2, 6);
                var actual = new byte[expected.Length];
                for (int part = 0; part < parts; part++)
                    DepthwiseConv2D.Wide(path, new QuantizedInput(input, ElementType.Int16, inShape, inQuant.ZeroPoints), new QuantizedOutput(actual, outType, outShape, outZps), p, packed, scratch,
                        VectorOutputStage.TryCreate(p.Output, channels, outZps, wide: true), part, parts);
                CollectionAssert.AreEqual(expected, actual, $"case {i} path {path}: {k}x{k} s{stride} d{dilation} {h}x{w}x{channels} {wType}→{outType} {p.Output.Activation}, {batches} images, {parts} parts");
            }
        }
        // An input zero point, or sums that could leave int32, keep the reference.
        var shape = new[] { 1, 4, 4, 3 };
        var q = QuantizationParams.PerAxis(3, new[] { 0.01f, 0.01f, 0.01f }, new int[3]);
        var dw = new DepthwiseConv2DParams { Output = TestKit.RandomStage(r, 3, ElementType.Int16, new[] { 0 }, FusedActivation.None, RoundingMode.DoubleRounding, 1000) };
        Assert.IsNull(PackedDepthwise16.TryCreate(new TensorDefinition("x", ElementType.Int16, shape, QuantizationParams.PerTensor(0.01f, 5)),
            new TensorDefinition("w", ElementType.Int8, new[] { 1, 3, 3, 3 }, q), new byte[27], new int[3], dw));
        var heavy = Enumerable.Repeat((byte)100, 27).ToArray();
        Assert.IsNull(PackedDepthwise16.TryCreate(new TensorDefinition("x", ElementType.Int16, shape, QuantizationParams.PerTensor(0.01f, 0)),
            new TensorDefinition("w", ElementType.Int8, new[] { 1, 3, 3, 3 }, q), heavy, new[] { int.MaxValue - 5, 0, 0 }, dw), "2^31 − 6 + 9·100·32768 leaves int32");
    }

    private static void AssertDepthwiseEveryPath(Random r, string label, int channels, int k, int stride, int dilation, Padding2D pad, int h, int w,
        ElementType inType, ElementType wType, ElementType outType)
    {
        int extent = (k - 1) * dilation + 1;
        bool perChannelInput = r.Next(2) == 0;
        var inZps = TestKit.RandomZeroPoints(r, perChannelInput ? channels : 1, inType);
        var inQuant = perChannelInput ? QuantizationParams.PerAxis(3, Enumerable.Repeat(0.02f, channels).ToArray(), inZps) : QuantizationParams.PerTensor(0.02f, inZps[0]);
        var wQuant = wType == ElementType.UInt8 ? QuantizationParams.PerTensor(0.01f, TestKit.RandomZeroPoints(r, 1, wType)[0])
            : QuantizationParams.PerAxis(3, Enumerable.Repeat(0.01f, channels).ToArray(), new int[channels]);
        int outH = (h + pad.Top + pad.Bottom - extent) / stride + 1, outW = (w + pad.Left + pad.Right - extent) / stride + 1;
        var inShape = new[] { 1, h, w, channels };
        var wShape = new[] { 1, k, k, channels };
        var outShape = new[] { 1, outH, outW, channels };
        byte[] input = TestKit.RandomValues(r, h * w * channels, inType);
        // Mostly int8 weights in [−127, 127] (the NEON signed-byte form), sometimes −128 too (the int16 form).
        byte[] weights = Weights(r, k * k * channels, wType);
        int[] bias = TestKit.RandomBias(r, channels, 20000);
        int[] outZps = TestKit.RandomZeroPoints(r, 1, outType);
        var p = new DepthwiseConv2DParams
        {
            StrideH = stride, StrideW = stride, DilationH = dilation, DilationW = dilation, Padding = pad,
            Output = TestKit.RandomStage(r, channels, outType, outZps, Activations[r.Next(Activations.Length)], (RoundingMode)r.Next(2), k * 3000),
        };
        var expected = new byte[outH * outW * channels * outType.SizeInBytes()];
        DepthwiseConv2D.Reference(new QuantizedInput(input, inType, inShape, inQuant.ZeroPoints), new QuantizedInput(weights, wType, wShape, wQuant.ZeroPoints),
            bias, new QuantizedOutput(expected, outType, outShape, outZps), p);
        var packed = PackedDepthwise.TryCreate(new TensorDefinition("x", inType, inShape, inQuant), new TensorDefinition("w", wType, wShape, wQuant), weights, bias, p)!;
        // Mostly with room for the padded rows (AVX-512, NEON); one case in five without (the AVX2 rows, the per-pixel form).
        bool ring = r.Next(5) != 0;
        var scratch = new KernelScratch((channels + 7) / 8 * 8, 4, depthwiseRowBytes: ring ? (int)packed.PaddedRowBytes(p, outW) : 0);
        foreach (var path in FastPaths)
        {
            // The thread split: parts over the output pixels, each on its own (shares may end mid-row).
            int parts = r.Next(3) == 0 ? 1 : r.Next(2, 6);
            var actual = new byte[expected.Length];
            for (int part = 0; part < parts; part++)
                DepthwiseConv2D.Fast(path, new QuantizedInput(input, inType, inShape, inQuant.ZeroPoints), new QuantizedOutput(actual, outType, outShape, outZps), p, packed, scratch, StageFor(path, p.Output, channels, outZps), part, parts);
            CollectionAssert.AreEqual(expected, actual, $"{label} path {path}: {k}x{k} s{stride} d{dilation} {h}x{w}x{channels} {inType}/{wType}→{outType}, {parts} parts, padded rows {ring}, byte weights {packed.SignedByteWeights}");
        }
    }

    [TestMethod]
    public void SqueezeExciteMul_EveryPath_EqualsReference_InPlaceToo()
    {
        var r = new Random(505);
        for (int i = 0; i < 200; i++)
        {
            int channels = Channels(r), h = r.Next(1, 9), w = r.Next(1, 9);
            var aType = EightBit[r.Next(2)];
            var bType = EightBit[r.Next(2)];
            var outType = aType;
            bool perChannel = r.Next(3) == 0;
            int[] aZps = TestKit.RandomZeroPoints(r, perChannel ? channels : 1, aType), bZps = TestKit.RandomZeroPoints(r, 1, bType), outZps = TestKit.RandomZeroPoints(r, 1, outType);
            var aShape = new[] { 1, h, w, channels };
            var bShape = new[] { 1, 1, 1, channels };
            byte[] a = TestKit.RandomValues(r, h * w * channels, aType), b = TestKit.RandomValues(r, channels, bType);
            var multipliers = Enumerable.Range(0, perChannel ? channels : 1).Select(_ => QuantizedMultiplier.FromDouble(Math.Pow(2, -r.Next(6, 16)) * (1 + r.NextDouble()))).ToArray();
            int lo = outType.MinValue() + r.Next(0, 40), hi = outType.MaxValue() - r.Next(0, 40);
            var p = new MulParams { Rounding = RoundingMode.DoubleRounding, OutputMultipliers = multipliers, ClampMin = new[] { lo }, ClampMax = new[] { hi } };
            var expected = new byte[a.Length];
            Mul.Reference(new QuantizedInput(a, aType, aShape, aZps), new QuantizedInput(b, bType, bShape, bZps), new QuantizedOutput(expected, outType, aShape, outZps), p);
            var stage = VectorOutputStage.TryCreate(multipliers, p.Rounding, p.ClampMin, p.ClampMax, channels, outZps)!;
            foreach (var path in FastPaths)
            {
                var actual = (byte[])a.Clone();   // in place: the output overwrites the activation it scales
                bool swapped = r.Next(2) == 0;
                var gate = new int[2 * ((channels + 7) / 8 * 8)];
                int parts = r.Next(1, 4);   // the thread split: parts over pixels, each on its own
                bool ran = true;
                for (int part = 0; part < parts; part++)
                    ran &= swapped
                        ? Mul.TryFast(path, new QuantizedInput(b, bType, bShape, bZps), new QuantizedInput(actual, aType, aShape, aZps), new QuantizedOutput(actual, outType, aShape, outZps), stage, gate, part, parts)
                        : Mul.TryFast(path, new QuantizedInput(actual, aType, aShape, aZps), new QuantizedInput(b, bType, bShape, bZps), new QuantizedOutput(actual, outType, aShape, outZps), stage, gate, part, parts);
                if (!ran) { Assert.AreNotEqual(KernelPath.Avx2, KernelPaths.IsSupported(path) ? path : KernelPath.Reference); continue; }
                CollectionAssert.AreEqual(expected, actual, $"case {i} path {path}: {h}x{w}x{channels} {aType}·{bType}, {parts} parts");
            }
        }
    }

    /// <summary>A symmetric 16-bit activation times an 8- or 16-bit gate (two images, per-channel multipliers now and then), in place too.</summary>
    [TestMethod]
    public void WideSqueezeExciteMul_EveryPath_EqualsReference_InPlaceToo()
    {
        var r = new Random(513);
        for (int i = 0; i < 150; i++)
        {
            int channels = Channels(r), h = r.Next(1, 9), w = r.Next(1, 9), batches = r.Next(4) == 0 ? 2 : 1;
            var bType = r.Next(3) == 0 ? ElementType.Int16 : EightBit[r.Next(2)];
            var outType = r.Next(3) == 0 ? ElementType.Int8 : ElementType.Int16;
            bool perChannel = r.Next(3) == 0;
            int[] aZps = { 0 }, bZps = bType == ElementType.Int16 ? new[] { 0 } : TestKit.RandomZeroPoints(r, 1, bType), outZps = TestKit.RandomZeroPoints(r, 1, outType);
            var aShape = new[] { batches, h, w, channels };
            var bShape = new[] { batches, 1, 1, channels };
            byte[] a = TestKit.RandomValues(r, batches * h * w * channels, ElementType.Int16), b = TestKit.RandomValues(r, batches * channels, bType);
            var multipliers = Enumerable.Range(0, perChannel ? channels : 1).Select(_ => QuantizedMultiplier.FromDouble(Math.Pow(2, -r.Next(6, 24)) * (1 + r.NextDouble()))).ToArray();
            int lo = outType.MinValue() + r.Next(0, 40), hi = outType.MaxValue() - r.Next(0, 40);
            var p = new MulParams { Rounding = RoundingMode.DoubleRounding, OutputMultipliers = multipliers, ClampMin = new[] { lo }, ClampMax = new[] { hi } };
            var expected = new byte[batches * h * w * channels * outType.SizeInBytes()];
            Mul.Reference(new QuantizedInput(a, ElementType.Int16, aShape, aZps), new QuantizedInput(b, bType, bShape, bZps), new QuantizedOutput(expected, outType, aShape, outZps), p);
            var aDef = new TensorDefinition("a", ElementType.Int16, aShape, QuantizationParams.PerTensor(0.001f, 0));
            Assert.IsTrue(Mul.IsWideSqueezeExcite(aDef, new TensorDefinition("b", bType, bShape, QuantizationParams.PerTensor(0.01f, bZps[0])), new TensorDefinition("o", outType, aShape, QuantizationParams.PerTensor(0.01f, outZps[0]))));
            var stage = new OutputStage(FusedActivation.None, p.Rounding, multipliers, Array.Empty<QuantizedMultiplier>(), p.ClampMin, p.ClampMax);
            int width = (channels + 7) / 8 * 8;
            foreach (var path in FastPaths)
            {
                bool inPlace = outType == ElementType.Int16 && r.Next(2) == 0;
                var actual = inPlace ? (byte[])a.Clone() : new byte[expected.Length];
                int parts = r.Next(1, 4);
                for (int part = 0; part < parts; part++)
                    Mul.Wide(path, new QuantizedInput(inPlace ? actual : a, ElementType.Int16, aShape, aZps), new QuantizedInput(b, bType, bShape, bZps), new QuantizedOutput(actual, outType, aShape, outZps),
                        stage, VectorOutputStage.TryCreate(stage, channels, outZps, wide: true), new int[width], new int[width * 3], part, parts);
                CollectionAssert.AreEqual(expected, actual, $"case {i} path {path}: {batches}x{h}x{w}x{channels} int16·{bType}→{outType}, {parts} parts, in place {inPlace}");
            }
        }
    }

    [TestMethod]
    public void ResidualAdd_EveryPath_EqualsReference_ForEveryLength0To67AndInPlace()
    {
        var r = new Random(506);
        for (int length = 0; length <= 80; length++)
        {
            int n = length <= 67 ? length : r.Next(68, 5000);
            // 8-bit, or 16-bit symmetric (the converter's 16-bit activations, Add's left shift 15).
            var type = r.Next(3) == 0 ? ElementType.Int16 : EightBit[r.Next(2)];
            bool wide = type == ElementType.Int16;
            int Zero() => wide ? 0 : TestKit.RandomZeroPoints(r, 1, type)[0];
            double unit = wide ? 1.0 / 256 : 1;
            var qa = QuantizationParams.PerTensor((float)((0.01 + r.NextDouble() * 0.1) * unit), Zero());
            var qb = QuantizationParams.PerTensor((float)((0.01 + r.NextDouble() * 0.1) * unit), Zero());
            var qo = QuantizationParams.PerTensor((float)((0.02 + r.NextDouble() * 0.1) * unit), Zero());
            var p = Embedded.Runtime.Building.OutputStageBuilder.Add(qa, qb, qo, type, 1, RoundingMode.DoubleRounding, wide ? 15 : 20);
            var shape = new[] { 1, 1, 1, n };
            byte[] a = TestKit.RandomValues(r, n, type), b = TestKit.RandomValues(r, n, type);
            var expected = new byte[n * type.SizeInBytes()];
            Add.Reference(new QuantizedInput(a, type, shape, qa.ZeroPoints), new QuantizedInput(b, type, shape, qb.ZeroPoints), new QuantizedOutput(expected, type, shape, qo.ZeroPoints), p);
            Assert.IsTrue(Add.IsFastCase(new TensorDefinition("a", type, shape, qa), new TensorDefinition("b", type, shape, qb), new TensorDefinition("o", type, shape, qo), p));
            foreach (var path in FastPaths)
            foreach (int parts in new[] { 1, 3 })
            {
                var actual = (byte[])a.Clone();   // in place over the first input
                bool ran = true;
                for (int part = 0; part < parts; part++)
                    ran &= Add.TryFast(path, new QuantizedInput(actual, type, shape, qa.ZeroPoints), new QuantizedInput(b, type, shape, qb.ZeroPoints), new QuantizedOutput(actual, type, shape, qo.ZeroPoints), p, part, parts);
                if (!ran) continue;   // only AVX2 has this kernel
                CollectionAssert.AreEqual(expected, actual, $"length {n} path {path} parts {parts} {type}");
            }
        }
    }

    [TestMethod]
    public void AveragePool2D_EveryPath_EqualsReference_PaddedStridedAndGlobal()
    {
        var r = new Random(523);
        for (int i = 0; i < 200; i++)
        {
            bool global = r.Next(4) == 0, large = global && r.Next(2) == 0;
            // Large global windows (up to 29×29 cells) pass the kernels' int16 partial sums (128 cells) several times.
            int channels = Channels(r), h = large ? r.Next(12, 30) : r.Next(1, 12), w = large ? r.Next(12, 30) : r.Next(1, 12);
            int fh = global ? h : r.Next(1, Math.Min(h, 5) + 1), fw = global ? w : r.Next(1, Math.Min(w, 5) + 1);
            int stride = global ? 1 : r.Next(1, 3);
            var pad = global ? Padding2D.None : new Padding2D(r.Next(fh), r.Next(fw), r.Next(fh), r.Next(fw));
            int outH = (h + pad.Top + pad.Bottom - fh) / stride + 1, outW = (w + pad.Left + pad.Right - fw) / stride + 1;
            var type = EightBit[r.Next(2)];
            var p = new Pool2DParams
            {
                FilterH = fh, FilterW = fw, StrideH = stride, StrideW = stride, Padding = pad,
                ClampMin = new[] { type.MinValue() + r.Next(0, 30) }, ClampMax = new[] { type.MaxValue() - r.Next(0, 30) },
            };
            var inShape = new[] { 1, h, w, channels };
            var outShape = new[] { 1, outH, outW, channels };
            var input = TestKit.RandomValues(r, h * w * channels, type);
            // Sometimes every value at the type's extreme: the largest partial sums.
            if (r.Next(4) == 0) Array.Fill(input, (byte)(r.Next(2) == 0 ? (type == ElementType.Int8 ? 0x80 : 0) : (type == ElementType.Int8 ? 0x7F : 0xFF)));
            var expected = new byte[outH * outW * channels];
            AveragePool2D.Reference(new QuantizedInput(input, type, inShape, new[] { 0 }), new QuantizedOutput(expected, type, outShape, new[] { 0 }), p);
            foreach (var path in FastPaths)
            {
                var actual = new byte[expected.Length];
                Assert.IsTrue(AveragePool2D.TryFast(path, new QuantizedInput(input, type, inShape, new[] { 0 }), new QuantizedOutput(actual, type, outShape, new[] { 0 }), p));
                CollectionAssert.AreEqual(expected, actual, $"case {i} path {path}: {fh}x{fw} s{stride} pad {pad.Top},{pad.Left},{pad.Bottom},{pad.Right} {h}x{w}x{channels} {type}");
            }
        }
    }

    /// <summary>Random channel orders: shuffles of g groups, slices, splits, repeats; widths around the 16-byte block.</summary>
    internal static int[] RandomChannelIndices(Random r, int channels)
    {
        switch (r.Next(4))
        {
            case 0:
            {
                int groups = new[] { 2, 3, 4 }.Where(g => channels % g == 0).DefaultIfEmpty(1).First();
                int per = channels / groups;
                return Enumerable.Range(0, channels).Select(j => j % groups * per + j / groups).ToArray();
            }
            case 1:
            {
                int start = r.Next(channels), count = 1 + r.Next(channels - start);
                int step = 1 + r.Next(3);
                return Enumerable.Range(0, count).Select(k => start + k * step).Where(c => c < channels).ToArray();
            }
            case 2: return Enumerable.Range(0, channels).OrderBy(_ => r.Next()).ToArray();
            default: return Enumerable.Range(0, 1 + r.Next(2 * channels)).Select(_ => r.Next(channels)).ToArray();
        }
    }

    [TestMethod]
    public void GatherChannels_EveryPath_EqualsReference_ShufflesSlicesAndRepeats_8And16Bit()
    {
        var r = new Random(523);
        for (int i = 0; i < 400; i++)
        {
            int channels = i < 64 ? i + 1 : Channels(r);
            var type = OutputTypes[r.Next(3)];
            var indices = RandomChannelIndices(r, channels);
            var p = new GatherChannelsParams { Indices = indices };
            int pixels = r.Next(0, 20);
            var inShape = new[] { 1, pixels, channels };
            var outShape = new[] { 1, pixels, indices.Length };
            var input = TestKit.RandomValues(r, pixels * channels, type);
            var expected = new byte[pixels * indices.Length * type.SizeInBytes()];
            GatherChannels.Reference(new QuantizedInput(input, type, inShape, new[] { 0 }), new QuantizedOutput(expected, type, outShape, new[] { 0 }), p);
            var plan = ChannelGatherPlan.TryCreate(new TensorDefinition("x", type, inShape, QuantizationParams.PerTensor(1f, 0)), p);
            if (plan is null) { Assert.IsTrue(channels * type.SizeInBytes() < 16 || indices.Length * type.SizeInBytes() < 16, $"case {i}: no plan"); continue; }
            foreach (var path in FastPaths)
            {
                var actual = new byte[expected.Length];
                if (!GatherChannels.TryFast(path, input, actual, plan)) { Assert.IsFalse(System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated); continue; }
                CollectionAssert.AreEqual(expected, actual, $"case {i} path {path}: {type} {channels} → [{string.Join(",", indices)}]");
            }
        }
    }

    /// <summary>Random tap tables as the converter writes them: sorted sources, lower ≤ upper, weights within [0, 1].</summary>
    internal static ResizeParams RandomResize(Random r, ResizeMode mode, int inH, int inW, int outH, int outW)
    {
        int[] Lower(int inSize, int outSize) => Enumerable.Range(0, outSize).Select(i => Math.Min(inSize - 1, i * inSize / outSize)).ToArray();
        var rowLower = Lower(inH, outH);
        var colLower = Lower(inW, outW);
        return new ResizeParams
        {
            Mode = mode,
            RowLower = rowLower, RowUpper = rowLower.Select(v => Math.Min(v + 1, inH - 1)).ToArray(),
            ColumnLower = colLower, ColumnUpper = colLower.Select(v => Math.Min(v + 1, inW - 1)).ToArray(),
            RowWeights = mode == ResizeMode.BilinearInteger ? Enumerable.Range(0, outH).Select(_ => r.Next(0, 1025)).ToArray() : Array.Empty<int>(),
            ColumnWeights = mode == ResizeMode.BilinearInteger ? Enumerable.Range(0, outW).Select(_ => r.Next(0, 1025)).ToArray() : Array.Empty<int>(),
            RowFractions = mode == ResizeMode.BilinearFloat ? Enumerable.Range(0, outH).Select(_ => (float)r.NextDouble()).ToArray() : Array.Empty<float>(),
            ColumnFractions = mode == ResizeMode.BilinearFloat ? Enumerable.Range(0, outW).Select(_ => (float)r.NextDouble()).ToArray() : Array.Empty<float>(),
        };
    }

    [TestMethod]
    public void Resize_EveryPath_EqualsReference_NearestIntegerAndFloatBilinear_UpAndDown()
    {
        var r = new Random(524);
        for (int i = 0; i < 300; i++)
        {
            var mode = (ResizeMode)(i % 3);
            var type = mode == ResizeMode.BilinearFloat ? ElementType.UInt8 : OutputTypes[r.Next(3)];
            int channels = r.Next(4) == 0 ? r.Next(16, 48) : r.Next(1, 24), batches = 1 + r.Next(2);
            int inH = r.Next(1, 12), inW = r.Next(1, 12), outH = r.Next(1, 30), outW = r.Next(1, 30);
            var p = RandomResize(r, mode, inH, inW, outH, outW);
            var inShape = new[] { batches, inH, inW, channels };
            var outShape = new[] { batches, outH, outW, channels };
            var input = TestKit.RandomValues(r, batches * inH * inW * channels, type);
            var expected = new byte[batches * outH * outW * channels * type.SizeInBytes()];
            Resize.Reference(new QuantizedInput(input, type, inShape, new[] { 0 }), new QuantizedOutput(expected, type, outShape, new[] { 0 }), p);
            var rows = new int[2 * outW * channels];
            foreach (var path in FastPaths)
            {
                var actual = new byte[expected.Length];
                if (!Resize.TryFast(path, new QuantizedInput(input, type, inShape, new[] { 0 }), new QuantizedOutput(actual, type, outShape, new[] { 0 }), p, rows))
                {
                    Assert.IsTrue(type == ElementType.Int16 || !System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated, $"case {i}: {mode} {type} has a fast path");
                    continue;
                }
                CollectionAssert.AreEqual(expected, actual, $"case {i} path {path}: {mode} {type} [{string.Join(",", inShape)}] → {outH}×{outW}");
            }
        }
    }

    [TestMethod]
    public void ArgMax_EveryPath_EqualsReference_TiesTakeTheFirst()
    {
        var r = new Random(525);
        for (int i = 0; i < 200; i++)
        {
            var type = EightBit[r.Next(2)];
            var outputType = r.Next(2) == 0 ? ElementType.Int32 : ElementType.Int64;
            int channels = r.Next(1, 40), cells = r.Next(0, 30);
            // Few distinct values, so ties are common.
            var input = TestKit.RandomValues(r, cells * channels, type).Select(v => (byte)(v & (r.Next(2) == 0 ? 0x83 : 0xFF))).ToArray();
            var shape = new[] { 1, cells == 0 ? 1 : cells, channels };
            if (cells == 0) { input = new byte[channels]; cells = 1; }
            var expected = new byte[cells * outputType.SizeInBytes()];
            ArgMax.Reference(new QuantizedInput(input, type, shape, new[] { 0 }), expected, outputType);
            foreach (var path in FastPaths)
            {
                var actual = new byte[expected.Length];
                Assert.IsTrue(ArgMax.TryFast(path, new QuantizedInput(input, type, shape, new[] { 0 }), actual, outputType));
                CollectionAssert.AreEqual(expected, actual, $"case {i} path {path}: {type} {channels} channels → {outputType}");
            }
        }
    }

    [TestMethod]
    public void TableLookup_EveryPath_EqualsReference_ForEveryLength0To80_OneOrManyTables_InPlaceToo()
    {
        var r = new Random(521);
        for (int length = 0; length <= 80; length++)
        foreach (var type in EightBit)
        {
            int channels = length == 0 ? 1 + r.Next(8) : new[] { 1, 2, 3, 4, 6, 8, 12 }.Where(c => length % c == 0).OrderBy(_ => r.Next()).First();
            int tableCount = new[] { 1, 1, channels }.OrderBy(_ => r.Next()).First();
            var tables = new byte[tableCount * TableLookupParams.EntriesPerTable];
            r.NextBytes(tables);
            var p = new TableLookupParams { TableCount = tableCount, Tables = tables };
            var input = new byte[length];
            r.NextBytes(input);
            var shape = new[] { 1, length / channels, channels };
            var expected = new byte[length];
            TableLookup.Reference(new QuantizedInput(input, type, shape, new[] { 0 }), new QuantizedOutput(expected, type, shape, new[] { 0 }), p);
            foreach (var path in FastPaths)
            {
                var actual = new byte[length];
                TableLookup.Fast(path, new QuantizedInput(input, type, shape, new[] { 0 }), new QuantizedOutput(actual, type, shape, new[] { 0 }), p);
                CollectionAssert.AreEqual(expected, actual, $"length {length} {type} {channels} channels {tableCount} tables path {path}");
                var inPlace = (byte[])input.Clone();
                TableLookup.Fast(path, new QuantizedInput(inPlace, type, shape, new[] { 0 }), new QuantizedOutput(inPlace, type, shape, new[] { 0 }), p);
                CollectionAssert.AreEqual(expected, inPlace, $"in place: length {length} {type} {tableCount} tables path {path}");
            }
        }
    }

    [TestMethod]
    public void InterpolatedTable_Fast_EqualsReference_ForEveryShiftAndLength0To80_InPlaceToo()
    {
        var r = new Random(512);
        for (int length = 0; length <= 80; length++)
        {
            int n = length <= 67 ? length : r.Next(68, 5000);
            // Any samples (saturating ones too), any shift: most inputs lie beyond the samples of a small shift.
            var p = new InterpolatedTableParams { Shift = r.Next(InterpolatedTableParams.MaxShift + 1), Samples = Enumerable.Range(0, InterpolatedTableParams.Entries).Select(_ => r.Next(short.MinValue, short.MaxValue + 1)).ToArray() };
            var shape = new[] { 1, n };
            byte[] input = TestKit.RandomValues(r, n, ElementType.Int16);
            var expected = new byte[2 * n];
            InterpolatedTable.Reference(new QuantizedInput(input, ElementType.Int16, shape, new[] { 0 }), new QuantizedOutput(expected, ElementType.Int16, shape, new[] { 0 }), p);
            var actual = (byte[])input.Clone();
            InterpolatedTable.Fast(new QuantizedInput(actual, ElementType.Int16, shape, new[] { 0 }), new QuantizedOutput(actual, ElementType.Int16, shape, new[] { 0 }), p);
            CollectionAssert.AreEqual(expected, actual, $"length {n}, shift {p.Shift}");
        }
    }

    [TestMethod]
    public void Softmax_FloatTable_EveryPath_EqualsReference_ForEveryDepth1To80_AndTies()
    {
        var r = new Random(512);
        int checkedRows = 0;
        for (int i = 0; i < 160; i++)
        {
            int depth = i < 80 ? i + 1 : new[] { 1001, 1000, 16, 17, 255, 31 }[r.Next(6)];
            int rows = r.Next(1, 4);
            var inType = EightBit[r.Next(2)];
            var outType = EightBit[r.Next(2)];
            float inScale = (float)(0.02 + r.NextDouble() * 0.3), beta = r.Next(3) == 0 ? 0.5f : 1f;
            // TFLite's output scale 1/256 mostly; sometimes a coarse or a tiny one (saturating outputs).
            float outScale = r.Next(4) switch { 0 => (float)(0.001 + r.NextDouble() * 0.05), 1 => 1e-6f, _ => 1f / 256 };
            int outZp = outType == ElementType.Int8 ? (r.Next(3) == 0 ? r.Next(-128, 128) : -128) : (r.Next(3) == 0 ? r.Next(256) : 0);
            var table = new float[256];
            for (int v = 0; v <= 255; v++) table[255 - v] = MathF.Exp(-inScale * beta * v);
            byte[] input = TestKit.RandomValues(r, rows * depth, inType);
            AssertSoftmax(input, inType, outType, rows, depth, table, outScale, outZp, $"case {i}");
            checkedRows += rows;
        }
        // Exact ties: 4 inputs at the maximum (e = 1), 24 one below (e = 0.75), 16 two below (e = 0.625): Σe = 32 exactly,
        // s = 1/128, so 1/(Σe·s) = 4 and the outputs are 4, 3 and 2.5 — which rounds away to 3 (to even would give 2).
        var tie = new float[256];
        for (int v = 0; v < 256; v++) tie[v] = 0.5f;
        tie[255] = 1f; tie[254] = 0.75f; tie[253] = 0.625f;
        foreach (var inType in EightBit)
        {
            int top = inType == ElementType.Int8 ? 100 : 200;
            byte[] input = Enumerable.Repeat(top, 4).Concat(Enumerable.Repeat(top - 1, 24)).Concat(Enumerable.Repeat(top - 2, 16)).Select(v => (byte)v).ToArray();
            var expected = new byte[input.Length];
            AssertSoftmax(input, inType, ElementType.UInt8, 1, input.Length, tie, 1f / 128, 0, "ties", expected);
            Assert.AreEqual(3, expected[^1], "2.5 rounds half away from zero");
        }
        Assert.IsTrue(checkedRows > 200);
    }

    private static void AssertSoftmax(byte[] input, ElementType inType, ElementType outType, int rows, int depth, float[] table, float outScale, int outZp, string label, byte[]? expected = null)
    {
        var p = new SoftmaxParams { Beta = 1, ExpTable = SoftmaxParams.BuildExpTable(0.1f, 1), FloatTable = table };
        var shape = new[] { rows, depth };
        expected ??= new byte[rows * depth];
        Softmax.Reference(new QuantizedInput(input, inType, shape, new[] { 0 }), expected, outType, outScale, outZp, p);
        foreach (var path in SupportedFastPaths)
        {
            var actual = new byte[expected.Length];
            Assert.IsTrue(Softmax.TryFast(path, new QuantizedInput(input, inType, shape, new[] { 0 }), actual, outType, outScale, outZp, p), $"{label} path {path}");
            CollectionAssert.AreEqual(expected, actual, $"{label} path {path}: {rows}×{depth} {inType}→{outType} s={outScale} zp={outZp}");
        }
    }

    [TestMethod]
    public void Dequantize_EveryPath_EqualsReference_BitForBit_ForEveryLength0To67()
    {
        var r = new Random(512);
        var types = new[] { ElementType.Int8, ElementType.UInt8, ElementType.Int16 };
        for (int length = 0; length <= 80; length++)
        {
            var type = types[r.Next(3)];
            int n = length <= 67 ? length : r.Next(68, 3000);
            var shape = new[] { 1, n };
            var q = QuantizationParams.PerTensor((float)(1e-5 + r.NextDouble() * (r.Next(2) == 0 ? 1e-3 : 10)), TestKit.RandomZeroPoints(r, 1, type)[0]);
            var input = TestKit.RandomValues(r, n, type);
            var expected = new float[n];
            Dequantize.Reference(new QuantizedInput(input, type, shape, q.ZeroPoints), expected, q.Scales);
            foreach (var path in SupportedFastPaths)
            {
                var actual = new float[n];
                Assert.IsTrue(Dequantize.TryFast(path, new QuantizedInput(input, type, shape, q.ZeroPoints), actual, q.Scales), $"{path} {type}");
                for (int i = 0; i < n; i++)
                    Assert.AreEqual(BitConverter.SingleToInt32Bits(expected[i]), BitConverter.SingleToInt32Bits(actual[i]), $"element {i} of {n}, {type}, {path}");
            }
        }
        // Per-channel scales keep the reference kernel.
        var perChannel = QuantizationParams.PerAxis(1, new[] { 0.1f, 0.2f }, new[] { 0, 0 });
        Assert.IsFalse(Dequantize.TryFast(KernelPath.Vector128, new QuantizedInput(new byte[2], ElementType.Int8, new[] { 1, 2 }, perChannel.ZeroPoints), new float[2], perChannel.Scales));
        Assert.IsFalse(Dequantize.TryFast(KernelPath.Reference, new QuantizedInput(new byte[2], ElementType.Int8, new[] { 1, 2 }, new[] { 0 }), new float[2], new[] { 0.1f }));
    }

    [TestMethod]
    public void QuantizeFromFloat_EveryPath_EqualsReference_ForEveryLength0To80_TiesAndSpecialValues()
    {
        var r = new Random(513);
        var types = new[] { ElementType.Int8, ElementType.UInt8, ElementType.Int16 };
        float[] special = { float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, float.Epsilon, -float.Epsilon, 1e30f, -1e30f, 16777217f, -8388608.5f };
        for (int length = 0; length <= 80; length++)
        {
            var type = types[length % 3];
            int n = length <= 67 ? length : r.Next(68, 3000);
            float scale = (float)(1e-3 + r.NextDouble() * (r.Next(2) == 0 ? 0.05 : 2));
            int zp = TestKit.RandomZeroPoints(r, 1, type)[0];
            var input = new float[n];
            for (int i = 0; i < n; i++)
                input[i] = r.Next(8) switch
                {
                    0 => special[r.Next(special.Length)],
                    1 => (r.Next(-300, 300) + 0.5f) * scale,   // a tie after the division (most of the time)
                    2 => r.Next(-40000, 40000) * scale,        // saturates for 8-bit outputs
                    _ => (float)((r.NextDouble() - 0.5) * 300 * scale),
                };
            var shape = new[] { 1, n };
            var expected = new byte[n * type.SizeInBytes()];
            Quantize.FromFloatReference(input, new QuantizedOutput(expected, type, shape, new[] { zp }), new[] { scale });
            foreach (var path in SupportedFastPaths)
            {
                var actual = new byte[expected.Length];
                Assert.IsTrue(Quantize.TryFromFloatFast(path, input, new QuantizedOutput(actual, type, shape, new[] { zp }), new[] { scale }), $"{path} {type}");
                CollectionAssert.AreEqual(expected, actual, $"{n} floats to {type} (scale {scale}, zp {zp}) on {path}");
            }
        }
        // Per-channel scales and the reference path keep the reference kernel.
        Assert.IsFalse(Quantize.TryFromFloatFast(KernelPath.Vector128, new float[2], new QuantizedOutput(new byte[2], ElementType.Int8, new[] { 1, 2 }, new[] { 0, 0 }), new[] { 0.1f, 0.2f }));
        Assert.IsFalse(Quantize.TryFromFloatFast(KernelPath.Reference, new float[2], new QuantizedOutput(new byte[2], ElementType.Int8, new[] { 1, 2 }, new[] { 0 }), new[] { 0.1f }));
    }

    [TestMethod]
    public void Requantize_EveryPath_EqualsReference_ForChannelPeriodsAndLengths()
    {
        var r = new Random(507);
        for (int i = 0; i < 200; i++)
        {
            int channels = new[] { 1, 2, 3, 4, 5, 6, 8, 12, 16, 24, 67 }[r.Next(11)];
            int pixels = r.Next(0, 40);
            var inType = EightBit[r.Next(2)];
            var outType = OutputTypes[r.Next(3)];
            var shape = new[] { 1, 1, pixels, channels };
            var inQuant = QuantizationParams.PerAxis(3, Enumerable.Repeat(0.02f, channels).ToArray(), TestKit.RandomZeroPoints(r, channels, inType));
            var outQuant = QuantizationParams.PerAxis(3, Enumerable.Repeat(0.01f, channels).ToArray(), TestKit.RandomZeroPoints(r, channels, outType));
            var p = new QuantizeParams
            {
                Rounding = (RoundingMode)r.Next(2),
                Multipliers = Enumerable.Range(0, channels).Select(_ => QuantizedMultiplier.FromDouble(Math.Pow(2, r.Next(-6, 9)) * (0.5 + r.NextDouble()))).ToArray(),
                Offsets = r.Next(2) == 0 ? Array.Empty<int>() : Enumerable.Range(0, channels).Select(_ => r.Next(-3000, 3001)).ToArray(),
            };
            byte[] input = TestKit.RandomValues(r, pixels * channels, inType);
            var expected = new byte[pixels * channels * outType.SizeInBytes()];
            Quantize.RequantizeReference(new QuantizedInput(input, inType, shape, inQuant.ZeroPoints), new QuantizedOutput(expected, outType, shape, outQuant.ZeroPoints), p);
            var prepared = RequantizeTable.TryCreate(new TensorDefinition("x", inType, shape, inQuant), new TensorDefinition("y", outType, shape, outQuant), p)!;
            Assert.IsNotNull(prepared);
            foreach (var path in FastPaths)
            foreach (int parts in new[] { 1, 2, 3 })
            {
                var actual = new byte[expected.Length];
                bool ran = true;
                for (int part = 0; part < parts; part++)
                    ran &= Quantize.TryFast(path, new QuantizedInput(input, inType, shape, inQuant.ZeroPoints), new QuantizedOutput(actual, outType, shape, outQuant.ZeroPoints), prepared, part, parts);
                if (!ran) continue;
                CollectionAssert.AreEqual(expected, actual, $"case {i} path {path} parts {parts}: {pixels}x{channels} {inType}→{outType}");
            }
        }
    }

    /// <summary>A random requantizing pool of <paramref name="batches"/> images and the reference's bytes for it.</summary>
    private static (ElementType Type, int[] InShape, int[] OutShape, int[] InZps, int[] OutZps, GlobalAveragePoolParams P, VectorOutputStage Stage, byte[] Input, byte[] Expected)
        RandomPool(Random r, int batches)
    {
        int channels = Channels(r), h = r.Next(1, 12), w = r.Next(1, 12);
        var type = EightBit[r.Next(2)];
        bool perChannel = r.Next(2) == 0;
        var inZps = TestKit.RandomZeroPoints(r, perChannel ? channels : 1, type);
        var outZps = TestKit.RandomZeroPoints(r, 1, type);
        var multipliers = Enumerable.Range(0, perChannel ? channels : 1).Select(_ => QuantizedMultiplier.FromDouble((0.5 + r.NextDouble()) / (h * w))).ToArray();
        var p = new GlobalAveragePoolParams { Rounding = RoundingMode.DoubleRounding, Multipliers = multipliers };
        var inShape = new[] { batches, h, w, channels };
        var outShape = new[] { batches, 1, 1, channels };
        byte[] input = TestKit.RandomValues(r, batches * h * w * channels, type);
        var expected = new byte[batches * channels];
        GlobalAveragePool.Reference(new QuantizedInput(input, type, inShape, inZps), new QuantizedOutput(expected, type, outShape, outZps), p);
        var stage = VectorOutputStage.TryCreate(multipliers, p.Rounding, new[] { type.MinValue() }, new[] { type.MaxValue() }, channels, outZps)!;
        return (type, inShape, outShape, inZps, outZps, p, stage, input, expected);
    }

    [TestMethod]
    public void GlobalAveragePool_TfliteMeanForms_EveryPath_EqualsReference()
    {
        var r = new Random(509);
        int ran = 0;
        for (int i = 0; i < 150; i++)
        {
            int channels = Channels(r), h = r.Next(1, 16), w = r.Next(1, 16);
            var type = EightBit[r.Next(2)];
            var algorithm = (MeanAlgorithm)r.Next(3);
            var inZps = TestKit.RandomZeroPoints(r, 1, type);
            var outZps = TestKit.RandomZeroPoints(r, 1, type);
            var p = new GlobalAveragePoolParams
            {
                Rounding = (RoundingMode)r.Next(2), Algorithm = algorithm, TfliteBias = r.Next(-200, 200),
                Multipliers = new[] { QuantizedMultiplier.FromDouble((0.5 + r.NextDouble()) / (h * w)) },
            };
            var inShape = new[] { 1, h, w, channels };
            var outShape = new[] { 1, 1, 1, channels };
            byte[] input = TestKit.RandomValues(r, h * w * channels, type);
            var expected = new byte[channels];
            GlobalAveragePool.Reference(new QuantizedInput(input, type, inShape, inZps), new QuantizedOutput(expected, type, outShape, outZps), p);
            foreach (var path in SupportedFastPaths)
            {
                var actual = new byte[expected.Length];
                Assert.IsTrue(GlobalAveragePool.TryFastSums(path, new QuantizedInput(input, type, inShape, inZps), new QuantizedOutput(actual, type, outShape, outZps), p, new int[channels]));
                CollectionAssert.AreEqual(expected, actual, $"case {i} path {path}: {h}x{w}x{channels} {type} {algorithm}");
                ran++;
            }
        }
        // Every case on every path this machine has (none when hardware intrinsics are switched off).
        Assert.AreEqual(150 * SupportedFastPaths.Length, ran);
    }

    [TestMethod]
    public void GlobalAveragePool_EveryPath_EqualsReference()
    {
        var r = new Random(508);
        for (int i = 0; i < 200; i++)
        {
            var (type, inShape, outShape, inZps, outZps, p, stage, input, expected) = RandomPool(r, r.Next(1, 3));
            int batches = inShape[0], h = inShape[1], w = inShape[2], channels = inShape[3];
            foreach (var path in FastPaths)
            foreach (int parts in new[] { 1, 2, 3 })
            {
                var actual = new byte[expected.Length];
                bool ran = true;
                for (int part = 0; part < parts; part++)
                    ran &= GlobalAveragePool.TryFast(path, new QuantizedInput(input, type, inShape, inZps), new QuantizedOutput(actual, type, outShape, outZps), p, stage, new int[2 * ((channels + 7) / 8 * 8)], part, parts);
                if (!ran) continue;
                CollectionAssert.AreEqual(expected, actual, $"case {i} path {path} parts {parts}: {batches}x{h}x{w}x{channels} {type}");
            }
        }
    }

    [TestMethod]
    public void GlobalAveragePool_Int16Input_EveryPath_EqualsReference()
    {
        var r = new Random(514);
        for (int i = 0; i < 120; i++)
        {
            int channels = Channels(r), h = r.Next(1, 30), w = r.Next(1, 30), batches = r.Next(4) == 0 ? 2 : 1;
            var outType = OutputTypes[r.Next(3)];
            var inQ = QuantizationParams.PerTensor(0.001f, r.Next(3) == 0 ? r.Next(-50, 50) : 0);
            var outQ = QuantizationParams.PerTensor(outType == ElementType.Int16 ? 0.001f : 0.2f, TestKit.RandomZeroPoints(r, 1, outType)[0]);
            var p = Embedded.Runtime.Building.OutputStageBuilder.GlobalAveragePool(inQ, outQ, channels, h * w, (RoundingMode)r.Next(2));
            var inShape = new[] { batches, h, w, channels };
            var outShape = new[] { batches, 1, 1, channels };
            byte[] input = TestKit.RandomValues(r, batches * h * w * channels, ElementType.Int16);
            var expected = new byte[batches * channels * outType.SizeInBytes()];
            GlobalAveragePool.Reference(new QuantizedInput(input, ElementType.Int16, inShape, inQ.ZeroPoints), new QuantizedOutput(expected, outType, outShape, outQ.ZeroPoints), p);
            foreach (var path in FastPaths)
            {
                var actual = new byte[expected.Length];
                Assert.IsTrue(GlobalAveragePool.TryWide(path, new QuantizedInput(input, ElementType.Int16, inShape, inQ.ZeroPoints), new QuantizedOutput(actual, outType, outShape, outQ.ZeroPoints), p, new int[channels]));
                CollectionAssert.AreEqual(expected, actual, $"case {i} path {path}: {batches}x{h}x{w}x{channels} → {outType}");
            }
        }
    }

    [TestMethod]
    public void GlobalAveragePool_SummedInParts_EqualsReference()
    {
        var r = new Random(509);
        for (int i = 0; i < 200; i++)
        {
            var (type, inShape, outShape, inZps, outZps, _, stage, input, expected) = RandomPool(r, 1);
            int h = inShape[1], w = inShape[2], channels = inShape[3];
            foreach (var path in FastPaths)
            foreach (int parts in new[] { 1, 2, 3, 5, 13 })   // 13 parts: more parts than rows, some sum nothing
            {
                var sums = Enumerable.Range(0, parts).Select(_ => Enumerable.Repeat(unchecked((int)0xDEADBEEF), channels).ToArray()).ToArray();
                for (int part = 0; part < parts; part++)
                    GlobalAveragePool.SumPixels(path, new QuantizedInput(input, type, inShape, inZps), part, parts, sums[part]);
                var actual = new byte[channels];
                GlobalAveragePool.FinishSums(path, new QuantizedInput(input, type, inShape, inZps), new QuantizedOutput(actual, type, outShape, outZps), stage, sums);
                CollectionAssert.AreEqual(expected, actual, $"case {i} path {path} parts {parts}: {h}x{w}x{channels} {type}");
            }
        }
    }

    [TestMethod]
    public void WholeModel_EveryPath_GivesTheReferenceBytes_AndAllocatesNothing()
    {
        var model = EmbeddedModel.Load(Models.MobileNetV3SmallFile);
        var reference = model.CreateInterpreter(new InterpreterOptions { Path = KernelPath.Reference });
        Models.FillInput(reference, 5);
        reference.Invoke();
        var expected = reference.Output(0).Bytes.ToArray();
        foreach (var path in SupportedFastPaths)
        {
            var fast = model.CreateInterpreter(new InterpreterOptions { Path = path });
            Assert.AreEqual(path, fast.Path);
            Models.FillInput(fast, 5);
            fast.Invoke();
            CollectionAssert.AreEqual(expected, fast.Output(0).Bytes.ToArray(), $"path {path}");
            long allocated = Allocations.SteadyState(fast.Invoke);
            Assert.AreEqual(0L, allocated, $"path {path} allocated {allocated} bytes during inference");
        }
    }

    /// <summary>
    /// Concatenation: inputs copied unchanged move as runs of bytes, rescaled ones take the reference; random ranks 1–4,
    /// every axis, 8- and 16-bit elements, inputs of length 0 along the axis included.
    /// </summary>
    [TestMethod]
    public void Concat_FastOne_MatchesReference_OnRandomShapes()
    {
        var random = new Random(2107);
        for (int trial = 0; trial < 300; trial++)
        {
            var type = new[] { ElementType.Int8, ElementType.UInt8, ElementType.Int16 }[random.Next(3)];
            int rank = random.Next(1, 5), axis = random.Next(rank), count = random.Next(1, 5);
            var shape = Enumerable.Range(0, rank).Select(_ => random.Next(1, 6)).ToArray();
            var shapes = Enumerable.Range(0, count).Select(_ => { var s = (int[])shape.Clone(); s[axis] = random.Next(0, 5); return s; }).ToArray();
            var outShape = (int[])shape.Clone();
            outShape[axis] = shapes.Sum(s => s[axis]);
            int zero = type == ElementType.Int16 ? 0 : random.Next(-5, 6) + (type == ElementType.UInt8 ? 128 : 0);
            var q = QuantizationParams.PerTensor(0.1f, zero);
            var qs = shapes.Select(_ => random.Next(2) == 0 ? q : QuantizationParams.PerTensor(0.1f * (float)(0.3 + random.NextDouble()), zero)).ToArray();
            var p = new ConcatParams { Axis = axis, InputMultipliers = qs.Select(qi => qi.SameAs(q) ? new QuantizedMultiplier(0, 0) : Embedded.Runtime.Building.OutputStageBuilder.Requantize(qi, q, 1)[0]).ToArray() };
            var inputs = shapes.Select(s => TestKit.RandomValues(random, s.Aggregate(1, (x, y) => x * y), type)).ToArray();
            int outBytes = outShape.Aggregate(1, (x, y) => x * y) * type.SizeInBytes();
            byte[] expected = new byte[outBytes], actual = new byte[outBytes];
            int offset = 0;
            for (int k = 0; k < count; k++)
            {
                Concat.ReferenceOne(new QuantizedInput(inputs[k], type, shapes[k], qs[k].ZeroPoints), k, offset, new QuantizedOutput(expected, type, outShape, q.ZeroPoints), p);
                Concat.FastOne(new QuantizedInput(inputs[k], type, shapes[k], qs[k].ZeroPoints), k, offset, new QuantizedOutput(actual, type, outShape, q.ZeroPoints), p);
                offset += shapes[k][axis];
            }
            CollectionAssert.AreEqual(expected, actual, $"trial {trial}: {type} [{string.Join(",", outShape)}] axis {axis}");
        }
    }

    /// <summary>
    /// 16-bit activations throughout (depthwise, pointwise, squeeze-excite, residual adds, pools, the interpolated swish,
    /// the classifier): every path and thread count gives the reference's bytes, and allocates nothing.
    /// </summary>
    [TestMethod]
    public void WideModel_EveryPathAndThreadCount_GivesTheReferenceBytes_AndAllocatesNothing()
    {
        var model = EmbeddedModel.Load(Models.WideFile);
        var codes = model.Definition.Operators.Select(o => o.Code).ToHashSet();
        foreach (var code in new[] { OperatorCode.DepthwiseConv2D, OperatorCode.Add, OperatorCode.Mul, OperatorCode.FullyConnected, OperatorCode.InterpolatedTable })
            Assert.IsTrue(model.Definition.Operators.Any(o => o.Code == code && model.Definition.Tensors[o.Inputs[0]].Type == ElementType.Int16), $"no 16-bit {code}");
        var reference = model.CreateInterpreter(new InterpreterOptions { Path = KernelPath.Reference });
        Models.FillInput(reference, 6);
        reference.Invoke();
        var expected = reference.Output(0).Bytes.ToArray().Concat(reference.Output(1).Bytes.ToArray()).ToArray();
        foreach (var path in SupportedFastPaths)
        foreach (int threads in new[] { 1, 2, 3 })
        {
            using var fast = model.CreateInterpreter(new InterpreterOptions { Path = path, Threads = threads });
            Models.FillInput(fast, 6);
            fast.Invoke();
            CollectionAssert.AreEqual(expected, fast.Output(0).Bytes.ToArray().Concat(fast.Output(1).Bytes.ToArray()).ToArray(), $"path {path}, {threads} threads");
            if (threads > 1) continue;
            long allocated = Allocations.SteadyState(fast.Invoke);
            Assert.AreEqual(0L, allocated, $"path {path} allocated {allocated} bytes during inference");
        }
    }

    /// <summary>The layout, resize, class-map and detection operators allocate nothing per inference either (both detection styles).</summary>
    [TestMethod]
    public void SegmentationAndDetectionTails_AllocateNothingPerInference_OnEveryPath()
    {
        var models = new[] { Models.TinySegmentation(), Models.TinyDetection(), Models.TinyDetection(DetectionStyle.Torchvision) };
        foreach (var definition in models)
        foreach (var path in KernelPaths.Available)
        {
            using var interpreter = EmbeddedModel.Load(ModelWriter.Write(definition)).CreateInterpreter(new InterpreterOptions { Path = path });
            Models.FillInput(interpreter, 4);
            for (int i = 0; i < 3; i++) interpreter.Invoke();
            long allocated = Allocations.SteadyState(interpreter.Invoke);
            Assert.AreEqual(0L, allocated, $"{definition.Metadata.Name} on {path}: {allocated} bytes per round of inferences");
        }
    }

    [TestMethod]
    public void Threads_GiveIdenticalBytes_ForAnyCount_AndAllocateNothing()
    {
        var model = EmbeddedModel.Load(Models.MobileNetV3SmallFile);
        using var single = model.CreateInterpreter(new InterpreterOptions { Threads = 1 });
        Models.FillInput(single, 9);
        single.Invoke();
        var expected = single.Output(0).Bytes.ToArray();
        foreach (var path in SupportedFastPaths)
        foreach (int threads in new[] { 2, 3, 4 })
        {
            using var interpreter = model.CreateInterpreter(new InterpreterOptions { Path = path, Threads = threads });
            Assert.AreEqual(threads, interpreter.Threads);
            Models.FillInput(interpreter, 9);
            interpreter.Invoke();
            CollectionAssert.AreEqual(expected, interpreter.Output(0).Bytes.ToArray(), $"{path}, {threads} threads");
            for (int i = 0; i < 3; i++) interpreter.Invoke();   // warm-up: events create their wait handles once
            long allocated = Allocations.SteadyState(interpreter.Invoke, () => GC.GetAllocatedBytesForCurrentThread() + interpreter.WorkerAllocatedBytes);
            Assert.AreEqual(0L, allocated, $"{path}, {threads} threads: {allocated} bytes allocated by the caller and the workers per round of inferences");
            // Pauses longer than the pool's spin let the workers fall asleep: each inference must wake them again.
            for (int i = 0; i < 3; i++)
            {
                Thread.Sleep(2);
                Models.FillInput(interpreter, 9);   // the arena may reuse the input's bytes once it is consumed
                interpreter.Invoke();
                CollectionAssert.AreEqual(expected, interpreter.Output(0).Bytes.ToArray(), $"{path}, {threads} threads, after a pause");
            }
        }
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => model.CreateInterpreter(new InterpreterOptions { Threads = 0 }));
    }

    [TestMethod]
    public void UnsupportedPath_IsRefusedClearly()
    {
        var model = EmbeddedModel.Load(Models.TinyFile);
        foreach (KernelPath path in Enum.GetValues(typeof(KernelPath)))
        {
            if (KernelPaths.IsSupported(path)) Assert.AreEqual(path, model.CreateInterpreter(new InterpreterOptions { Path = path }).Path);
            else Assert.ThrowsExactly<PlatformNotSupportedException>(() => model.CreateInterpreter(new InterpreterOptions { Path = path }));
        }
        Assert.AreEqual(KernelPaths.Best, model.CreateInterpreter().Path);
    }
}
