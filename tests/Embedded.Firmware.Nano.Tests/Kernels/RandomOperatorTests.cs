using System;
using System.Linq;
using Embedded.Firmware.Nano.Tests.Support;
using Embedded.Runtime.Building;
using Embedded.Runtime.Model;
using Embedded.Runtime.Quantization;
using Embedded.Runtime.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Firmware.Nano.Tests.Kernels;

/// <summary>
/// Every operator of the nano interpreter against the main runtime's reference kernels (the oracle) on randomized
/// one-operator models: odd channel counts, sizes 1…9, strides 1 and 2 on odd and even sizes, asymmetric paddings,
/// dilation, groups, int8 / uint8 / int16 activations, per-tensor and per-channel quantization, every fused activation
/// and both roundings. Outputs must be equal byte for byte.
/// </summary>
[TestClass]
public sealed class RandomOperatorTests
{
    private const int Cases = 40;
    private static readonly FusedActivation[] Activations = { FusedActivation.None, FusedActivation.Relu, FusedActivation.Relu6, FusedActivation.HardSigmoid, FusedActivation.HardSwish };
    private static readonly ElementType[] EightBit = { ElementType.Int8, ElementType.UInt8 };

    [TestMethod]
    public void Conv2D_EqualsTheReference()
    {
        var r = new Random(2401);
        for (int i = 0; i < Cases; i++)
        {
            var inType = i % 5 == 4 ? ElementType.Int16 : EightBit[r.Next(2)];
            int groups = r.Next(3) == 0 ? r.Next(1, 4) : 1;
            int cin = groups * r.Next(1, 6), cout = groups * r.Next(1, 6);
            int k = r.Next(1, 4), stride = r.Next(1, 3), dilation = r.Next(4) == 0 ? 2 : 1;
            int extent = (k - 1) * dilation + 1;
            var pad = new Padding2D(r.Next(extent), r.Next(extent), r.Next(extent), r.Next(extent));
            int h = r.Next(extent, extent + 8), w = r.Next(extent, extent + 8);
            var wType = inType == ElementType.UInt8 ? ElementType.UInt8 : ElementType.Int8;
            var outType = inType == ElementType.Int16 ? ElementType.Int16 : EightBit[r.Next(2)];
            int outH = (h + pad.Top + pad.Bottom - extent) / stride + 1, outW = (w + pad.Left + pad.Right - extent) / stride + 1;
            var b = new ModelBuilder();
            int x = b.AddInput("x", inType, new[] { 1, h, w, cin }, InputQuant(r, inType, cin));
            int weights = b.AddConstant("w", wType, new[] { cout, k, k, cin / groups }, WeightQuant(r, wType, cout), TestKit.RandomValues(r, cout * k * k * cin / groups, wType));
            int bias = r.Next(4) == 0 ? OperatorDefinition.NoTensor : b.AddConstant("b", new[] { cout }, TestKit.RandomBias(r, cout, inType == ElementType.Int16 ? 2_000_000 : 20_000));
            var outZps = TestKit.RandomZeroPoints(r, 1, outType);
            int y = b.AddActivation("y", outType, new[] { 1, outH, outW, cout }, QuantizationParams.PerTensor(0.05f, outZps[0]));
            var p = new Conv2DParams
            {
                StrideH = stride, StrideW = stride, DilationH = dilation, DilationW = dilation, Padding = pad, Groups = groups,
                Output = TestKit.RandomStage(r, cout, outType, outZps, Activations[r.Next(Activations.Length)], (RoundingMode)r.Next(2),
                    Math.Sqrt(k * k * cin / groups) * (inType == ElementType.Int16 ? 400_000 : 3000), perChannel: r.Next(3) != 0),
            };
            b.AddOperator(OperatorCode.Conv2D, "conv", bias < 0 ? new[] { x, weights } : new[] { x, weights, bias }, new[] { y }, p);
            Check(b, y, r, $"case {i}: {k}x{k} s{stride} d{dilation} g{groups} pad {pad} {h}x{w}x{cin}→{cout} {inType}→{outType} {p.Output.Activation}");
        }
    }

    [TestMethod]
    public void DepthwiseConv2D_EqualsTheReference()
    {
        var r = new Random(2402);
        for (int i = 0; i < Cases; i++)
        {
            var inType = i % 5 == 4 ? ElementType.Int16 : EightBit[r.Next(2)];
            int cin = r.Next(1, 12), multiplier = r.Next(4) == 0 ? 2 : 1, cout = cin * multiplier;
            int k = new[] { 1, 3, 3, 5 }[r.Next(4)], stride = r.Next(1, 3), dilation = r.Next(4) == 0 ? 2 : 1;
            int extent = (k - 1) * dilation + 1;
            var pad = new Padding2D(r.Next(extent), r.Next(extent), r.Next(extent), r.Next(extent));
            int h = r.Next(extent, extent + 8), w = r.Next(extent, extent + 8);
            var wType = inType == ElementType.UInt8 ? ElementType.UInt8 : ElementType.Int8;
            var outType = inType == ElementType.Int16 ? ElementType.Int16 : EightBit[r.Next(2)];
            int outH = (h + pad.Top + pad.Bottom - extent) / stride + 1, outW = (w + pad.Left + pad.Right - extent) / stride + 1;
            var b = new ModelBuilder();
            int x = b.AddInput("x", inType, new[] { 1, h, w, cin }, InputQuant(r, inType, cin, perChannelAllowed: true));
            int weights = b.AddConstant("w", wType, new[] { 1, k, k, cout }, WeightQuant(r, wType, cout, axis: 3), TestKit.RandomValues(r, k * k * cout, wType));
            int bias = b.AddConstant("b", new[] { cout }, TestKit.RandomBias(r, cout, inType == ElementType.Int16 ? 2_000_000 : 20_000));
            var outZps = TestKit.RandomZeroPoints(r, 1, outType);
            int y = b.AddActivation("y", outType, new[] { 1, outH, outW, cout }, QuantizationParams.PerTensor(0.05f, outZps[0]));
            var p = new DepthwiseConv2DParams
            {
                StrideH = stride, StrideW = stride, DilationH = dilation, DilationW = dilation, Padding = pad, DepthMultiplier = multiplier,
                Output = TestKit.RandomStage(r, cout, outType, outZps, Activations[r.Next(Activations.Length)], (RoundingMode)r.Next(2),
                    k * (inType == ElementType.Int16 ? 400_000 : 3000), perChannel: r.Next(3) != 0),
            };
            b.AddOperator(OperatorCode.DepthwiseConv2D, "dw", new[] { x, weights, bias }, new[] { y }, p);
            Check(b, y, r, $"case {i}: {k}x{k} s{stride} d{dilation} ×{multiplier} pad {pad} {h}x{w}x{cin} {inType}→{outType} {p.Output.Activation}");
        }
    }

    [TestMethod]
    public void FullyConnected_EqualsTheReference()
    {
        var r = new Random(2403);
        for (int i = 0; i < Cases; i++)
        {
            var inType = i % 5 == 4 ? ElementType.Int16 : EightBit[r.Next(2)];
            int depth = r.Next(1, 70), outputs = r.Next(1, 20), rows = r.Next(1, 4);
            var wType = inType == ElementType.UInt8 ? ElementType.UInt8 : ElementType.Int8;
            var outType = inType == ElementType.Int16 ? ElementType.Int16 : EightBit[r.Next(2)];
            var b = new ModelBuilder();
            int x = b.AddInput("x", inType, new[] { rows, depth }, InputQuant(r, inType, depth));
            int weights = b.AddConstant("w", wType, new[] { outputs, depth }, WeightQuant(r, wType, outputs), TestKit.RandomValues(r, outputs * depth, wType));
            int bias = b.AddConstant("b", new[] { outputs }, TestKit.RandomBias(r, outputs, 20_000));
            var outZps = TestKit.RandomZeroPoints(r, 1, outType);
            int y = b.AddActivation("y", outType, new[] { rows, outputs }, QuantizationParams.PerTensor(0.05f, outZps[0]));
            var p = new FullyConnectedParams
            {
                Output = TestKit.RandomStage(r, outputs, outType, outZps, Activations[r.Next(Activations.Length)], (RoundingMode)r.Next(2),
                    Math.Sqrt(depth) * (inType == ElementType.Int16 ? 400_000 : 3000), perChannel: r.Next(2) == 0),
            };
            b.AddOperator(OperatorCode.FullyConnected, "fc", new[] { x, weights, bias }, new[] { y }, p);
            Check(b, y, r, $"case {i}: {rows}x{depth}→{outputs} {inType}→{outType} {p.Output.Activation}");
        }
    }

    [TestMethod]
    public void AddAndSubtract_WithBroadcasting_EqualTheReference()
    {
        var r = new Random(2404);
        for (int i = 0; i < Cases; i++)
        {
            var type = i % 5 == 4 ? ElementType.Int16 : EightBit[r.Next(2)];
            int h = r.Next(1, 7), w = r.Next(1, 7), c = r.Next(1, 10);
            var shape = new[] { 1, h, w, c };
            var bShape = r.Next(3) switch { 0 => new[] { 1, 1, 1, c }, 1 => new[] { 1, h, 1, c }, _ => shape };
            var qa = QuantizationParams.PerTensor(0.01f + (float)r.NextDouble() * 0.05f, TestKit.RandomZeroPoints(r, 1, type)[0]);
            var qb = QuantizationParams.PerTensor(0.01f + (float)r.NextDouble() * 0.05f, TestKit.RandomZeroPoints(r, 1, type)[0]);
            var qo = QuantizationParams.PerTensor(0.02f + (float)r.NextDouble() * 0.05f, TestKit.RandomZeroPoints(r, 1, type)[0]);
            var add = OutputStageBuilder.Add(qa, qb, qo, type, c, (RoundingMode)r.Next(2), type == ElementType.Int16 ? 15 : 20);
            var p = new AddParams
            {
                Rounding = add.Rounding, LeftShift = add.LeftShift, Input1Multipliers = add.Input1Multipliers, Input2Multipliers = add.Input2Multipliers,
                OutputMultipliers = add.OutputMultipliers, ClampMin = add.ClampMin, ClampMax = add.ClampMax, Subtract = (SubtractMode)r.Next(3),
            };
            var b = new ModelBuilder();
            int a = b.AddInput("a", type, shape, qa);
            int second = b.AddInput("b", type, bShape, qb);
            int y = b.AddActivation("y", type, shape, qo);
            b.AddOperator(OperatorCode.Add, "add", new[] { a, second }, new[] { y }, p);
            Check(b, y, r, $"case {i}: {string.Join("x", shape)} + {string.Join("x", bShape)} {type} {p.Subtract}");
        }
    }

    [TestMethod]
    public void Mul_SqueezeExcite_EqualsTheReference()
    {
        var r = new Random(2405);
        for (int i = 0; i < Cases; i++)
        {
            var type = i % 5 == 4 ? ElementType.Int16 : EightBit[r.Next(2)];
            int h = r.Next(1, 7), w = r.Next(1, 7), c = r.Next(1, 10);
            var shape = new[] { 1, h, w, c };
            var bShape = r.Next(2) == 0 ? new[] { 1, 1, 1, c } : shape;
            var qa = QuantizationParams.PerTensor(0.01f + (float)r.NextDouble() * 0.05f, TestKit.RandomZeroPoints(r, 1, type)[0]);
            var qb = QuantizationParams.PerTensor(1f / 256, TestKit.RandomZeroPoints(r, 1, type)[0]);
            var qo = QuantizationParams.PerTensor(0.02f + (float)r.NextDouble() * 0.05f, TestKit.RandomZeroPoints(r, 1, type)[0]);
            var b = new ModelBuilder();
            int a = b.AddInput("a", type, shape, qa);
            int gate = b.AddInput("gate", type, bShape, qb);
            int y = b.AddActivation("y", type, shape, qo);
            b.AddOperator(OperatorCode.Mul, "mul", new[] { a, gate }, new[] { y }, OutputStageBuilder.Mul(qa, qb, qo, type, c, (RoundingMode)r.Next(2)));
            Check(b, y, r, $"case {i}: {string.Join("x", shape)} × {string.Join("x", bShape)} {type}");
        }
    }

    [TestMethod]
    [DataRow(OperatorCode.AveragePool2D)]
    [DataRow(OperatorCode.MaxPool2D)]
    public void Pooling_EqualsTheReference(OperatorCode code)
    {
        var r = new Random(2406 + (int)code);
        for (int i = 0; i < Cases; i++)
        {
            var type = i % 5 == 4 ? ElementType.Int16 : EightBit[r.Next(2)];
            int fh = r.Next(1, 4), fw = r.Next(1, 4), stride = r.Next(1, 3), c = r.Next(1, 10);
            var pad = new Padding2D(r.Next(fh), r.Next(fw), r.Next(fh), r.Next(fw));
            int h = r.Next(fh, fh + 8), w = r.Next(fw, fw + 8);
            int outH = (h + pad.Top + pad.Bottom - fh) / stride + 1, outW = (w + pad.Left + pad.Right - fw) / stride + 1;
            var q = QuantizationParams.PerTensor(0.05f, TestKit.RandomZeroPoints(r, 1, type)[0]);
            int lo = type.MinValue() + (r.Next(2) == 0 ? 0 : r.Next(20)), hi = type.MaxValue() - (r.Next(2) == 0 ? 0 : r.Next(20));
            var b = new ModelBuilder();
            int x = b.AddInput("x", type, new[] { 1, h, w, c }, q);
            int y = b.AddActivation("y", type, new[] { 1, outH, outW, c }, q);
            b.AddOperator(code, "pool", new[] { x }, new[] { y }, new Pool2DParams
            {
                FilterH = fh, FilterW = fw, StrideH = stride, StrideW = stride, Padding = pad, ClampMin = new[] { lo }, ClampMax = new[] { hi },
            });
            Check(b, y, r, $"case {i}: {fh}x{fw} s{stride} pad {pad} {h}x{w}x{c} {type}");
        }
    }

    [TestMethod]
    public void GlobalAveragePool_EveryMeanAlgorithm_EqualsTheReference()
    {
        var r = new Random(2408);
        for (int i = 0; i < Cases; i++)
        {
            var type = i % 5 == 4 ? ElementType.Int16 : EightBit[r.Next(2)];
            int h = r.Next(1, 9), w = r.Next(1, 9), c = r.Next(1, 12);
            var qi = QuantizationParams.PerTensor(0.05f, TestKit.RandomZeroPoints(r, 1, type)[0]);
            var qo = QuantizationParams.PerTensor(0.03f, TestKit.RandomZeroPoints(r, 1, type)[0]);
            var gap = OutputStageBuilder.GlobalAveragePool(qi, qo, c, h * w, (RoundingMode)r.Next(2));
            var algorithm = type == ElementType.Int16 ? MeanAlgorithm.Requantize : (MeanAlgorithm)r.Next(3);
            var b = new ModelBuilder();
            int x = b.AddInput("x", type, new[] { 1, h, w, c }, qi);
            int y = b.AddActivation("y", type, new[] { 1, 1, 1, c }, algorithm == MeanAlgorithm.TruncatedMean ? qi : qo);
            b.AddOperator(OperatorCode.GlobalAveragePool, "gap", new[] { x }, new[] { y },
                new GlobalAveragePoolParams { Rounding = gap.Rounding, Multipliers = gap.Multipliers, Algorithm = algorithm, TfliteBias = r.Next(-50, 50) });
            Check(b, y, r, $"case {i}: {h}x{w}x{c} {type} {algorithm}");
        }
    }

    [TestMethod]
    public void TableLookup_EqualsTheReference()
    {
        var r = new Random(2409);
        for (int i = 0; i < Cases; i++)
        {
            var type = EightBit[r.Next(2)];
            int c = r.Next(1, 13);
            int tables = Enumerable.Range(1, c).Where(t => c % t == 0).ToArray() is var divisors ? divisors[r.Next(divisors.Length)] : 1;
            var shape = new[] { 1, r.Next(1, 6), r.Next(1, 6), c };
            var q = QuantizationParams.PerTensor(0.05f, TestKit.RandomZeroPoints(r, 1, type)[0]);
            var table = new byte[tables * TableLookupParams.EntriesPerTable];
            r.NextBytes(table);
            var b = new ModelBuilder();
            int x = b.AddInput("x", type, shape, q);
            int y = b.AddActivation("y", type, shape, q);
            b.AddOperator(OperatorCode.TableLookup, "table", new[] { x }, new[] { y }, new TableLookupParams { TableCount = tables, Tables = table });
            Check(b, y, r, $"case {i}: {c} channels, {tables} tables, {type}");
        }
    }

    [TestMethod]
    public void ConcatReshapePad_EqualTheReference()
    {
        var r = new Random(2410);
        for (int i = 0; i < Cases; i++)
        {
            var type = EightBit[r.Next(2)];
            int h = r.Next(1, 6), w = r.Next(1, 6), axis = r.Next(2) == 0 ? 3 : 1;
            var q = QuantizationParams.PerTensor(0.05f, TestKit.RandomZeroPoints(r, 1, type)[0]);
            var b = new ModelBuilder();
            int n = r.Next(1, 4);
            var parts = new int[n];
            var multipliers = new QuantizedMultiplier[n];
            int total = 0;
            int[] Shape(int along) => axis == 3 ? new[] { 1, h, w, along } : new[] { 1, along, w, 3 };
            for (int k = 0; k < n; k++)
            {
                int along = r.Next(1, 5);
                total += along;
                var qk = r.Next(2) == 0 ? q : QuantizationParams.PerTensor(0.02f + (float)r.NextDouble() * 0.1f, TestKit.RandomZeroPoints(r, 1, type)[0]);
                parts[k] = b.AddInput($"in{k}", type, Shape(along), qk);
                multipliers[k] = qk == q ? new QuantizedMultiplier(0, 0) : OutputStageBuilder.Requantize(qk, q, 1)[0];
            }
            int joined = b.AddActivation("joined", type, Shape(total), q);
            b.AddOperator(OperatorCode.Concat, "concat", parts, new[] { joined }, new ConcatParams { Axis = axis, Rounding = (RoundingMode)r.Next(2), InputMultipliers = multipliers });
            var joinedShape = Shape(total);
            var before = new[] { 0, r.Next(3), r.Next(3), r.Next(2) };
            var after = new[] { 0, r.Next(3), r.Next(3), r.Next(2) };
            var paddedShape = Enumerable.Range(0, 4).Select(d => joinedShape[d] + before[d] + after[d]).ToArray();
            int padded = b.AddActivation("padded", type, paddedShape, q);
            b.AddOperator(OperatorCode.Pad, "pad", new[] { joined }, new[] { padded }, new PadParams { Before = before, After = after });
            int flat = b.AddActivation("flat", type, new[] { 1, paddedShape.Aggregate(1, (a, d) => a * d) }, q);
            b.AddOperator(OperatorCode.Reshape, "flatten", new[] { padded }, new[] { flat }, NoParams.Instance);
            Check(b, flat, r, $"case {i}: {n} inputs along axis {axis}, pad {string.Join(",", before)}/{string.Join(",", after)} {type}");
        }
    }

    [TestMethod]
    public void Softmax_EveryVariant_EqualsTheReference()
    {
        var r = new Random(2411);
        for (int i = 0; i < Cases; i++)
        {
            var inType = EightBit[r.Next(2)];
            int variant = i % 3;
            var outType = variant == 0 && r.Next(3) == 0 ? ElementType.Float32 : EightBit[r.Next(2)];
            int rows = r.Next(1, 4), depth = r.Next(1, 30);
            float inScale = 0.02f + (float)r.NextDouble() * 0.2f;
            var qi = QuantizationParams.PerTensor(inScale, TestKit.RandomZeroPoints(r, 1, inType)[0]);
            var qo = outType == ElementType.Float32 ? null : QuantizationParams.PerTensor(1f / 256, outType == ElementType.Int8 ? -128 : 0);
            var p = variant switch
            {
                0 => new SoftmaxParams { ExpTable = SoftmaxParams.BuildExpTable(inScale, 1) },
                1 => new SoftmaxParams { ExpTable = SoftmaxParams.BuildExpTable(inScale, 1), FixedPointExp = SoftmaxParams.BuildFixedPointExp(inScale, 1) },
                _ => new SoftmaxParams { ExpTable = SoftmaxParams.BuildExpTable(inScale, 1), FloatTable = FloatTable(inScale) },
            };
            var b = new ModelBuilder();
            int x = b.AddInput("x", inType, new[] { rows, depth }, qi);
            int y = b.AddActivation("y", outType, new[] { rows, depth }, qo);
            b.AddOperator(OperatorCode.Softmax, "softmax", new[] { x }, new[] { y }, p);
            Check(b, y, r, $"case {i}: variant {variant} {rows}x{depth} {inType}→{outType}");
        }
    }

    [TestMethod]
    public void QuantizeAndDequantize_EqualTheReference()
    {
        var r = new Random(2412);
        for (int i = 0; i < Cases; i++)
        {
            var type = i % 4 == 3 ? ElementType.Int16 : EightBit[r.Next(2)];
            int c = r.Next(1, 9);
            var shape = new[] { 1, r.Next(1, 5), r.Next(1, 5), c };
            bool perChannel = r.Next(2) == 0;
            var zps = TestKit.RandomZeroPoints(r, perChannel ? c : 1, type);
            var scales = Enumerable.Range(0, zps.Length).Select(_ => 0.005f + (float)r.NextDouble() * 0.05f).ToArray();
            var q = perChannel ? QuantizationParams.PerAxis(3, scales, zps) : QuantizationParams.PerTensor(scales[0], zps[0]);
            var q2Type = EightBit[r.Next(2)];
            var q2 = QuantizationParams.PerTensor(0.01f + (float)r.NextDouble() * 0.05f, TestKit.RandomZeroPoints(r, 1, q2Type)[0]);
            var b = new ModelBuilder();
            int real = b.AddInput("real", ElementType.Float32, shape, null);
            int quantized = b.AddActivation("q", type, shape, q);
            b.AddOperator(OperatorCode.Quantize, "quantize", new[] { real }, new[] { quantized }, new QuantizeParams { Multipliers = Array.Empty<QuantizedMultiplier>() });
            int requantized = b.AddActivation("q2", q2Type, shape, q2);
            var offsets = r.Next(2) == 0 ? Array.Empty<int>() : Enumerable.Range(0, perChannel ? c : 1).Select(_ => r.Next(-20, 20)).ToArray();
            b.AddOperator(OperatorCode.Quantize, "requantize", new[] { quantized }, new[] { requantized },
                new QuantizeParams { Rounding = (RoundingMode)r.Next(2), Multipliers = OutputStageBuilder.Requantize(q, q2, c), Offsets = offsets });
            int back = b.AddActivation("back", ElementType.Float32, shape, null);
            b.AddOperator(OperatorCode.Dequantize, "dequantize", new[] { requantized }, new[] { back }, NoParams.Instance);
            b.MarkOutput(quantized);
            Check(b, back, r, $"case {i}: {string.Join("x", shape)} {type} per-channel {perChannel} → {q2Type}");
        }
    }

    /// <summary>TFLite's builtin softmax table: table[255 − d] = exp(−s·d).</summary>
    private static float[] FloatTable(float inputScale)
    {
        var table = new float[256];
        for (int d = 0; d < 256; d++) table[255 - d] = (float)Math.Exp(-(double)inputScale * d);
        return table;
    }

    private static QuantizationParams InputQuant(Random r, ElementType type, int channels, bool perChannelAllowed = false)
    {
        if (perChannelAllowed && r.Next(3) == 0)
            return QuantizationParams.PerAxis(3, Enumerable.Repeat(0.02f, channels).ToArray(), TestKit.RandomZeroPoints(r, channels, type));
        return QuantizationParams.PerTensor(type == ElementType.Int16 ? 0.001f : 0.02f, TestKit.RandomZeroPoints(r, 1, type)[0]);
    }

    private static QuantizationParams WeightQuant(Random r, ElementType type, int channels, int axis = 0) =>
        type == ElementType.UInt8
            ? QuantizationParams.PerTensor(0.01f, r.Next(100, 156))
            : QuantizationParams.PerAxis(axis, Enumerable.Range(0, channels).Select(_ => 0.005f + (float)r.NextDouble() * 0.02f).ToArray(), new int[channels]);

    /// <summary>Builds the model with <paramref name="output"/> as an output, fills every input at random, and compares both runtimes.</summary>
    private static void Check(ModelBuilder b, int output, Random r, string what)
    {
        b.MarkOutput(output);
        var both = BothRuntimes.Of(b.Build(new ModelMetadata { Name = "random" }));
        var inputs = new byte[both.Nano.InputCount][];
        for (int k = 0; k < inputs.Length; k++)
        {
            var tensor = both.Main.Input(k);
            if (tensor.Type == ElementType.Float32)
            {
                var floats = Enumerable.Range(0, tensor.Bytes.Length / 4).Select(_ => (float)(r.NextDouble() * 8 - 4)).ToArray();
                inputs[k] = new byte[floats.Length * 4];
                Buffer.BlockCopy(floats, 0, inputs[k], 0, inputs[k].Length);
            }
            else
            {
                inputs[k] = new byte[tensor.Bytes.Length];
                r.NextBytes(inputs[k]);
            }
        }
        both.AssertIdentical(what, inputs);
    }
}
