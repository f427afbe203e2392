using System;
using Embedded.Runtime.Quantization;

namespace Embedded.Converter.Tflite;

/// <summary>
/// TFLite's quantized HARD_SWISH (reference kernel) evaluated for every 8-bit input value, to fill a 256-entry
/// table: the input on a 2^7-finer scale, a Q15 "relu-ish" factor for clamp(x/3, −1, 1) mapped to [0, 1], a
/// truncating doubling high multiply (to cancel the rounding bias) and a final rounding shift — all in int16.
/// </summary>
internal static class TfliteHardSwish
{
    public static byte[] Table(float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint, bool signed)
    {
        // Parameters as TFLite's Prepare computes them, in float.
        float hiresInputScale = (1.0f / 128.0f) * inputScale;
        float reluishScale = 3.0f / 32768.0f;
        var output = QuantizedMultiplier.FromDouble(hiresInputScale / outputScale);
        var reluish = QuantizedMultiplier.FromDouble(hiresInputScale / reluishScale);
        short outputMultiplier = ToInt16(output.Multiplier), reluishMultiplier = ToInt16(reluish.Multiplier);
        int outputExponent = output.Shift, reluishExponent = reluish.Shift;
        if (outputExponent > 0) throw new TfliteFormatException("HARD_SWISH: output scale too small for TFLite's fixed-point algorithm");

        int min = signed ? -128 : 0, max = signed ? 127 : 255;
        var table = new byte[256];
        for (int i = 0; i < 256; i++)
        {
            int q = signed ? i - 128 : i;
            short input = (short)(q - inputZeroPoint);
            short hires = (short)(input * (1 << 7));
            short preshiftOutput = SaturatingRoundingDoublingHighMul(hires, outputMultiplier);
            short r = hires;
            if (reluishExponent > 0) r = SaturatingLeftShift(r, reluishExponent - 1);
            r = SaturatingRoundingDoublingHighMul(r, reluishMultiplier);
            if (reluishExponent > 0) r = SaturatingLeftShift(r, 1);
            if (reluishExponent < 0) r = RoundingDivideByPOT(r, -reluishExponent);
            r = (short)((r + (1 << 15)) >> 1);
            short preshift = SaturatingDoublingHighMul(r, preshiftOutput);
            // int16 arithmetic as in TFLite (the addition wraps before the clamp).
            int value = unchecked((short)(RoundingDivideByPOT(preshift, -outputExponent) + outputZeroPoint));
            value = Math.Max(min, Math.Min(max, value));
            table[i] = unchecked((byte)value);
        }
        return table;
    }

    /// <summary>TFLite DownScaleInt32ToInt16Multiplier: round the Q31 multiplier to Q15, saturating at the top.</summary>
    private static short ToInt16(int multiplier) =>
        multiplier >= int.MaxValue - (1 << 15) ? short.MaxValue : (short)((multiplier + (1 << 15)) >> 16);

    private static short SaturatingLeftShift(short value, int amount)
    {
        long result = (long)value * (1L << amount);
        return (short)Math.Max(short.MinValue, Math.Min(short.MaxValue, result));
    }

    /// <summary>gemmlowp's int16 SaturatingRoundingDoublingHighMul (ties towards +∞ as its nudge gives).</summary>
    private static short SaturatingRoundingDoublingHighMul(short a, short b)
    {
        if (a == b && a == short.MinValue) return short.MaxValue;
        int ab = a * b;
        int nudge = ab >= 0 ? 1 << 14 : 1 - (1 << 14);
        return (short)((ab + nudge) / (1 << 15));
    }

    /// <summary>Like SQDMULH: doubling high multiply that truncates towards zero.</summary>
    private static short SaturatingDoublingHighMul(short a, short b)
    {
        if (a == b && a == short.MinValue) return short.MaxValue;
        return (short)(a * b / (1 << 15));
    }

    /// <summary>gemmlowp RoundingDivideByPOT on int16 values (ties away from zero).</summary>
    private static short RoundingDivideByPOT(short x, int exponent)
    {
        int mask = (1 << exponent) - 1;
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (short)((x >> exponent) + (remainder > threshold ? 1 : 0));
    }
}
