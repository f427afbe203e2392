using System;

namespace Embedded.Runtime.Quantization;

/// <summary>
/// The gemmlowp fixed-point functions TFLite's reference softmax is built from (raw int32 values with a given
/// number of integer bits). Written from gemmlowp's documented algorithms so results match bit for bit:
/// additions wrap like gemmlowp's raw adds, products are <see cref="FixedPoint.SaturatingRoundingDoublingHighMul"/>.
/// </summary>
public static class GemmlowpFixedPoint
{
    // exp(−2^k) for k = −2 … 4 in Q0.31 (gemmlowp's barrel shifter constants); an array, not stackalloc, so the
    // nanoFramework runtime can compile this file.
    private static readonly int[] ExpMultipliers = { 1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242 };

    /// <summary>Raw value of 1.0 in a format with <paramref name="integerBits"/> integer bits (saturated for 0 bits).</summary>
    public static int One(int integerBits) => integerBits == 0 ? int.MaxValue : 1 << (31 - integerBits);

    /// <summary>x · 2^exponent: saturating left shift for exponent ≥ 0, rounding right shift otherwise.</summary>
    public static int SaturatingRoundingMultiplyByPOT(int x, int exponent)
    {
        if (exponent <= 0) return FixedPoint.RoundingDivideByPOT(x, -exponent);
        int threshold = (1 << (31 - exponent)) - 1;
        if (x > threshold) return int.MaxValue;
        if (x < -threshold) return int.MinValue;
        return x << exponent;
    }

    /// <summary>(a + b) / 2 rounded half away from zero, without overflow.</summary>
    public static int RoundingHalfSum(int a, int b)
    {
        long sum = (long)a + b;
        long sign = sum >= 0 ? 1 : -1;
        return (int)((sum + sign) / 2);
    }

    private static int Mul(int a, int b) => FixedPoint.SaturatingRoundingDoublingHighMul(a, b);

    /// <summary>exp(a) for a in [−1/4, 0), a and result with 0 integer bits: Taylor series around −1/8.</summary>
    private static int ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl(int a)
    {
        const int constantTerm = 1895147668;   // exp(−1/8)
        const int oneThird = 715827883;        // 1/3
        int x = unchecked(a + (1 << 28));      // a + 1/8
        int x2 = Mul(x, x);
        int x3 = Mul(x2, x);
        int x4 = Mul(x2, x2);
        int x4Over4 = SaturatingRoundingMultiplyByPOT(x4, -2);
        int poly = SaturatingRoundingMultiplyByPOT(unchecked(Mul(unchecked(x4Over4 + x3), oneThird) + x2), -1);
        return unchecked(constantTerm + Mul(constantTerm, unchecked(x + poly)));
    }

    /// <summary>
    /// exp(a) for a ≤ 0 given with <paramref name="integerBits"/> integer bits; the result has 0 integer bits.
    /// The fractional quarter goes through the polynomial, each integer bit of the remainder multiplies by a
    /// constant exp(−2^k) (the "barrel shifter").
    /// </summary>
    public static int ExpOnNegativeValues(int a, int integerBits)
    {
        int fractionalBits = 31 - integerBits;
        int oneQuarter = 1 << (fractionalBits - 2);
        int mask = oneQuarter - 1;
        int aModQuarterMinusOneQuarter = unchecked((a & mask) - oneQuarter);
        int result = ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl(SaturatingRoundingMultiplyByPOT(aModQuarterMinusOneQuarter, integerBits));
        int remainder = unchecked(aModQuarterMinusOneQuarter - a);

        for (int k = -2; k <= 4; k++)
        {
            if (integerBits <= k) continue;
            int shift = fractionalBits + k;
            if ((remainder & (1 << shift)) != 0) result = Mul(result, ExpMultipliers[k + 2]);
        }
        if (integerBits > 5)
        {
            int clamp = -(1 << (36 - integerBits));   // −32
            if (a < clamp) result = 0;
        }
        return a == 0 ? int.MaxValue : result;
    }

    /// <summary>1 / (1 + x) for x in [0, 1), both with 0 integer bits: three Newton–Raphson steps from 48/17 − 32/17·d.</summary>
    public static int OneOverOnePlusXForXIn01(int a)
    {
        int halfDenominator = RoundingHalfSum(a, int.MaxValue);
        const int constant48Over17 = 1515870810;    // 48/17, 2 integer bits
        const int constantNeg32Over17 = -1010580540; // −32/17, 2 integer bits
        int oneF2 = 1 << 29;
        int x = unchecked(constant48Over17 + Mul(halfDenominator, constantNeg32Over17));
        for (int i = 0; i < 3; i++)
        {
            int halfDenominatorTimesX = Mul(halfDenominator, x);
            int oneMinus = unchecked(oneF2 - halfDenominatorTimesX);
            x = unchecked(x + SaturatingRoundingMultiplyByPOT(Mul(x, oneMinus), 2));
        }
        return SaturatingRoundingMultiplyByPOT(x >> 1, 2);
    }

    /// <summary>
    /// TFLite GetReciprocal: 1 / x for a positive x with <paramref name="integerDigits"/> integer bits, returned as a
    /// 0-integer-bit value and the power of two it is scaled by.
    /// </summary>
    public static int GetReciprocal(int x, int integerDigits, out int numBitsOverUnit)
    {
        int headroomPlusOne = LeadingZeros((uint)x);
        numBitsOverUnit = integerDigits - headroomPlusOne;
        int shiftedSumMinusOne = unchecked((int)(((uint)x << headroomPlusOne) - (1u << 31)));
        return OneOverOnePlusXForXIn01(shiftedSumMinusOne);
    }

    private static int LeadingZeros(uint x)
    {
        if (x == 0) return 32;
        int n = 0;
        while ((x & 0x80000000u) == 0) { x <<= 1; n++; }
        return n;
    }
}
