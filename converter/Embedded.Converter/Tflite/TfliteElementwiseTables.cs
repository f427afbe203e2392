using System;
using Embedded.Runtime.Quantization;

namespace Embedded.Converter.Tflite;

/// <summary>
/// 256-entry tables (indexed by value − type minimum) for TFLite's 8-bit element-wise operators, each evaluated with
/// the arithmetic of the TFLite kernel it stands for, so a lookup gives the kernel's bytes.
/// </summary>
internal static class TfliteElementwiseTables
{
    /// <summary>
    /// TFLite's uint8 ConcatenationWithScaling for one input: with scale = s_in·(1/s_out) and bias = −zp_in·scale in
    /// float, q = clamp(round_half_away(x·scale + bias) + zp_out, 0, 255).
    /// </summary>
    public static byte[] ConcatRescale(float inScale, int inZp, float outScale, int outZp)
    {
        float scale = inScale * (1 / outScale);
        float bias = -inZp * scale;
        var table = new byte[256];
        for (int x = 0; x < 256; x++)
        {
            int q = (int)MathF.Round(x * scale + bias, MidpointRounding.AwayFromZero) + outZp;
            table[x] = (byte)Math.Max(0, Math.Min(255, q));
        }
        return table;
    }

    /// <summary>
    /// TFLite's LUTPopulate (LOGISTIC, TANH):
    /// q = clamp(round_half_away(f(s_in·(x − zp_in)) · (1/s_out)) + zp_out), all in float.
    /// </summary>
    public static byte[] Lut(float inScale, int inZp, float outScale, int outZp, bool signed, Func<float, float> transform)
    {
        float inverseScale = 1 / outScale;
        int min = signed ? -128 : 0, max = signed ? 127 : 255;
        var table = new byte[256];
        for (int v = min; v <= max; v++)
        {
            float dequantized = inScale * (v - inZp);
            float rescaled = MathF.Round(transform(dequantized) * inverseScale, MidpointRounding.AwayFromZero);
            int q = (int)(rescaled + outZp);
            table[v - min] = (byte)Math.Max(min, Math.Min(max, q));
        }
        return table;
    }

    /// <summary>
    /// TFLite's quantized RELU / RELU_N1_TO_1 / RELU6 (ReluX): zp_out + M·(x − zp_in) with M = s_in/s_out (the builtin
    /// kernel divides in float, TFLite Micro in double), clamped to the quantized activation range.
    /// </summary>
    public static byte[] ReluX(float inScale, int inZp, float outScale, int outZp, bool signed, float actMin, float actMax, TfliteKernels kernels)
    {
        double real = kernels == TfliteKernels.Micro ? (double)inScale / outScale : inScale / outScale;
        var m = QuantizedMultiplier.FromDouble(real);
        int min = signed ? -128 : 0, max = signed ? 127 : 255;
        int lo = Math.Max(min, outZp + (int)MathF.Round(actMin / outScale, MidpointRounding.AwayFromZero));
        int hi = float.IsPositiveInfinity(actMax) ? max : Math.Min(max, outZp + (int)MathF.Round(actMax / outScale, MidpointRounding.AwayFromZero));
        var table = new byte[256];
        for (int v = min; v <= max; v++)
        {
            int q = outZp + FixedPoint.MultiplyByQuantizedMultiplier(v - inZp, m.Multiplier, m.Shift, RoundingMode.DoubleRounding);
            table[v - min] = (byte)Math.Max(lo, Math.Min(hi, q));
        }
        return table;
    }
}
