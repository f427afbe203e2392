using System;
using System.Linq;
using Embedded.Runtime.Building;
using Embedded.Runtime.Kernels;
using Embedded.Runtime.Model;
using Embedded.Runtime.Quantization;
using Embedded.Runtime.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Runtime.Tests.Kernels;

/// <summary>Concat, Pad, Reshape, Softmax, Quantize and Dequantize.</summary>
[TestClass]
public sealed class DataMovementTests
{
    [TestMethod]
    public void Concat_PlacesEachInputAlongEveryAxis_AndRescalesWhenScalesDiffer()
    {
        var random = new Random(50);
        for (int axis = 0; axis < 4; axis++)
        {
            var shapes = new[] { new[] { 2, 3, 4, 5 }, new[] { 2, 3, 4, 5 } };
            shapes[1][axis] = 2;
            var outShape = (int[])shapes[0].Clone();
            outShape[axis] += 2;
            var q = QuantizationParams.PerTensor(0.1f, 4);
            var q2 = QuantizationParams.PerTensor(0.05f, -2);
            byte[] a = TestKit.RandomValues(random, 120, ElementType.Int8);
            int countB = shapes[1].Aggregate(1, (x, y) => x * y), countOut = outShape.Aggregate(1, (x, y) => x * y);
            byte[] b = TestKit.RandomValues(random, countB, ElementType.Int8);
            var output = new byte[countOut];
            var p = new ConcatParams { Axis = axis, InputMultipliers = new[] { new QuantizedMultiplier(0, 0), OutputStageBuilder.Requantize(q2, q, 1)[0] } };
            var outView = new QuantizedOutput(output, ElementType.Int8, outShape, q.ZeroPoints);
            Concat.ReferenceOne(new QuantizedInput(a, ElementType.Int8, shapes[0], q.ZeroPoints), 0, 0, outView, p);
            Concat.ReferenceOne(new QuantizedInput(b, ElementType.Int8, shapes[1], q2.ZeroPoints), 1, shapes[0][axis], outView, p);
            for (int i = 0; i < countOut; i++)
            {
                var coord = Coordinates(i, outShape);
                int actual = (sbyte)output[i];
                if (coord[axis] < shapes[0][axis])
                    Assert.AreEqual((int)(sbyte)a[Flat(coord, shapes[0])], actual, $"axis {axis} element {i}");
                else
                {
                    coord[axis] -= shapes[0][axis];
                    double real = 0.05 * ((sbyte)b[Flat(coord, shapes[1])] + 2);
                    int expected = (int)Math.Max(-128, Math.Min(127, Math.Round(real / 0.1, MidpointRounding.AwayFromZero) + 4));
                    Assert.IsTrue(Math.Abs(expected - actual) <= 1, $"axis {axis} element {i}: {actual} vs {expected}");
                }
            }
        }
    }

    [TestMethod]
    public void GatherChannels_TakesTheIndexedChannelOfEveryPixel_8And16Bit()
    {
        var random = new Random(55);
        foreach (var type in new[] { ElementType.Int8, ElementType.UInt8, ElementType.Int16 })
        {
            var indices = new[] { 4, 0, 0, 2 };
            byte[] input = TestKit.RandomValues(random, 3 * 5, type);
            var output = new byte[3 * indices.Length * type.SizeInBytes()];
            GatherChannels.Reference(new QuantizedInput(input, type, new[] { 1, 3, 5 }, new[] { 0 }), new QuantizedOutput(output, type, new[] { 1, 3, 4 }, new[] { 0 }),
                new GatherChannelsParams { Indices = indices });
            for (int pixel = 0; pixel < 3; pixel++)
            for (int j = 0; j < indices.Length; j++)
                Assert.AreEqual(TestKit.Load(input, type, pixel * 5 + indices[j]), TestKit.Load(output, type, pixel * 4 + j), $"{type} pixel {pixel} channel {j}");
        }
    }

    [TestMethod]
    public void Resize_IntegerBilinearIsTheExactlyRoundedInterpolation_NearestCopies_FloatFollowsTflite()
    {
        var random = new Random(56);
        foreach (var type in new[] { ElementType.Int8, ElementType.UInt8, ElementType.Int16 })
        {
            var p = FastPathTests.RandomResize(random, ResizeMode.BilinearInteger, 3, 4, 7, 5);
            byte[] input = TestKit.RandomValues(random, 3 * 4 * 2, type);
            var output = new byte[7 * 5 * 2 * type.SizeInBytes()];
            Resize.Reference(new QuantizedInput(input, type, new[] { 1, 3, 4, 2 }, new[] { 0 }), new QuantizedOutput(output, type, new[] { 1, 7, 5, 2 }, new[] { 0 }), p);
            for (int oy = 0; oy < 7; oy++)
            for (int ox = 0; ox < 5; ox++)
            for (int c = 0; c < 2; c++)
            {
                double fy = p.RowWeights[oy] / 1024.0, fx = p.ColumnWeights[ox] / 1024.0;
                int At(int y, int x) => TestKit.Load(input, type, (y * 4 + x) * 2 + c);
                double real = At(p.RowLower[oy], p.ColumnLower[ox]) * (1 - fy) * (1 - fx) + At(p.RowLower[oy], p.ColumnUpper[ox]) * (1 - fy) * fx
                    + At(p.RowUpper[oy], p.ColumnLower[ox]) * fy * (1 - fx) + At(p.RowUpper[oy], p.ColumnUpper[ox]) * fy * fx;
                Assert.AreEqual((int)Math.Round(real, MidpointRounding.AwayFromZero), TestKit.Load(output, type, (oy * 5 + ox) * 2 + c), $"{type} ({oy},{ox},{c})");
            }
        }
        // Nearest: a copy of the named cell; TFLite's float bilinear (2×2 → 3×3, align_corners): the centre is the mean + 0.5, truncated.
        var nearest = new ResizeParams { Mode = ResizeMode.Nearest, RowLower = new[] { 1, 0 }, RowUpper = new[] { 1, 0 }, ColumnLower = new[] { 0, 0, 1 }, ColumnUpper = new[] { 0, 0, 1 } };
        var cells = new byte[] { 1, 2, 3, 4 };
        var copied = new byte[6];
        Resize.Reference(new QuantizedInput(cells, ElementType.UInt8, new[] { 1, 2, 2, 1 }, new[] { 0 }), new QuantizedOutput(copied, ElementType.UInt8, new[] { 1, 2, 3, 1 }, new[] { 0 }), nearest);
        CollectionAssert.AreEqual(new byte[] { 3, 3, 4, 1, 1, 2 }, copied);
        var taps = new[] { 0, 0, 1 };
        var bilinear = new ResizeParams { Mode = ResizeMode.BilinearFloat, RowLower = taps, RowUpper = new[] { 0, 1, 1 }, ColumnLower = taps, ColumnUpper = new[] { 0, 1, 1 },
            RowFractions = new[] { 0f, 0.5f, 0f }, ColumnFractions = new[] { 0f, 0.5f, 0f } };
        var corners = new byte[] { 10, 20, 30, 41 };
        var resized = new byte[9];
        Resize.Reference(new QuantizedInput(corners, ElementType.UInt8, new[] { 1, 2, 2, 1 }, new[] { 0 }), new QuantizedOutput(resized, ElementType.UInt8, new[] { 1, 3, 3, 1 }, new[] { 0 }), bilinear);
        CollectionAssert.AreEqual(new byte[] { 10, 15, 20, 20, 25, 31, 30, 36, 41 }, resized, "(10+20)/2 = 15, (10+20+30+41)/4 + 0.5 = 25.75 → 25, (30+41)/2 + 0.5 = 36");
    }

    [TestMethod]
    public void ArgMax_GivesTheFirstIndexOfTheLargestValue_AsInt32OrInt64()
    {
        var input = new byte[] { unchecked((byte)-5), 7, 7, 0, unchecked((byte)-128), unchecked((byte)-3), unchecked((byte)-3), unchecked((byte)-100) };
        var int64 = new byte[16];
        ArgMax.Reference(new QuantizedInput(input, ElementType.Int8, new[] { 1, 2, 4 }, new[] { 0 }), int64, ElementType.Int64);
        CollectionAssert.AreEqual(new long[] { 1, 1 }, new[] { BitConverter.ToInt64(int64, 0), BitConverter.ToInt64(int64, 8) });
        var int32 = new byte[8];
        ArgMax.Reference(new QuantizedInput(input, ElementType.UInt8, new[] { 1, 2, 4 }, new[] { 0 }), int32, ElementType.Int32);
        CollectionAssert.AreEqual(new[] { 0, 1 }, new[] { BitConverter.ToInt32(int32, 0), BitConverter.ToInt32(int32, 4) }, "as uint8: 251 leads the first row, the first 253 the second");
    }

    [TestMethod]
    public void Pad_FillsTheZeroPointAndCopiesTheInside_PerChannelFill()
    {
        var random = new Random(51);
        var inShape = new[] { 1, 3, 4, 5 };
        byte[] input = TestKit.RandomValues(random, 60, ElementType.UInt8);
        var zps = new[] { 10, 20, 30, 40, 50 };
        var p = new PadParams { Before = new[] { 0, 1, 0, 0 }, After = new[] { 0, 2, 3, 0 } };
        var outShape = new[] { 1, 6, 7, 5 };
        var output = new byte[210];
        Pad.Reference(new QuantizedInput(input, ElementType.UInt8, inShape, zps), new QuantizedOutput(output, ElementType.UInt8, outShape, zps), p);
        for (int i = 0; i < 210; i++)
        {
            var c = Coordinates(i, outShape);
            bool inside = c[1] >= 1 && c[1] < 4 && c[2] < 4;
            int expected = inside ? input[Flat(new[] { 0, c[1] - 1, c[2], c[3] }, inShape)] : zps[c[3]];
            Assert.AreEqual(expected, output[i], $"element {i}");
        }
    }

    [TestMethod]
    public void Reshape_CopiesBytes_AndInPlaceIsANoOp()
    {
        var data = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var copy = new byte[32];
        Reshape.Reference(data, copy);
        CollectionAssert.AreEqual(data, copy);
        Reshape.Reference(data, data);
        CollectionAssert.AreEqual(copy, data);
        // Overlapping but shifted buffers behave like memmove.
        var buffer = Enumerable.Range(0, 40).Select(i => (byte)i).ToArray();
        Reshape.Reference(buffer.AsSpan(0, 32), buffer.AsSpan(8, 32));
        CollectionAssert.AreEqual(copy, buffer.Skip(8).ToArray());
    }

    [TestMethod]
    public void Softmax_FixedPointMode_IsWithinOneStepOfTheRealSoftmax()
    {
        var random = new Random(53);
        for (int trial = 0; trial < 50; trial++)
        {
            var type = random.Next(2) == 0 ? ElementType.Int8 : ElementType.UInt8;
            float inScale = (float)(0.02 + random.NextDouble() * 0.2);
            int inZp = TestKit.RandomZeroPoints(random, 1, type)[0];
            int rows = random.Next(1, 4), depth = random.Next(1, 1002);
            byte[] input = TestKit.RandomValues(random, rows * depth, type);
            var p = new SoftmaxParams { Beta = 1, ExpTable = SoftmaxParams.BuildExpTable(inScale, 1), FixedPointExp = SoftmaxParams.BuildFixedPointExp(inScale, 1) };
            var output = new byte[rows * depth];
            Softmax.Reference(new QuantizedInput(input, type, new[] { rows, depth }, new[] { inZp }), output, type, 1f / 256, type.MinValue(), p);
            for (int r = 0; r < rows; r++)
            {
                var logits = Enumerable.Range(0, depth).Select(i => inScale * (double)(TestKit.Load(input, type, r * depth + i) - inZp)).ToArray();
                double max = logits.Max(), sum = logits.Sum(l => Math.Exp(l - max));
                for (int i = 0; i < depth; i++)
                {
                    double expected = Math.Min(type.MaxValue(), Math.Round(Math.Exp(logits[i] - max) / sum * 256) + type.MinValue());
                    Assert.IsTrue(Math.Abs(TestKit.Load(output, type, r * depth + i) - expected) <= 1, $"trial {trial} row {r} [{i}]");
                }
            }
        }
    }

    [TestMethod]
    public void Softmax_MatchesTheRealSoftmax_ForFloatInt8AndUInt8Outputs()
    {
        var random = new Random(52);
        for (int trial = 0; trial < 50; trial++)
        {
            var inType = random.Next(2) == 0 ? ElementType.Int8 : ElementType.UInt8;
            float inScale = (float)(0.02 + random.NextDouble() * 0.2);
            int inZp = TestKit.RandomZeroPoints(random, 1, inType)[0];
            int rows = random.Next(1, 4), depth = random.Next(1, 1002);
            byte[] input = TestKit.RandomValues(random, rows * depth, inType);
            var p = new SoftmaxParams { Beta = 1, ExpTable = SoftmaxParams.BuildExpTable(inScale, 1) };
            var view = new QuantizedInput(input, inType, new[] { rows, depth }, new[] { inZp });
            var floats = new byte[rows * depth * 4];
            var int8 = new byte[rows * depth];
            var uint8 = new byte[rows * depth];
            Softmax.Reference(view, floats, ElementType.Float32, 1, 0, p);
            Softmax.Reference(view, int8, ElementType.Int8, 1f / 256, -128, p);
            Softmax.Reference(view, uint8, ElementType.UInt8, 1f / 256, 0, p);
            var probabilities = Elements.AsFloats(floats).ToArray();
            for (int r = 0; r < rows; r++)
            {
                var logits = Enumerable.Range(0, depth).Select(i => inScale * (double)(TestKit.Load(input, inType, r * depth + i) - inZp)).ToArray();
                double max = logits.Max();
                double sum = logits.Sum(l => Math.Exp(l - max));
                Assert.AreEqual(1.0, probabilities.Skip(r * depth).Take(depth).Sum(), 1e-4);
                for (int i = 0; i < depth; i++)
                {
                    double expected = Math.Exp(logits[i] - max) / sum;
                    Assert.AreEqual(expected, probabilities[r * depth + i], 1e-6 + expected * 1e-5, $"trial {trial} float");
                    Assert.IsTrue(Math.Abs((sbyte)int8[r * depth + i] - Math.Min(127, Math.Round(expected * 256) - 128)) <= 1, $"trial {trial} int8");
                    Assert.IsTrue(Math.Abs(uint8[r * depth + i] - Math.Min(255, Math.Round(expected * 256))) <= 1, $"trial {trial} uint8");
                }
            }
        }
    }

    [TestMethod]
    public void Quantize_FromFloat_RoundsHalfAwayAndSaturates_NaNBecomesZeroPoint()
    {
        var input = new[] { 0f, 0.25f, -0.25f, 0.75f, 1000f, -1000f, float.NaN, float.PositiveInfinity, 0.049f };
        var output = new byte[input.Length];
        Quantize.FromFloatReference(input, new QuantizedOutput(output, ElementType.Int8, new[] { input.Length }, new[] { 3 }), new[] { 0.5f });
        // 0.25/0.5 = 0.5 → 1 (away), −0.5 → −1, 1.5 → 2; +3 zero point.
        CollectionAssert.AreEqual(new[] { 3, 4, 2, 5, 127, -128, 3, 127, 3 }, output.Select(b => (int)(sbyte)b).ToArray());
    }

    [TestMethod]
    public void Quantize_Requantize_UInt8PixelsToInt8_IsExactForAShiftOf128()
    {
        var input = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var output = new byte[256];
        var p = new QuantizeParams { Multipliers = new[] { QuantizedMultiplier.FromDouble(1.0) } };
        Quantize.RequantizeReference(new QuantizedInput(input, ElementType.UInt8, new[] { 256 }, new[] { 128 }), new QuantizedOutput(output, ElementType.Int8, new[] { 256 }, new[] { 0 }), p);
        CollectionAssert.AreEqual(Enumerable.Range(-128, 256).ToArray(), output.Select(b => (int)(sbyte)b).ToArray());
    }

    [TestMethod]
    public void Quantize_WithOffsets_NormalizesPixelsExactlyOnAnInt16Grid()
    {
        // (pixel − 127.5) / 127.5 as q16 = 2·pixel − 255 (scale 1/255); (pixel − 123.675) / 58.395 as 40·pixel − 4947.
        var pixels = new byte[] { 0, 0, 127, 128, 255, 255 };
        var output = new byte[12];
        var p = new QuantizeParams { Multipliers = new[] { QuantizedMultiplier.FromDouble(2), QuantizedMultiplier.FromDouble(40) }, Offsets = new[] { -255, -4947 } };
        Quantize.RequantizeReference(new QuantizedInput(pixels, ElementType.UInt8, new[] { 3, 2 }, new[] { 0 }), new QuantizedOutput(output, ElementType.Int16, new[] { 3, 2 }, new[] { 0 }), p);
        var q = Enumerable.Range(0, 6).Select(i => TestKit.Load(output, ElementType.Int16, i)).ToArray();
        CollectionAssert.AreEqual(new[] { -255, -4947, -1, 173, 255, 5253 }, q);
    }

    [TestMethod]
    public void Dequantize_IsScaleTimesOffset_PerChannel()
    {
        var input = new byte[] { 0, 10, 255, 128, 7, 200 };
        var output = new float[6];
        Dequantize.Reference(new QuantizedInput(input, ElementType.UInt8, new[] { 2, 3 }, new[] { 0, 10, 128 }), output, new[] { 0.5f, 0.25f, 2f });
        CollectionAssert.AreEqual(new[] { 0f, 0f, 254f, 64f, -0.75f, 144f }, output);
    }

    private static int[] Coordinates(int index, int[] shape)
    {
        var c = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--) { c[d] = index % shape[d]; index /= shape[d]; }
        return c;
    }

    private static int Flat(int[] coord, int[] shape)
    {
        int i = 0;
        for (int d = 0; d < shape.Length; d++) i = i * shape[d] + coord[d];
        return i;
    }
}
