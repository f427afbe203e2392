using System;
using System.Collections.Generic;
using System.Diagnostics;
using Embedded.Runtime.Kernels;
using Embedded.Runtime.Model;
using Embedded.Runtime.Quantization;

namespace Embedded.Runtime.Diagnostics;

/// <summary>One row of the self-test table: a kernel on a path, how many random cases matched the reference, time per call.</summary>
public sealed record KernelCheck(string Kernel, KernelPath Path, int Cases, int Mismatches, double MicrosecondsPerCall)
{
    public bool Passed => Mismatches == 0;
}

/// <summary>
/// Runs every fast kernel on every path this CPU supports against the reference on random data (random shapes,
/// zero points, activations) and times them — what `emb selftest` and `emb-board selftest` print, so a board (e.g. a
/// Raspberry Pi, whose NEON paths cannot be tested on the build machine) is checked in one command.
/// </summary>
public static class KernelSelfTest
{
    public static IReadOnlyList<KernelCheck> Run(int casesPerKernel = 20, int seed = 1)
    {
        var results = new List<KernelCheck>();
        foreach (var (name, make) in Kernels())
        {
            var random = new Random(seed);
            var cases = new List<Case>();
            for (int i = 0; i < casesPerKernel; i++) cases.Add(make(random));
            foreach (var path in KernelPaths.Available)
            {
                int mismatches = 0;
                cases[0].Run(path, new byte[cases[0].Expected.Length]);   // warm-up: keep JIT time out of the figures
                var clock = Stopwatch.StartNew();
                foreach (var c in cases)
                {
                    var actual = new byte[c.Expected.Length];
                    c.Run(path, actual);
                    if (!actual.AsSpan().SequenceEqual(c.Expected)) mismatches++;
                }
                results.Add(new KernelCheck(name, path, cases.Count, mismatches, clock.Elapsed.TotalMilliseconds * 1000 / cases.Count));
            }
        }
        return results;
    }

    private sealed class Case
    {
        public required byte[] Expected { get; init; }
        public required Action<KernelPath, byte[]> Run { get; init; }
    }

    private static IEnumerable<(string, Func<Random, Case>)> Kernels()
    {
        yield return ("Conv2D 1x1", r => Conv(r, 1, 1, ElementType.Int8));
        yield return ("Conv2D 3x3 stride 2", r => Conv(r, 3, 2, ElementType.Int8));
        yield return ("Conv2D 3x3 uint8", r => Conv(r, 3, 1, ElementType.UInt8));
        yield return ("Conv2D 3x3 int16 input", r => Conv(r, 3, 2, ElementType.Int16));
        yield return ("DepthwiseConv2D 3x3", r => Depthwise(r, 3, 1));
        yield return ("DepthwiseConv2D 5x5 stride 2", r => Depthwise(r, 5, 2));
        yield return ("DepthwiseConv2D 3x3 int16", r => WideDepthwise(r));
        yield return ("FullyConnected", r => Dense(r));
        yield return ("Mul squeeze-excite", r => SqueezeExcite(r));
        yield return ("Mul squeeze-excite int16", r => WideSqueezeExcite(r));
        yield return ("GlobalAveragePool", r => Pool(r));
        yield return ("Requantize uint8 to int16", r => Requantize(r));
        yield return ("Add residual", r => Residual(r));
        yield return ("TableLookup", r => Lookup(r));
        yield return ("Softmax 8-bit", r => SoftmaxRows(r));
    }

    private static byte[] Random8(Random r, int count, ElementType type)
    {
        var bytes = new byte[count * type.SizeInBytes()];
        r.NextBytes(bytes);
        if (type == ElementType.Int8)
            for (int i = 0; i < bytes.Length; i++) if (bytes[i] == 0x80) bytes[i] = 0x81;   // weights in [−127, 127]
        return bytes;
    }

    private static int ZeroPoint(Random r, ElementType type) => type switch
    {
        ElementType.UInt8 => r.Next(0, 256), ElementType.Int8 => r.Next(-128, 128), _ => r.Next(-100, 101),
    };

    private static OutputStage Stage(Random r, int channels, ElementType outType, double accScale)
    {
        var activation = (FusedActivation)r.Next(5);
        var multipliers = new QuantizedMultiplier[channels];
        var gates = new QuantizedMultiplier[activation is FusedActivation.HardSigmoid or FusedActivation.HardSwish ? channels : 0];
        for (int c = 0; c < channels; c++)
        {
            multipliers[c] = QuantizedMultiplier.FromDouble(accScale * (0.5 + r.NextDouble()));
            if (gates.Length > 0) gates[c] = QuantizedMultiplier.FromDouble(accScale * 20 * (1 << 22) / 6.0);
        }
        int lo = outType.MinValue() + r.Next(0, 20), hi = outType.MaxValue() - r.Next(0, 20);
        return new OutputStage(activation, (RoundingMode)r.Next(2), multipliers, gates, new[] { lo }, new[] { hi });
    }

    private static Case Conv(Random r, int k, int stride, ElementType inType)
    {
        int cin = inType == ElementType.Int16 ? 3 : r.Next(1, 49), cout = r.Next(1, 49), h = r.Next(k, k + 12), w = r.Next(k, k + 12);
        var pad = k == 1 ? Padding2D.None : new Padding2D(r.Next(k), r.Next(k), r.Next(k), r.Next(k));
        int outH = (h + pad.Top + pad.Bottom - k) / stride + 1, outW = (w + pad.Left + pad.Right - k) / stride + 1;
        var inShape = new[] { 1, h, w, cin };
        var wShape = new[] { cout, k, k, cin };
        var outShape = new[] { 1, outH, outW, cout };
        var input = Random8(r, h * w * cin, inType);
        var weights = Random8(r, cout * k * k * cin, ElementType.Int8);
        var bias = new int[cout];
        for (int i = 0; i < cout; i++) bias[i] = r.Next(-20000, 20001);
        var inZp = new[] { ZeroPoint(r, inType) };
        var wQuant = QuantizationParams.PerAxis(0, new float[cout], new int[cout]);
        var inQuant = QuantizationParams.PerTensor(0.02f, inZp[0]);
        var outType = inType == ElementType.Int16 ? ElementType.Int8 : inType;
        var outZp = new[] { ZeroPoint(r, outType) };
        var p = new Conv2DParams { StrideH = stride, StrideW = stride, Padding = pad, Output = Stage(r, cout, outType, inType == ElementType.Int16 ? 1e-6 : 3e-4) };
        var expected = new byte[outH * outW * cout];
        Conv2D.Reference(new QuantizedInput(input, inType, inShape, inZp), new QuantizedInput(weights, ElementType.Int8, wShape, wQuant.ZeroPoints), bias, new QuantizedOutput(expected, outType, outShape, outZp), p);
        var inDef = new TensorDefinition("x", inType, inShape, inQuant);
        var wDef = new TensorDefinition("w", ElementType.Int8, wShape, wQuant);
        if (inType == ElementType.Int16)
        {
            var packed16 = PackedGemm16.TryCreate(inDef, wDef, weights, bias, cout, k * k * cin)!;
            var scratch16 = new KernelScratch(packed16.Blocks * 8, packed16.Pairs * 4);
            var wide = VectorOutputStage.TryCreate(p.Output, cout, outZp, wide: true);
            return new Case { Expected = expected, Run = (path, o) =>
            {
                if (path == KernelPath.Reference) Conv2D.Reference(new QuantizedInput(input, inType, inShape, inZp), new QuantizedInput(weights, ElementType.Int8, wShape, wQuant.ZeroPoints), bias, new QuantizedOutput(o, outType, outShape, outZp), p);
                else Conv2D.Fast16(path, new QuantizedInput(input, inType, inShape, inZp), k, k, new QuantizedOutput(o, outType, outShape, outZp), p, packed16, scratch16, wide);
            } };
        }
        var packed = PackedGemm.TryCreate(inDef, wDef, weights, bias, cout, k * k * cin)!;
        var scratch = new KernelScratch(packed.Blocks * 8, packed.Groups * 4);
        var vector = VectorOutputStage.TryCreate(p.Output, cout, outZp);
        return new Case { Expected = expected, Run = (path, o) =>
        {
            if (path == KernelPath.Reference) Conv2D.Reference(new QuantizedInput(input, inType, inShape, inZp), new QuantizedInput(weights, ElementType.Int8, wShape, wQuant.ZeroPoints), bias, new QuantizedOutput(o, outType, outShape, outZp), p);
            else Conv2D.Fast(path, new QuantizedInput(input, inType, inShape, inZp), k, k, new QuantizedOutput(o, outType, outShape, outZp), p, packed, scratch, vector);
        } };
    }

    private static Case Depthwise(Random r, int k, int stride)
    {
        int channels = r.Next(1, 70), h = r.Next(k, k + 12), w = r.Next(k, k + 12);
        var pad = new Padding2D(r.Next(k), r.Next(k), r.Next(k), r.Next(k));
        int outH = (h + pad.Top + pad.Bottom - k) / stride + 1, outW = (w + pad.Left + pad.Right - k) / stride + 1;
        var type = r.Next(2) == 0 ? ElementType.Int8 : ElementType.UInt8;
        var inShape = new[] { 1, h, w, channels };
        var wShape = new[] { 1, k, k, channels };
        var outShape = new[] { 1, outH, outW, channels };
        var input = Random8(r, h * w * channels, type);
        var weights = Random8(r, k * k * channels, ElementType.Int8);
        var bias = new int[channels];
        for (int i = 0; i < channels; i++) bias[i] = r.Next(-20000, 20001);
        var inZps = new int[channels];
        for (int i = 0; i < channels; i++) inZps[i] = ZeroPoint(r, type);
        var inQuant = QuantizationParams.PerAxis(3, new float[channels], inZps);
        var wQuant = QuantizationParams.PerAxis(3, new float[channels], new int[channels]);
        var outZp = new[] { ZeroPoint(r, type) };
        var p = new DepthwiseConv2DParams { StrideH = stride, StrideW = stride, Padding = pad, Output = Stage(r, channels, type, 2e-3) };
        var expected = new byte[outH * outW * channels];
        DepthwiseConv2D.Reference(new QuantizedInput(input, type, inShape, inZps), new QuantizedInput(weights, ElementType.Int8, wShape, wQuant.ZeroPoints), bias, new QuantizedOutput(expected, type, outShape, outZp), p);
        var packed = PackedDepthwise.TryCreate(new TensorDefinition("x", type, inShape, inQuant), new TensorDefinition("w", ElementType.Int8, wShape, wQuant), weights, bias, p)!;
        var scratch = new KernelScratch((channels + 7) / 8 * 8, 4, depthwiseRowBytes: (int)packed.PaddedRowBytes(p, outShape[2]));
        var vector = VectorOutputStage.TryCreate(p.Output, channels, outZp);
        return new Case { Expected = expected, Run = (path, o) =>
        {
            if (path == KernelPath.Reference) DepthwiseConv2D.Reference(new QuantizedInput(input, type, inShape, inZps), new QuantizedInput(weights, ElementType.Int8, wShape, wQuant.ZeroPoints), bias, new QuantizedOutput(o, type, outShape, outZp), p);
            else DepthwiseConv2D.Fast(path, new QuantizedInput(input, type, inShape, inZps), new QuantizedOutput(o, type, outShape, outZp), p, packed, scratch, vector);
        } };
    }

    /// <summary>A 16-bit (symmetric) input to 16-bit output, as `emb convert --activations int16` makes them.</summary>
    private static Case WideDepthwise(Random r)
    {
        int channels = r.Next(1, 70), h = r.Next(3, 15), w = r.Next(3, 15), stride = r.Next(1, 3);
        var pad = new Padding2D(r.Next(3), r.Next(3), r.Next(3), r.Next(3));
        int outH = (h + pad.Top + pad.Bottom - 3) / stride + 1, outW = (w + pad.Left + pad.Right - 3) / stride + 1;
        var inShape = new[] { 1, h, w, channels };
        var wShape = new[] { 1, 3, 3, channels };
        var outShape = new[] { 1, outH, outW, channels };
        var input = Random8(r, h * w * channels, ElementType.Int16);
        var weights = Random8(r, 9 * channels, ElementType.Int8);
        var bias = new int[channels];
        for (int i = 0; i < channels; i++) bias[i] = r.Next(-2_000_000, 2_000_001);
        var inQuant = QuantizationParams.PerTensor(0.001f, 0);
        var wQuant = QuantizationParams.PerAxis(3, new float[channels], new int[channels]);
        var outZp = new[] { 0 };
        var p = new DepthwiseConv2DParams { StrideH = stride, StrideW = stride, Padding = pad, Output = Stage(r, channels, ElementType.Int16, 2e-3) };
        var expected = new byte[outH * outW * channels * 2];
        DepthwiseConv2D.Reference(new QuantizedInput(input, ElementType.Int16, inShape, inQuant.ZeroPoints), new QuantizedInput(weights, ElementType.Int8, wShape, wQuant.ZeroPoints), bias, new QuantizedOutput(expected, ElementType.Int16, outShape, outZp), p);
        var packed = PackedDepthwise16.TryCreate(new TensorDefinition("x", ElementType.Int16, inShape, inQuant), new TensorDefinition("w", ElementType.Int8, wShape, wQuant), weights, bias, p)!;
        var scratch = new KernelScratch(packed.Width, 4);
        var vector = VectorOutputStage.TryCreate(p.Output, channels, outZp, wide: true);
        return new Case { Expected = expected, Run = (path, o) =>
        {
            if (path == KernelPath.Reference) DepthwiseConv2D.Reference(new QuantizedInput(input, ElementType.Int16, inShape, inQuant.ZeroPoints), new QuantizedInput(weights, ElementType.Int8, wShape, wQuant.ZeroPoints), bias, new QuantizedOutput(o, ElementType.Int16, outShape, outZp), p);
            else DepthwiseConv2D.Wide(path, new QuantizedInput(input, ElementType.Int16, inShape, inQuant.ZeroPoints), new QuantizedOutput(o, ElementType.Int16, outShape, outZp), p, packed, scratch, vector);
        } };
    }

    private static Case Dense(Random r)
    {
        int depth = r.Next(1, 1100), outputs = r.Next(1, 70);
        var type = r.Next(2) == 0 ? ElementType.Int8 : ElementType.UInt8;
        var input = Random8(r, depth, type);
        var weights = Random8(r, depth * outputs, ElementType.Int8);
        var bias = new int[outputs];
        var inZp = new[] { ZeroPoint(r, type) };
        var wQuant = QuantizationParams.PerAxis(0, new float[outputs], new int[outputs]);
        var outZp = new[] { ZeroPoint(r, type) };
        var p = new FullyConnectedParams { Output = Stage(r, outputs, type, 3e-4 / Math.Sqrt(depth / 30.0)) };
        var expected = new byte[outputs];
        var inShape = new[] { 1, depth };
        FullyConnected.Reference(new QuantizedInput(input, type, inShape, inZp), new QuantizedInput(weights, ElementType.Int8, new[] { outputs, depth }, wQuant.ZeroPoints), bias, new QuantizedOutput(expected, type, new[] { 1, outputs }, outZp), p);
        var packed = PackedGemm.TryCreate(new TensorDefinition("x", type, inShape, QuantizationParams.PerTensor(0.02f, inZp[0])), new TensorDefinition("w", ElementType.Int8, new[] { outputs, depth }, wQuant), weights, bias, outputs, depth)!;
        var scratch = new KernelScratch(packed.Blocks * 8, packed.Groups * 4);
        var vector = VectorOutputStage.TryCreate(p.Output, outputs, outZp);
        return new Case { Expected = expected, Run = (path, o) =>
        {
            if (path == KernelPath.Reference) FullyConnected.Reference(new QuantizedInput(input, type, inShape, inZp), new QuantizedInput(weights, ElementType.Int8, new[] { outputs, depth }, wQuant.ZeroPoints), bias, new QuantizedOutput(o, type, new[] { 1, outputs }, outZp), p);
            else FullyConnected.Fast(path, new QuantizedInput(input, type, inShape, inZp), new QuantizedOutput(o, type, new[] { 1, outputs }, outZp), p, packed, scratch, vector);
        } };
    }

    private static Case SqueezeExcite(Random r)
    {
        int channels = r.Next(1, 70), h = r.Next(1, 15), w = r.Next(1, 15);
        var type = r.Next(2) == 0 ? ElementType.Int8 : ElementType.UInt8;
        var a = Random8(r, h * w * channels, type);
        var b = Random8(r, channels, type);
        int[] za = { ZeroPoint(r, type) }, zb = { ZeroPoint(r, type) }, zo = { ZeroPoint(r, type) };
        var multipliers = new[] { QuantizedMultiplier.FromDouble(Math.Pow(2, -r.Next(7, 14))) };
        var p = new MulParams { Rounding = RoundingMode.DoubleRounding, OutputMultipliers = multipliers, ClampMin = new[] { type.MinValue() }, ClampMax = new[] { type.MaxValue() } };
        var aShape = new[] { 1, h, w, channels };
        var bShape = new[] { 1, 1, 1, channels };
        var expected = new byte[a.Length];
        Mul.Reference(new QuantizedInput(a, type, aShape, za), new QuantizedInput(b, type, bShape, zb), new QuantizedOutput(expected, type, aShape, zo), p);
        var stage = VectorOutputStage.TryCreate(multipliers, p.Rounding, p.ClampMin, p.ClampMax, channels, zo)!;
        var gate = new int[2 * ((channels + 7) / 8 * 8)];
        return new Case { Expected = expected, Run = (path, o) =>
        {
            if (!Mul.TryFast(path, new QuantizedInput(a, type, aShape, za), new QuantizedInput(b, type, bShape, zb), new QuantizedOutput(o, type, aShape, zo), stage, gate))
                Mul.Reference(new QuantizedInput(a, type, aShape, za), new QuantizedInput(b, type, bShape, zb), new QuantizedOutput(o, type, aShape, zo), p);
        } };
    }

    private static Case WideSqueezeExcite(Random r)
    {
        int channels = r.Next(1, 70), h = r.Next(1, 15), w = r.Next(1, 15);
        var a = Random8(r, h * w * channels, ElementType.Int16);
        var b = Random8(r, channels, ElementType.Int8);
        int[] za = { 0 }, zb = { ZeroPoint(r, ElementType.Int8) }, zo = { 0 };
        var multipliers = new[] { QuantizedMultiplier.FromDouble(Math.Pow(2, -r.Next(7, 14))) };
        var p = new MulParams { Rounding = RoundingMode.DoubleRounding, OutputMultipliers = multipliers, ClampMin = new[] { (int)short.MinValue }, ClampMax = new[] { (int)short.MaxValue } };
        var aShape = new[] { 1, h, w, channels };
        var bShape = new[] { 1, 1, 1, channels };
        var expected = new byte[a.Length];
        Mul.Reference(new QuantizedInput(a, ElementType.Int16, aShape, za), new QuantizedInput(b, ElementType.Int8, bShape, zb), new QuantizedOutput(expected, ElementType.Int16, aShape, zo), p);
        var stage = new OutputStage(FusedActivation.None, p.Rounding, multipliers, Array.Empty<QuantizedMultiplier>(), p.ClampMin, p.ClampMax);
        var vector = VectorOutputStage.TryCreate(stage, channels, zo, wide: true);
        int width = (channels + 7) / 8 * 8;
        var zeros = new int[width];
        var scratch = new int[width * 9];
        return new Case { Expected = expected, Run = (path, o) =>
        {
            if (path == KernelPath.Reference) Mul.Reference(new QuantizedInput(a, ElementType.Int16, aShape, za), new QuantizedInput(b, ElementType.Int8, bShape, zb), new QuantizedOutput(o, ElementType.Int16, aShape, zo), p);
            else Mul.Wide(path, new QuantizedInput(a, ElementType.Int16, aShape, za), new QuantizedInput(b, ElementType.Int8, bShape, zb), new QuantizedOutput(o, ElementType.Int16, aShape, zo), stage, vector, zeros, scratch);
        } };
    }

    private static Case Pool(Random r)
    {
        int channels = r.Next(1, 70), h = r.Next(1, 15), w = r.Next(1, 15);
        var type = r.Next(2) == 0 ? ElementType.Int8 : ElementType.UInt8;
        var input = Random8(r, h * w * channels, type);
        int[] zi = { ZeroPoint(r, type) }, zo = { ZeroPoint(r, type) };
        var multipliers = new[] { QuantizedMultiplier.FromDouble(0.9 / (h * w)) };
        var p = new GlobalAveragePoolParams { Rounding = RoundingMode.DoubleRounding, Multipliers = multipliers, Algorithm = MeanAlgorithm.Requantize };
        var inShape = new[] { 1, h, w, channels };
        var outShape = new[] { 1, 1, 1, channels };
        var expected = new byte[channels];
        GlobalAveragePool.Reference(new QuantizedInput(input, type, inShape, zi), new QuantizedOutput(expected, type, outShape, zo), p);
        var stage = VectorOutputStage.TryCreate(multipliers, p.Rounding, new[] { type.MinValue() }, new[] { type.MaxValue() }, channels, zo)!;
        var sums = new int[2 * ((channels + 7) / 8 * 8)];
        return new Case { Expected = expected, Run = (path, o) =>
        {
            if (!GlobalAveragePool.TryFast(path, new QuantizedInput(input, type, inShape, zi), new QuantizedOutput(o, type, outShape, zo), p, stage, sums))
                GlobalAveragePool.Reference(new QuantizedInput(input, type, inShape, zi), new QuantizedOutput(o, type, outShape, zo), p);
        } };
    }

    private static Case Residual(Random r)
    {
        int count = r.Next(1, 300);
        var type = r.Next(2) == 0 ? ElementType.Int8 : ElementType.UInt8;
        var a = Random8(r, count, type);
        var b = Random8(r, count, type);
        int[] za = { ZeroPoint(r, type) }, zb = { ZeroPoint(r, type) }, zo = { ZeroPoint(r, type) };
        var p = new AddParams
        {
            Rounding = RoundingMode.DoubleRounding, LeftShift = 20,
            Input1Multipliers = new[] { QuantizedMultiplier.FromDouble(0.5 * (0.5 + r.NextDouble()) / (1 << 20)) },
            Input2Multipliers = new[] { QuantizedMultiplier.FromDouble(0.5 * (0.5 + r.NextDouble()) / (1 << 20)) },
            OutputMultipliers = new[] { QuantizedMultiplier.FromDouble(1.0 + r.NextDouble()) },
            ClampMin = new[] { type.MinValue() }, ClampMax = new[] { type.MaxValue() },
        };
        var shape = new[] { 1, count };
        var expected = new byte[count];
        Add.Reference(new QuantizedInput(a, type, shape, za), new QuantizedInput(b, type, shape, zb), new QuantizedOutput(expected, type, shape, zo), p);
        return new Case { Expected = expected, Run = (path, o) =>
        {
            if (!Add.TryFast(path, new QuantizedInput(a, type, shape, za), new QuantizedInput(b, type, shape, zb), new QuantizedOutput(o, type, shape, zo), p))
                Add.Reference(new QuantizedInput(a, type, shape, za), new QuantizedInput(b, type, shape, zb), new QuantizedOutput(o, type, shape, zo), p);
        } };
    }

    private static Case Lookup(Random r)
    {
        int count = r.Next(0, 300);
        var type = r.Next(2) == 0 ? ElementType.Int8 : ElementType.UInt8;
        var input = Random8(r, count, type);
        var tables = new byte[TableLookupParams.EntriesPerTable];
        r.NextBytes(tables);
        var p = new TableLookupParams { Tables = tables };
        var shape = new[] { 1, count };
        var expected = new byte[count];
        TableLookup.Reference(new QuantizedInput(input, type, shape, new[] { 0 }), new QuantizedOutput(expected, type, shape, new[] { 0 }), p);
        return new Case { Expected = expected, Run = (path, o) =>
        {
            if (path == KernelPath.Reference) TableLookup.Reference(new QuantizedInput(input, type, shape, new[] { 0 }), new QuantizedOutput(o, type, shape, new[] { 0 }), p);
            else TableLookup.Fast(path, new QuantizedInput(input, type, shape, new[] { 0 }), new QuantizedOutput(o, type, shape, new[] { 0 }), p);
        } };
    }

    /// <summary>TFLite's 8-bit softmax (float table) over rows of up to 1001 classes.</summary>
    private static Case SoftmaxRows(Random r)
    {
        int depth = r.Next(1, 1002), rows = r.Next(1, 3);
        var inType = r.Next(2) == 0 ? ElementType.Int8 : ElementType.UInt8;
        var outType = r.Next(2) == 0 ? ElementType.Int8 : ElementType.UInt8;
        float inScale = (float)(0.02 + r.NextDouble() * 0.2), outScale = 1f / 256;
        int outZp = outType == ElementType.Int8 ? -128 : 0;
        var table = new float[SoftmaxParams.TableSize];
        for (int v = 0; v <= 255; v++) table[255 - v] = MathF.Exp(-inScale * v);
        var p = new SoftmaxParams { ExpTable = SoftmaxParams.BuildExpTable(inScale, 1), FloatTable = table };
        var input = Random8(r, rows * depth, inType);
        var shape = new[] { rows, depth };
        var expected = new byte[rows * depth];
        Softmax.Reference(new QuantizedInput(input, inType, shape, new[] { 0 }), expected, outType, outScale, outZp, p);
        return new Case { Expected = expected, Run = (path, o) =>
        {
            if (!Softmax.TryFast(path, new QuantizedInput(input, inType, shape, new[] { 0 }), o, outType, outScale, outZp, p))
                Softmax.Reference(new QuantizedInput(input, inType, shape, new[] { 0 }), o, outType, outScale, outZp, p);
        } };
    }

    private static Case Requantize(Random r)
    {
        int channels = r.Next(1, 5), pixels = r.Next(0, 300);
        var shape = new[] { 1, 1, pixels, channels };
        var input = Random8(r, pixels * channels, ElementType.UInt8);
        var zi = new int[channels];
        var zo = new int[channels];
        for (int c = 0; c < channels; c++) { zi[c] = ZeroPoint(r, ElementType.UInt8); zo[c] = r.Next(-3000, 3001); }
        var p = new QuantizeParams
        {
            Rounding = (RoundingMode)r.Next(2),
            Multipliers = new[] { QuantizedMultiplier.FromDouble(Math.Pow(2, r.Next(0, 8)) * (0.5 + r.NextDouble())) },
        };
        var inDef = new TensorDefinition("x", ElementType.UInt8, shape, QuantizationParams.PerAxis(3, new float[channels], zi));
        var outDef = new TensorDefinition("y", ElementType.Int16, shape, QuantizationParams.PerAxis(3, new float[channels], zo));
        var expected = new byte[pixels * channels * 2];
        Quantize.RequantizeReference(new QuantizedInput(input, ElementType.UInt8, shape, zi), new QuantizedOutput(expected, ElementType.Int16, shape, zo), p);
        var table = RequantizeTable.TryCreate(inDef, outDef, p)!;
        return new Case { Expected = expected, Run = (path, o) =>
        {
            if (!Quantize.TryFast(path, new QuantizedInput(input, ElementType.UInt8, shape, zi), new QuantizedOutput(o, ElementType.Int16, shape, zo), table))
                Quantize.RequantizeReference(new QuantizedInput(input, ElementType.UInt8, shape, zi), new QuantizedOutput(o, ElementType.Int16, shape, zo), p);
        } };
    }
}
