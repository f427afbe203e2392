using System;

namespace Embedded.Runtime.Quantization;

/// <summary>
/// The integer primitives of requantization, bit-compatible with TFLite's reference implementations
/// (gemmlowp fixed point and TFLite's common.h). Every kernel path uses these, so they stay scalar and plain.
/// </summary>
public static class FixedPoint
{
    /// <summary>gemmlowp SaturatingRoundingDoublingHighMul: round(a·b / 2^31), saturating the one overflow case.</summary>
    public static int SaturatingRoundingDoublingHighMul(int a, int b)
    {
        if (a == b && a == int.MinValue)
            return int.MaxValue;
        long ab = (long)a * b;
        long nudge = ab >= 0 ? (1L << 30) : (1 - (1L << 30));
        // C++ integer division truncates toward zero; so does C#.
        return (int)((ab + nudge) / (1L << 31));
    }

    /// <summary>gemmlowp RoundingDivideByPOT: x / 2^exponent rounded half away from zero.</summary>
    public static int RoundingDivideByPOT(int x, int exponent)
    {
        int mask = (int)((1L << exponent) - 1);
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }

    /// <summary>TFLite MultiplyByQuantizedMultiplier (int32 accumulator) in the chosen rounding mode.</summary>
    public static int MultiplyByQuantizedMultiplier(int x, int multiplier, int shift, RoundingMode mode)
    {
        if (mode == RoundingMode.SingleRounding)
        {
            int totalShift = 31 - shift;
            long round = 1L << (totalShift - 1);
            long result = ((long)x * multiplier + round) >> totalShift;
            return SaturateToInt32(result);
        }
        int leftShift = shift > 0 ? shift : 0;
        int rightShift = shift > 0 ? 0 : -shift;
        // Wraps on overflow exactly like the int32 multiply in TFLite's reference code.
        return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(unchecked(x * (1 << leftShift)), multiplier), rightShift);
    }

    /// <summary>
    /// TFLite's 64-bit MultiplyByQuantizedMultiplier used by 16x8 kernels: the multiplier is reduced to 15 bits
    /// and the accumulator limited to ±2^47 so the product fits in 64 bits; one round-half-up shift.
    /// </summary>
    public static int MultiplyByQuantizedMultiplier(long x, int multiplier, int shift)
    {
        const long limit = 1L << 47;
        if (x >= limit) x = limit - 1;
        if (x < -limit) x = -limit;
        int reduced = multiplier < 0x7FFF0000 ? (multiplier + (1 << 15)) >> 16 : 0x7FFF;
        int totalShift = 15 - shift;
        long result;
        if (totalShift <= 0)
            result = x * reduced << -totalShift;
        else
            result = (x * reduced + (1L << (totalShift - 1))) >> totalShift;
        return SaturateToInt32(result);
    }

    /// <summary>round(x · multiplier · 2^(shift−31)) with one 64-bit product, for values known to fit (gates, scales).</summary>
    public static long MultiplyExact64(long x, long multiplier, int shift)
    {
        int totalShift = 31 - shift;
        return (x * multiplier + (1L << (totalShift - 1))) >> totalShift;
    }

    /// <summary>Arithmetic right shift rounding half up (towards +∞), as used for Q22 gate products.</summary>
    public static long RoundingShiftRight(long x, int shift) => shift == 0 ? x : (x + (1L << (shift - 1))) >> shift;

    public static int SaturateToInt32(long x) => x > int.MaxValue ? int.MaxValue : x < int.MinValue ? int.MinValue : (int)x;

    public static int Clamp(int x, int min, int max) => x < min ? min : x > max ? max : x;
}
