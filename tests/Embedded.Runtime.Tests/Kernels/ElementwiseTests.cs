using System;
using System.Linq;
using Embedded.Runtime.Building;
using Embedded.Runtime.Kernels;
using Embedded.Runtime.Model;
using Embedded.Runtime.Quantization;
using Embedded.Runtime.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Runtime.Tests.Kernels;

/// <summary>Add, Mul and TableLookup against real-valued simulation; broadcasting and in-place use.</summary>
[TestClass]
public sealed class ElementwiseTests
{
    private static readonly int[][] BroadcastPairs4D =
    {
        new[] { 1, 5, 7, 9 }, new[] { 1, 5, 7, 9 },   // residual
        new[] { 1, 6, 5, 17 }, new[] { 1, 1, 1, 17 }, // squeeze-excite
        new[] { 2, 3, 4, 3 }, new[] { 2, 1, 4, 1 },
        new[] { 1, 1, 1, 1 }, new[] { 1, 4, 3, 5 },
    };

    private static QuantizationParams RandomQuant(Random r, ElementType type, int channels, bool perChannel, double range)
    {
        int n = perChannel ? channels : 1;
        var scales = new float[n];
        var zps = TestKit.RandomZeroPoints(r, n, type);
        for (int i = 0; i < n; i++) scales[i] = (float)(range / (type == ElementType.Int16 ? 65536 : 256) * (0.5 + r.NextDouble()));
        return perChannel ? QuantizationParams.PerAxis(3, scales, zps) : QuantizationParams.PerTensor(scales[0], zps[0]);
    }

    private static double Real(QuantizationParams q, int value, int channel) => q.ScaleAt(q.IsPerAxis ? channel : 0) * (double)(value - q.ZeroPointAt(q.IsPerAxis ? channel : 0));

    private static int Quantize(QuantizationParams q, ElementType type, double real, int channel) =>
        (int)Math.Max(type.MinValue(), Math.Min(type.MaxValue(), Math.Round(real / q.ScaleAt(q.IsPerAxis ? channel : 0), MidpointRounding.AwayFromZero) + q.ZeroPointAt(q.IsPerAxis ? channel : 0)));

    [TestMethod]
    public void Add_And_Mul_AreWithinOneStepOfRealArithmetic_WithBroadcastAndPerChannelScales()
    {
        var random = new Random(30);
        int exact = 0, total = 0;
        for (int trial = 0; trial < 200; trial++)
        {
            int pair = random.Next(BroadcastPairs4D.Length / 2);
            int[] shapeA = BroadcastPairs4D[2 * pair], shapeB = BroadcastPairs4D[2 * pair + 1];
            if (random.Next(2) == 0) (shapeA, shapeB) = (shapeB, shapeA);
            int[] outShape = shapeA.Zip(shapeB, Math.Max).ToArray();
            int channels = outShape[3];
            var type = new[] { ElementType.Int8, ElementType.UInt8, ElementType.Int16 }[random.Next(3)];
            var rounding = (RoundingMode)random.Next(2);
            bool perChannel = random.Next(2) == 0;
            var qa = RandomQuant(random, type, shapeA[3], perChannel && shapeA[3] == channels, 8);
            var qb = RandomQuant(random, type, shapeB[3], perChannel && shapeB[3] == channels, 3);
            bool isMul = trial % 2 == 1;
            var qo = RandomQuant(random, type, channels, perChannel, isMul ? 24 : 11);
            byte[] a = TestKit.RandomValues(random, shapeA.Aggregate(1, (x, y) => x * y), type);
            byte[] b = TestKit.RandomValues(random, shapeB.Aggregate(1, (x, y) => x * y), type);
            var output = new byte[outShape.Aggregate(1, (x, y) => x * y) * type.SizeInBytes()];
            var inA = new QuantizedInput(a, type, shapeA, qa.ZeroPoints);
            var inB = new QuantizedInput(b, type, shapeB, qb.ZeroPoints);
            var outView = new QuantizedOutput(output, type, outShape, qo.ZeroPoints);
            if (isMul) Mul.Reference(inA, inB, outView, OutputStageBuilder.Mul(qa, qb, qo, type, channels, rounding));
            else Add.Reference(inA, inB, outView, OutputStageBuilder.Add(qa, qb, qo, type, channels, rounding, type == ElementType.Int16 ? 15 : 20));

            for (int i = 0; i < output.Length / type.SizeInBytes(); i++)
            {
                // Broadcast by coordinates (independent of the kernel's index mapping).
                int c = i % outShape[3], w = i / outShape[3] % outShape[2], h = i / (outShape[3] * outShape[2]) % outShape[1], n = i / (outShape[3] * outShape[2] * outShape[1]);
                int Index(int[] s) => (((n % s[0]) * s[1] + h % s[1]) * s[2] + w % s[2]) * s[3] + c % s[3];
                int ca = c % shapeA[3], cb = c % shapeB[3];
                double ra = Real(qa, TestKit.Load(a, type, Index(shapeA)), ca), rb = Real(qb, TestKit.Load(b, type, Index(shapeB)), cb);
                int expected = Quantize(qo, type, isMul ? ra * rb : ra + rb, c);
                int actual = TestKit.Load(output, type, i);
                Assert.IsTrue(Math.Abs(actual - expected) <= 1, $"trial {trial} {(isMul ? "Mul" : "Add")} {type}: element {i} = {actual}, expected {expected}");
                if (actual == expected) exact++;
                total++;
            }
        }
        Assert.IsTrue(exact > total * 0.9, $"only {exact}/{total} exact");
    }

    [TestMethod]
    public void Sub_BothTfliteRoundings_SubtractWithinOneStep_AndDifferOnlyOnTies()
    {
        var random = new Random(77);
        int differ = 0;
        for (int trial = 0; trial < 200; trial++)
        {
            float s1 = (float)(0.01 + random.NextDouble() * 0.1), s2 = (float)(0.01 + random.NextDouble() * 0.1), so = (float)(0.01 + random.NextDouble() * 0.2);
            double twiceMax = 2.0 * Math.Max(s1, s2);
            AddParams Params(SubtractMode mode) => new()
            {
                Subtract = mode, Input1Multipliers = new[] { QuantizedMultiplier.FromDouble(s1 / twiceMax) }, Input2Multipliers = new[] { QuantizedMultiplier.FromDouble(s2 / twiceMax) },
                OutputMultipliers = new[] { QuantizedMultiplier.FromDouble(twiceMax / ((1 << 20) * (double)so)) }, ClampMin = new[] { -128 }, ClampMax = new[] { 127 },
            };
            byte[] a = TestKit.RandomValues(random, 64, ElementType.Int8), b = TestKit.RandomValues(random, 64, ElementType.Int8);
            var negated = new byte[64];
            var subtracted = new byte[64];
            var shape = new[] { 1, 1, 8, 8 };
            Add.Reference(new QuantizedInput(a, ElementType.Int8, shape, new[] { 3 }), new QuantizedInput(b, ElementType.Int8, shape, new[] { -5 }), new QuantizedOutput(negated, ElementType.Int8, shape, new[] { 1 }), Params(SubtractMode.NegatedMultiplier));
            Add.Reference(new QuantizedInput(a, ElementType.Int8, shape, new[] { 3 }), new QuantizedInput(b, ElementType.Int8, shape, new[] { -5 }), new QuantizedOutput(subtracted, ElementType.Int8, shape, new[] { 1 }), Params(SubtractMode.SubtractProduct));
            for (int i = 0; i < 64; i++)
            {
                double real = (s1 * ((sbyte)a[i] - 3) - s2 * ((sbyte)b[i] + 5)) / so + 1;
                double expected = Math.Max(-128, Math.Min(127, Math.Round(real)));
                Assert.IsTrue(Math.Abs((sbyte)negated[i] - expected) <= 1 && Math.Abs((sbyte)subtracted[i] - expected) <= 1, $"trial {trial} [{i}]");
                Assert.IsTrue(Math.Abs((sbyte)negated[i] - (sbyte)subtracted[i]) <= 1);
                if (negated[i] != subtracted[i]) differ++;
            }
        }
        Assert.IsTrue(differ < 200 * 64 / 50, $"the two roundings differ on {differ} of {200 * 64} values; they should only on ties");
    }

    [TestMethod]
    public void Add_InPlace_GivesTheSameResultAsOutOfPlace()
    {
        var random = new Random(31);
        var q = QuantizationParams.PerTensor(0.05f, 3);
        var shape = new[] { 1, 3, 5, 7 };
        byte[] a = TestKit.RandomValues(random, 105, ElementType.Int8);
        byte[] b = TestKit.RandomValues(random, 105, ElementType.Int8);
        var p = OutputStageBuilder.Add(q, q, q, ElementType.Int8, 7);
        var separate = new byte[105];
        Add.Reference(new QuantizedInput(a, ElementType.Int8, shape, q.ZeroPoints), new QuantizedInput(b, ElementType.Int8, shape, q.ZeroPoints),
            new QuantizedOutput(separate, ElementType.Int8, shape, q.ZeroPoints), p);
        var inPlace = (byte[])a.Clone();
        Add.Reference(new QuantizedInput(inPlace, ElementType.Int8, shape, q.ZeroPoints), new QuantizedInput(b, ElementType.Int8, shape, q.ZeroPoints),
            new QuantizedOutput(inPlace, ElementType.Int8, shape, q.ZeroPoints), p);
        CollectionAssert.AreEqual(separate, inPlace);
    }

    [TestMethod]
    public void TableLookup_AppliesTheFunctionPerChannelGroup()
    {
        var random = new Random(32);
        foreach (var type in new[] { ElementType.Int8, ElementType.UInt8 })
        foreach (int tables in new[] { 3, 9 })
        {
            int channels = 9;
            var scales = Enumerable.Range(0, channels).Select(c => 0.02f + 0.01f * (c / 3)).ToArray();
            var qin = QuantizationParams.PerAxis(1, scales, TestKit.Fill(channels, type == ElementType.Int8 ? 5 : 128));
            var qout = QuantizationParams.PerTensor(1f / 256, type == ElementType.Int8 ? -128 : 0);
            Func<double, double> sigmoid = x => 1 / (1 + Math.Exp(-x));
            var p = OutputStageBuilder.Table(sigmoid, qin, type, qout, type, channels, tables);
            byte[] input = TestKit.RandomValues(random, 4 * channels, type);
            var output = new byte[input.Length];
            TableLookup.Reference(new QuantizedInput(input, type, new[] { 4, channels }, qin.ZeroPoints), new QuantizedOutput(output, type, new[] { 4, channels }, qout.ZeroPoints), p);
            for (int i = 0; i < input.Length; i++)
            {
                int c = i % channels;
                int scaleChannel = c / (channels / tables) * (channels / tables);
                double real = sigmoid(scales[scaleChannel] * (TestKit.Load(input, type, i) - qin.ZeroPointAt(c)));
                Assert.AreEqual(Quantize(qout, type, real, 0), TestKit.Load(output, type, i), $"{type} tables={tables} element {i}");
            }
        }
        // One table for channels quantized differently would apply one channel's scale to all: refused.
        var differing = QuantizationParams.PerAxis(1, Enumerable.Range(0, 9).Select(c => 0.02f + 0.01f * (c / 3)).ToArray(), new int[9]);
        Assert.ThrowsExactly<ArgumentException>(() => OutputStageBuilder.Table(x => x, differing, ElementType.Int8, QuantizationParams.PerTensor(0.1f, 0), ElementType.Int8, 9, 1));
        Assert.ThrowsExactly<ArgumentException>(() => OutputStageBuilder.Table(x => x, QuantizationParams.PerTensor(0.1f, 0), ElementType.Int8, differing, ElementType.Int8, 9, 1));
    }

    [TestMethod]
    public void InterpolatedTable_HitsEverySample_InterpolatesLines_AndExtrapolatesTheEndSegments()
    {
        var random = new Random(21);
        for (int shift = 0; shift <= InterpolatedTableParams.MaxShift; shift++)
        {
            // A line through the samples: y = a·x + b, sampled exactly; between and beyond the samples the
            // interpolation is that line to within the half step of its rounding (and int16 saturation).
            double a = random.NextDouble() * 1.5 - 0.75, b0 = random.Next(-2000, 2000);
            var samples = new int[InterpolatedTableParams.Entries];
            for (int i = 0; i < samples.Length; i++) samples[i] = (int)Math.Round(a * ((i - 256) << shift) + b0);
            for (int i = 0; i < samples.Length; i++)
            {
                int x = (i - 256) << shift;
                if (x >= short.MinValue && x <= short.MaxValue) Assert.AreEqual(Math.Clamp(samples[i], short.MinValue, short.MaxValue), InterpolatedTable.At(samples, shift, x), $"sample {i}, shift {shift}");
            }
            for (int k = 0; k < 2000; k++)
            {
                int x = random.Next(short.MinValue, short.MaxValue + 1);
                double line = Math.Clamp(a * x + b0, short.MinValue, short.MaxValue);
                // Beyond the samples, the end segment's rounded slope (off by ≤ 1 per segment) is carried along.
                double beyond = Math.Max(0, Math.Abs(x) - (256 << shift)) / (double)(1 << shift);
                Assert.AreEqual(line, InterpolatedTable.At(samples, shift, x), 1.5 + beyond, $"x = {x}, shift {shift}");
            }
        }
    }

    [TestMethod]
    public void InterpolatedTable_InPlace_GivesTheSameResult_AndSaturates()
    {
        var samples = Enumerable.Range(0, InterpolatedTableParams.Entries).Select(i => (i - 256) * 300).ToArray();
        var p = new InterpolatedTableParams { Shift = 3, Samples = samples.Select(v => Math.Clamp(v, -32768, 32767)).ToArray() };
        var random = new Random(5);
        var input = new byte[2 * 999];
        random.NextBytes(input);
        var shape = new[] { 1, 999 };
        var output = new byte[input.Length];
        InterpolatedTable.Reference(new QuantizedInput(input, ElementType.Int16, shape, new[] { 0 }), new QuantizedOutput(output, ElementType.Int16, shape, new[] { 0 }), p);
        var inPlace = (byte[])input.Clone();
        InterpolatedTable.Reference(new QuantizedInput(inPlace, ElementType.Int16, shape, new[] { 0 }), new QuantizedOutput(inPlace, ElementType.Int16, shape, new[] { 0 }), p);
        CollectionAssert.AreEqual(output, inPlace);
        // y ≈ 300/8·x: beyond ±874 the line leaves int16, so the output saturates.
        Assert.AreEqual(short.MaxValue, InterpolatedTable.At(p.Samples, 3, 2000));
        Assert.AreEqual(short.MinValue, InterpolatedTable.At(p.Samples, 3, -2000));
    }

    [TestMethod]
    public void InterpolatedTableBuilder_FollowsTheFunction_WithinTheInterpolationError()
    {
        Func<double, double> sigmoid = v => 1 / (1 + Math.Exp(-v));
        double inScale = 8.0 / 32768, outScale = 1.0 / 32768;
        var p = OutputStageBuilder.InterpolatedTable(sigmoid, inScale, outScale, 8 / inScale);
        Assert.AreEqual(InterpolatedTableParams.MaxShift, p.Shift);
        for (int x = short.MinValue; x <= short.MaxValue; x += 37)
            Assert.AreEqual(sigmoid(x * inScale) / outScale, InterpolatedTable.At(p.Samples, p.Shift, x), 4, $"x = {x}");
        Assert.AreEqual(2, OutputStageBuilder.InterpolatedTable(sigmoid, inScale, outScale, 1000).Shift, "256·2^2 = 1024 ≥ 1000");
    }
}
