using System;
using System.Linq;
using Embedded.Runtime.Building;
using Embedded.Runtime.Kernels;
using Embedded.Runtime.Model;
using Embedded.Runtime.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Runtime.Tests.Kernels;

/// <summary>Average, max and global average pooling against direct computation over valid window cells.</summary>
[TestClass]
public sealed class PoolingTests
{
    [TestMethod]
    public void AveragePool_And_MaxPool_MatchDirectComputation_AllPaddingCases()
    {
        var random = new Random(40);
        for (int trial = 0; trial < 300; trial++)
        {
            var type = new[] { ElementType.Int8, ElementType.UInt8, ElementType.Int16 }[random.Next(3)];
            int fh = random.Next(1, 5), fw = random.Next(1, 5), stride = random.Next(1, 3);
            var pad = new Padding2D(random.Next(fh), random.Next(fw), random.Next(fh), random.Next(fw));
            int h = random.Next(Math.Max(1, fh - pad.Top - pad.Bottom), 10), w = random.Next(Math.Max(1, fw - pad.Left - pad.Right), 10);
            int c = new[] { 1, 3, 8, 17 }[random.Next(4)];
            int oh = (h + pad.Top + pad.Bottom - fh) / stride + 1, ow = (w + pad.Left + pad.Right - fw) / stride + 1;
            var p = new Pool2DParams { FilterH = fh, FilterW = fw, StrideH = stride, StrideW = stride, Padding = pad, ClampMin = new[] { type.MinValue() }, ClampMax = new[] { type.MaxValue() } };
            byte[] input = TestKit.RandomValues(random, h * w * c, type);
            var inShape = new[] { 1, h, w, c };
            var outShape = new[] { 1, oh, ow, c };
            var avg = new byte[oh * ow * c * type.SizeInBytes()];
            var max = new byte[avg.Length];
            AveragePool2D.Reference(new QuantizedInput(input, type, inShape, new[] { 0 }), new QuantizedOutput(avg, type, outShape, new[] { 0 }), p);
            MaxPool2D.Reference(new QuantizedInput(input, type, inShape, new[] { 0 }), new QuantizedOutput(max, type, outShape, new[] { 0 }), p);
            for (int y = 0; y < oh; y++) for (int x = 0; x < ow; x++) for (int ch = 0; ch < c; ch++)
            {
                var cells = (from dy in Enumerable.Range(0, fh)
                             from dx in Enumerable.Range(0, fw)
                             let iy = y * stride - pad.Top + dy
                             let ix = x * stride - pad.Left + dx
                             where iy >= 0 && iy < h && ix >= 0 && ix < w
                             select TestKit.Load(input, type, (iy * w + ix) * c + ch)).ToArray();
                int o = (y * ow + x) * c + ch;
                Assert.AreEqual((int)Math.Round(cells.Average(), MidpointRounding.AwayFromZero), TestKit.Load(avg, type, o), $"trial {trial} avg at {y},{x},{ch}");
                Assert.AreEqual(cells.Max(), TestKit.Load(max, type, o), $"trial {trial} max at {y},{x},{ch}");
            }
        }
    }

    [TestMethod]
    public void AveragePool_RoundsHalvesAwayFromZero()
    {
        // Window {−3, −2} averages −2.5 → −3; window {2, 3} averages 2.5 → 3.
        var input = new byte[] { unchecked((byte)-3), unchecked((byte)-2), 2, 3 };
        var output = new byte[2];
        var p = new Pool2DParams { FilterH = 1, FilterW = 2, StrideH = 1, StrideW = 2, ClampMin = new[] { -128 }, ClampMax = new[] { 127 } };
        AveragePool2D.Reference(new QuantizedInput(input, ElementType.Int8, new[] { 1, 1, 4, 1 }, new[] { 0 }), new QuantizedOutput(output, ElementType.Int8, new[] { 1, 1, 2, 1 }, new[] { 0 }), p);
        CollectionAssert.AreEqual(new[] { -3, 3 }, output.Select(b => (int)(sbyte)b).ToArray());
    }

    [TestMethod]
    public void GlobalAveragePool_IsWithinOneStepOfTheRealMean_PerChannelScales()
    {
        var random = new Random(41);
        int exact = 0, total = 0;
        for (int trial = 0; trial < 100; trial++)
        {
            var type = new[] { ElementType.Int8, ElementType.UInt8, ElementType.Int16 }[random.Next(3)];
            int h = random.Next(1, 15), w = random.Next(1, 15), c = random.Next(1, 40);
            bool perChannel = random.Next(2) == 0;
            float[] inScales = Enumerable.Range(0, perChannel ? c : 1).Select(_ => (float)(0.01 + random.NextDouble() * 0.05)).ToArray();
            int[] inZps = TestKit.RandomZeroPoints(random, inScales.Length, type);
            var qin = perChannel ? QuantizationParams.PerAxis(3, inScales, inZps) : QuantizationParams.PerTensor(inScales[0], inZps[0]);
            var qout = QuantizationParams.PerTensor(0.02f, TestKit.RandomZeroPoints(random, 1, type)[0]);
            byte[] input = TestKit.RandomValues(random, h * w * c, type);
            var output = new byte[c * type.SizeInBytes()];
            GlobalAveragePool.Reference(new QuantizedInput(input, type, new[] { 1, h, w, c }, qin.ZeroPoints), new QuantizedOutput(output, type, new[] { 1, 1, 1, c }, qout.ZeroPoints),
                OutputStageBuilder.GlobalAveragePool(qin, qout, c, h * w, (Embedded.Runtime.Quantization.RoundingMode)random.Next(2)));
            for (int ch = 0; ch < c; ch++)
            {
                double mean = Enumerable.Range(0, h * w).Average(i => qin.ScaleAt(perChannel ? ch : 0) * (double)(TestKit.Load(input, type, i * c + ch) - qin.ZeroPointAt(perChannel ? ch : 0)));
                int expected = (int)Math.Max(type.MinValue(), Math.Min(type.MaxValue(), Math.Round(mean / 0.02f, MidpointRounding.AwayFromZero) + qout.ZeroPoints[0]));
                int actual = TestKit.Load(output, type, ch);
                Assert.IsTrue(Math.Abs(actual - expected) <= 1, $"trial {trial} channel {ch}: {actual} vs {expected}");
                if (actual == expected) exact++;
                total++;
            }
        }
        Assert.IsTrue(exact > total * 0.9, $"only {exact}/{total} exact");
    }

    [TestMethod]
    public void GlobalAveragePool_TruncatedMean_DividesTheRawSumTowardsZero()
    {
        // TFLite Micro's integer mean for equal input and output quantization: 2·(−3) + 2·(−2) = −10, −10/4 → −2.
        byte[] input = { unchecked((byte)-3), 5, unchecked((byte)-3), 6, unchecked((byte)-2), 7, unchecked((byte)-2), 8 };
        var output = new byte[2];
        var p = new GlobalAveragePoolParams { Multipliers = new[] { new Embedded.Runtime.Quantization.QuantizedMultiplier(1 << 30, 1) }, Algorithm = MeanAlgorithm.TruncatedMean };
        GlobalAveragePool.Reference(new QuantizedInput(input, ElementType.Int8, new[] { 1, 2, 2, 2 }, new[] { 9 }), new QuantizedOutput(output, ElementType.Int8, new[] { 1, 1, 1, 2 }, new[] { 9 }), p);
        CollectionAssert.AreEqual(new sbyte[] { -2, 6 }, output.Select(b => (sbyte)b).ToArray());
    }
}
