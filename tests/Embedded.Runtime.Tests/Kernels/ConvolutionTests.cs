using System;
using System.Linq;
using Embedded.Runtime.Kernels;
using Embedded.Runtime.Model;
using Embedded.Runtime.Quantization;
using Embedded.Runtime.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Runtime.Tests.Kernels;

/// <summary>Conv2D, DepthwiseConv2D and FullyConnected reference kernels against the im2col oracle.</summary>
[TestClass]
public sealed class ConvolutionTests
{
    private static readonly ElementType[] ActivationTypes = { ElementType.Int8, ElementType.UInt8, ElementType.Int16 };
    private static readonly FusedActivation[] Activations = (FusedActivation[])Enum.GetValues(typeof(FusedActivation));

    private sealed record Case(int N, int H, int W, int Cin, int Cout, int KH, int KW, int Stride, int Dilation, Padding2D Pad, int Groups,
        ElementType InType, ElementType WType, ElementType OutType, FusedActivation Act, RoundingMode Rounding, bool PerChannelInput, bool Bias);

    private static Case RandomConvCase(Random r, int i)
    {
        int[] channelChoices = { 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 24, 33 };
        int groups = i % 5 == 0 ? new[] { 1, 2, 3 }[r.Next(3)] : 1;
        int cin = channelChoices[r.Next(channelChoices.Length)] * groups;
        int cout = channelChoices[r.Next(channelChoices.Length)] * groups;
        int k = new[] { 1, 1, 2, 3, 3, 5 }[r.Next(6)];
        int stride = new[] { 1, 1, 2, 2, 3 }[r.Next(5)];
        int dilation = k > 1 && r.Next(4) == 0 ? 2 : 1;
        int extent = (k - 1) * dilation + 1;
        int h = r.Next(1, 10), w = r.Next(1, 10);
        var pad = new Padding2D(r.Next(0, extent), r.Next(0, extent), r.Next(0, extent), r.Next(0, extent));
        // Keep the kernel inside the padded input.
        if (h + pad.Top + pad.Bottom < extent) h = extent;
        if (w + pad.Left + pad.Right < extent) w = extent;
        return new Case(r.Next(1, 3), h, w, cin, cout, k, k == 3 && r.Next(3) == 0 ? 1 : k, stride, dilation, pad, groups,
            ActivationTypes[r.Next(3)], r.Next(4) == 0 ? ElementType.UInt8 : ElementType.Int8, ActivationTypes[r.Next(3)],
            Activations[r.Next(Activations.Length)], (RoundingMode)r.Next(2), r.Next(2) == 0, r.Next(4) != 0);
    }

    [TestMethod]
    public void Conv2D_MatchesOracle_OverRandomShapesTypesAndActivations()
    {
        var random = new Random(10);
        long interior = 0, total = 0;
        for (int i = 0; i < 400; i++)
        {
            var c = RandomConvCase(random, i);
            int groupIn = c.Cin / c.Groups;
            var inZps = TestKit.RandomZeroPoints(random, c.PerChannelInput ? c.Cin : 1, c.InType);
            var wZps = TestKit.RandomZeroPoints(random, c.WType == ElementType.UInt8 ? 1 : c.Cout, c.WType);
            if (c.WType == ElementType.Int8) Array.Clear(wZps);
            var inShape = new[] { c.N, c.H, c.W, c.Cin };
            var wShape = new[] { c.Cout, c.KH, c.KW, groupIn };
            byte[] input = TestKit.RandomValues(random, inShape.Aggregate(1, (a, b) => a * b), c.InType);
            byte[] weights = TestKit.RandomValues(random, wShape.Aggregate(1, (a, b) => a * b), c.WType, c.WType == ElementType.Int8 ? -127 : 0);
            int[]? bias = c.Bias ? TestKit.RandomBias(random, c.Cout, 5000) : null;
            var p = new Conv2DParams
            {
                StrideH = c.Stride, StrideW = c.Stride, DilationH = c.Dilation, DilationW = c.Dilation, Padding = c.Pad, Groups = c.Groups,
                Output = TestKit.RandomStage(random, c.Cout, c.OutType, TestKit.RandomZeroPoints(random, 1, c.OutType), c.Act, c.Rounding,
                    Math.Sqrt(c.KH * c.KW * groupIn) * (c.InType == ElementType.Int16 ? 400_000 : 3000), perChannel: random.Next(3) != 0),
            };
            int[] xs = Values(input, c.InType), ws = Values(weights, c.WType);
            var expectedAcc = ConvOracle.Accumulators(xs, inShape, ch => inZps[inZps.Length == 1 ? 0 : ch], ws, wShape, o => wZps[wZps.Length == 1 ? 0 : o],
                bias, c.Stride, c.Stride, c.Dilation, c.Dilation, c.Pad.Top, c.Pad.Left, c.Pad.Bottom, c.Pad.Right, c.Groups, out int outH, out int outW);
            var outShape = new[] { c.N, outH, outW, c.Cout };
            var outZps = new[] { TestKit.RandomZeroPoints(random, 1, c.OutType)[0] };
            var output = new byte[expectedAcc.Length * c.OutType.SizeInBytes()];

            Conv2D.Reference(new QuantizedInput(input, c.InType, inShape, inZps), new QuantizedInput(weights, c.WType, wShape, wZps),
                bias, new QuantizedOutput(output, c.OutType, outShape, outZps), p);

            for (int k = 0; k < expectedAcc.Length; k++)
            {
                int expected = OutputStageMath.Apply(p.Output, k % c.Cout, expectedAcc[k], c.InType == ElementType.Int16, outZps[0]);
                Assert.AreEqual(expected, TestKit.Load(output, c.OutType, k), $"case {i} {c}: element {k}");
                int ch = p.Output.ClampMin.Length == 1 ? 0 : k % c.Cout;
                if (expected > p.Output.ClampMin[ch] && expected < p.Output.ClampMax[ch]) interior++;
                total++;
            }
        }
        // Guard against a vacuous sweep: ReLU-like activations clamp about half their outputs by design,
        // but a large share must land strictly inside the clamps.
        Assert.IsTrue(interior > total * 35 / 100, $"only {interior} of {total} outputs were unclamped");
    }

    [TestMethod]
    public void DepthwiseConv2D_MatchesOracle_AndEqualsGroupedConv()
    {
        var random = new Random(11);
        int[] channelChoices = { 1, 2, 3, 5, 8, 13, 16, 17, 31 };
        for (int i = 0; i < 300; i++)
        {
            int cin = channelChoices[random.Next(channelChoices.Length)];
            int multiplier = random.Next(4) == 0 ? 2 : 1;
            int cout = cin * multiplier;
            int k = new[] { 3, 3, 5, 1 }[random.Next(4)];
            int stride = random.Next(1, 3);
            int dilation = random.Next(5) == 0 ? 2 : 1;
            int extent = (k - 1) * dilation + 1;
            var pad = random.Next(3) switch
            {
                0 => Padding2D.None,
                1 => Padding2D.Symmetric(extent / 2),
                _ => new Padding2D(random.Next(extent), random.Next(extent), random.Next(extent), random.Next(extent)),
            };
            int h = random.Next(extent, 12), w = random.Next(extent, 12); // odd and even sizes
            var inType = ActivationTypes[random.Next(3)];
            var outType = ActivationTypes[random.Next(3)];
            var act = Activations[random.Next(Activations.Length)];
            var inShape = new[] { 1, h, w, cin };
            var inZps = TestKit.RandomZeroPoints(random, random.Next(2) == 0 ? cin : 1, inType);
            byte[] input = TestKit.RandomValues(random, h * w * cin, inType);
            byte[] weights = TestKit.RandomValues(random, k * k * cout, ElementType.Int8, -127);
            var wZps = new int[cout];
            int[] bias = TestKit.RandomBias(random, cout, 3000);
            var stage = TestKit.RandomStage(random, cout, outType, new[] { TestKit.RandomZeroPoints(random, 1, outType)[0] }, act, (RoundingMode)random.Next(2),
                k * (inType == ElementType.Int16 ? 400_000 : 3000));
            var p = new DepthwiseConv2DParams { StrideH = stride, StrideW = stride, DilationH = dilation, DilationW = dilation, Padding = pad, DepthMultiplier = multiplier, Output = stage };

            // Oracle: depthwise = grouped conv with one group per input channel, weights transposed to OHWI [Cout, KH, KW, 1].
            int[] ws = Values(weights, ElementType.Int8);
            var ohwi = new int[ws.Length];
            for (int ky = 0; ky < k; ky++) for (int kx = 0; kx < k; kx++) for (int o = 0; o < cout; o++)
                ohwi[(o * k + ky) * k + kx] = ws[(ky * k + kx) * cout + o];
            var acc = ConvOracle.Accumulators(Values(input, inType), inShape, c => inZps[inZps.Length == 1 ? 0 : c], ohwi, new[] { cout, k, k, 1 }, _ => 0,
                bias, stride, stride, dilation, dilation, pad.Top, pad.Left, pad.Bottom, pad.Right, cin, out int outH, out int outW);
            var outShape = new[] { 1, outH, outW, cout };
            var outZps = new[] { TestKit.RandomZeroPoints(random, 1, outType)[0] };
            var output = new byte[acc.Length * outType.SizeInBytes()];
            DepthwiseConv2D.Reference(new QuantizedInput(input, inType, inShape, inZps), new QuantizedInput(weights, ElementType.Int8, new[] { 1, k, k, cout }, wZps),
                bias, new QuantizedOutput(output, outType, outShape, outZps), p);

            var grouped = new byte[output.Length];
            var ohwiBytes = new byte[ohwi.Length];
            for (int j = 0; j < ohwi.Length; j++) ohwiBytes[j] = unchecked((byte)(sbyte)ohwi[j]);
            Conv2D.Reference(new QuantizedInput(input, inType, inShape, inZps), new QuantizedInput(ohwiBytes, ElementType.Int8, new[] { cout, k, k, 1 }, wZps),
                bias, new QuantizedOutput(grouped, outType, outShape, outZps),
                new Conv2DParams { StrideH = stride, StrideW = stride, DilationH = dilation, DilationW = dilation, Padding = pad, Groups = cin, Output = stage });
            CollectionAssert.AreEqual(grouped, output, $"case {i}: depthwise differs from grouped conv");

            for (int j = 0; j < acc.Length; j++)
                Assert.AreEqual(OutputStageMath.Apply(stage, j % cout, acc[j], inType == ElementType.Int16, outZps[0]), TestKit.Load(output, outType, j), $"case {i} element {j}");
        }
    }

    [TestMethod]
    public void FullyConnected_MatchesOracle()
    {
        var random = new Random(12);
        for (int i = 0; i < 200; i++)
        {
            int rows = random.Next(1, 4), depth = random.Next(1, 70), cout = random.Next(1, 40);
            var inType = ActivationTypes[random.Next(3)];
            var outType = ActivationTypes[random.Next(3)];
            var wType = random.Next(3) == 0 ? ElementType.UInt8 : ElementType.Int8;
            var inZps = TestKit.RandomZeroPoints(random, 1, inType);
            var wZps = wType == ElementType.UInt8 ? TestKit.RandomZeroPoints(random, random.Next(2) == 0 ? cout : 1, wType) : new[] { 0 };
            byte[] input = TestKit.RandomValues(random, rows * depth, inType);
            byte[] weights = TestKit.RandomValues(random, cout * depth, wType, wType == ElementType.Int8 ? -127 : 0);
            int[]? bias = random.Next(3) == 0 ? null : TestKit.RandomBias(random, cout, 10000);
            var stage = TestKit.RandomStage(random, cout, outType, new[] { 0 }, Activations[random.Next(Activations.Length)], (RoundingMode)random.Next(2),
                Math.Sqrt(depth) * (inType == ElementType.Int16 ? 400_000 : 3000));
            var outZps = TestKit.RandomZeroPoints(random, 1, outType);
            var output = new byte[rows * cout * outType.SizeInBytes()];
            FullyConnected.Reference(new QuantizedInput(input, inType, new[] { rows, depth }, inZps), new QuantizedInput(weights, wType, new[] { cout, depth }, wZps),
                bias, new QuantizedOutput(output, outType, new[] { rows, cout }, outZps), new FullyConnectedParams { Output = stage });

            // FC is a 1×1 convolution over a 1×1 image with `depth` channels.
            var acc = ConvOracle.Accumulators(Values(input, inType), new[] { rows, 1, 1, depth }, _ => inZps[0], Values(weights, wType), new[] { cout, 1, 1, depth },
                o => wZps[wZps.Length == 1 ? 0 : o], bias, 1, 1, 1, 1, 0, 0, 0, 0, 1, out _, out _);
            for (int j = 0; j < acc.Length; j++)
                Assert.AreEqual(OutputStageMath.Apply(stage, j % cout, acc[j], inType == ElementType.Int16, outZps[0]), TestKit.Load(output, outType, j), $"case {i} element {j}");
        }
    }

    [TestMethod]
    public void Conv2D_HandComputed_3x3SamePaddingWithZeroPoints()
    {
        // 3×3 input 1..9 (zp 1 → real 0..8), one 3×3 kernel of ones (zp 0), SAME padding, multiplier 1.
        var input = Enumerable.Range(1, 9).Select(v => (byte)(sbyte)v).ToArray();
        var weights = Enumerable.Repeat((byte)1, 9).ToArray();
        var stage = new OutputStage(FusedActivation.None, RoundingMode.DoubleRounding, new[] { QuantizedMultiplier.FromDouble(1.0) },
            Array.Empty<QuantizedMultiplier>(), new[] { -128 }, new[] { 127 });
        var output = new byte[9];
        Conv2D.Reference(new QuantizedInput(input, ElementType.Int8, new[] { 1, 3, 3, 1 }, new[] { 1 }),
            new QuantizedInput(weights, ElementType.Int8, new[] { 1, 3, 3, 1 }, new[] { 0 }), new[] { 10 },
            new QuantizedOutput(output, ElementType.Int8, new[] { 1, 3, 3, 1 }, new[] { -5 }),
            new Conv2DParams { Padding = Padding2D.Symmetric(1), Output = stage });
        // Sums of the real 3×3 neighbourhoods of [[0,1,2],[3,4,5],[6,7,8]], +10 bias, −5 zero point.
        int[] sums = { 8, 15, 12, 21, 36, 27, 20, 33, 24 };
        CollectionAssert.AreEqual(sums.Select(s => s + 10 - 5).ToArray(), output.Select(b => (int)(sbyte)b).ToArray());
    }

    private static int[] Values(byte[] bytes, ElementType type)
    {
        int n = bytes.Length / type.SizeInBytes();
        var v = new int[n];
        for (int i = 0; i < n; i++) v[i] = TestKit.Load(bytes, type, i);
        return v;
    }
}
