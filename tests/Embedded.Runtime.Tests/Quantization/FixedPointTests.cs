using System;
using System.Numerics;
using Embedded.Runtime.Quantization;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Runtime.Tests.Quantization;

/// <summary>The fixed-point primitives against exact big-integer arithmetic with the documented rounding.</summary>
[TestClass]
public sealed class FixedPointTests
{
    /// <summary>round(n / d), halves away from zero, exactly.</summary>
    private static BigInteger RoundHalfAway(BigInteger n, BigInteger d)
    {
        var q = BigInteger.DivRem(BigInteger.Abs(n), d, out var r);
        if (r * 2 >= d) q += 1;
        return n.Sign < 0 ? -q : q;
    }

    /// <summary>round(n / d), halves towards +∞, exactly (floor((2n + d) / 2d)).</summary>
    private static BigInteger RoundHalfUp(BigInteger n, BigInteger d)
    {
        var num = 2 * n + d;
        var den = 2 * d;
        var q = BigInteger.DivRem(num, den, out var r);
        if (r.Sign < 0) q -= 1;
        return q;
    }

    [TestMethod]
    public void SaturatingRoundingDoublingHighMul_IsRoundHalfUpOfProductOver2Pow31()
    {
        var random = new Random(1);
        for (int i = 0; i < 200_000; i++)
        {
            int a = i < 100 ? SpecialValue(i) : random.Next(int.MinValue, int.MaxValue);
            int b = random.Next(int.MinValue, int.MaxValue);
            if (a == int.MinValue && b == int.MinValue) continue;
            // gemmlowp's nudge (1 − 2^30 for negative products, then truncation) sends ties towards +∞.
            var expected = RoundHalfUp((BigInteger)a * b, BigInteger.One << 31);
            Assert.AreEqual((int)expected, FixedPoint.SaturatingRoundingDoublingHighMul(a, b), $"a={a} b={b}");
        }
        Assert.AreEqual(int.MaxValue, FixedPoint.SaturatingRoundingDoublingHighMul(int.MinValue, int.MinValue));
    }

    [TestMethod]
    public void RoundingDivideByPOT_IsRoundHalfAway()
    {
        var random = new Random(2);
        for (int exponent = 0; exponent <= 31; exponent++)
        for (int i = 0; i < 5000; i++)
        {
            int x = i < 20 ? SpecialValue(i) : random.Next(int.MinValue, int.MaxValue);
            var expected = RoundHalfAway(x, BigInteger.One << exponent);
            Assert.AreEqual((int)expected, FixedPoint.RoundingDivideByPOT(x, exponent), $"x={x} e={exponent}");
        }
        // Hand-computed halves.
        Assert.AreEqual(2, FixedPoint.RoundingDivideByPOT(3, 1));
        Assert.AreEqual(-2, FixedPoint.RoundingDivideByPOT(-3, 1));
        Assert.AreEqual(1, FixedPoint.RoundingDivideByPOT(5, 2));
        Assert.AreEqual(-1, FixedPoint.RoundingDivideByPOT(-5, 2));
        Assert.AreEqual(2, FixedPoint.RoundingDivideByPOT(6, 2));
        Assert.AreEqual(-2, FixedPoint.RoundingDivideByPOT(-6, 2));
    }

    [TestMethod]
    public void SingleRounding_IsOneRoundHalfUpOfTheExactProduct()
    {
        var random = new Random(3);
        for (int i = 0; i < 200_000; i++)
        {
            int x = random.Next(-(1 << 24), 1 << 24);
            int m = random.Next(1 << 30, int.MaxValue);
            int shift = random.Next(-31, 8);
            var exact = RoundHalfUp((BigInteger)x * m, BigInteger.One << (31 - shift));
            if (exact > int.MaxValue || exact < int.MinValue) continue;
            Assert.AreEqual((int)exact, FixedPoint.MultiplyByQuantizedMultiplier(x, m, shift, RoundingMode.SingleRounding), $"x={x} m={m} s={shift}");
        }
    }

    [TestMethod]
    public void DoubleRounding_MatchesTheTwoStepDefinitionAndStaysWithinOneOfExact()
    {
        var random = new Random(4);
        for (int i = 0; i < 200_000; i++)
        {
            int x = random.Next(-(1 << 22), 1 << 22);
            int m = random.Next(1 << 30, int.MaxValue);
            int shift = random.Next(-20, 8);
            int leftShift = Math.Max(shift, 0), rightShift = Math.Max(-shift, 0);
            var high = RoundHalfUp((BigInteger)x * (BigInteger.One << leftShift) * m, BigInteger.One << 31);
            var expected = RoundHalfAway(high, BigInteger.One << rightShift);
            if (expected > int.MaxValue || expected < int.MinValue || (long)x << leftShift != (int)((long)x << leftShift)) continue;
            int actual = FixedPoint.MultiplyByQuantizedMultiplier(x, m, shift, RoundingMode.DoubleRounding);
            Assert.AreEqual((int)expected, actual, $"x={x} m={m} s={shift}");
            double real = (double)x * m * Math.Pow(2, shift - 31);
            Assert.IsTrue(Math.Abs(actual - real) <= 1.0, $"x={x}: {actual} vs exact {real}");
        }
    }

    [TestMethod]
    public void RoundingModes_HandComputedCases()
    {
        // M = 0.25 encoded as 2^30 · 2^(−1−31).
        var quarter = QuantizedMultiplier.FromDouble(0.25);
        Assert.AreEqual(new QuantizedMultiplier(1 << 30, -1), quarter);
        int Double(int x) => FixedPoint.MultiplyByQuantizedMultiplier(x, quarter.Multiplier, quarter.Shift, RoundingMode.DoubleRounding);
        int Single(int x) => FixedPoint.MultiplyByQuantizedMultiplier(x, quarter.Multiplier, quarter.Shift, RoundingMode.SingleRounding);
        // 5 · 0.25 = 1.25: double rounding first rounds 2.5 up to 3, then 1.5 away to 2 (an error of 0.75); single gives 1.
        Assert.AreEqual(2, Double(5));
        Assert.AreEqual(1, Single(5));
        // −2 · 0.25 = −0.5: double rounding ends with a tie rounded away (−1); single rounds the tie up (0).
        Assert.AreEqual(-1, Double(-2));
        Assert.AreEqual(0, Single(-2));
        // Exact results agree.
        Assert.AreEqual(3, Double(12));
        Assert.AreEqual(3, Single(12));
        Assert.AreEqual(-3, Double(-12));
        Assert.AreEqual(-3, Single(-12));
    }

    [TestMethod]
    public void WideMultiply_MatchesTflite16x8Definition()
    {
        var random = new Random(5);
        for (int i = 0; i < 100_000; i++)
        {
            long x = (long)(random.NextDouble() * 2 - 1) * (1L << 40) + random.Next();
            int m = random.Next(1 << 30, int.MaxValue);
            int shift = random.Next(-31, 8);
            long reduced = m < 0x7FFF0000 ? (m + (1 << 15)) >> 16 : 0x7FFF;
            var expected = BigInteger.Divide((BigInteger)x * reduced + (BigInteger.One << (14 - shift)), BigInteger.One << (15 - shift));
            // BigInteger.Divide truncates; the definition is an arithmetic shift (floor).
            var floor = ((BigInteger)x * reduced + (BigInteger.One << (14 - shift))) >> (15 - shift);
            if (floor > int.MaxValue || floor < int.MinValue) continue;
            Assert.AreEqual((int)floor, FixedPoint.MultiplyByQuantizedMultiplier(x, m, shift), $"x={x} m={m} s={shift}");
            _ = expected;
        }
    }

    [TestMethod]
    public void QuantizedMultiplier_EncodesWithinHalfAnUlp()
    {
        var random = new Random(6);
        for (int i = 0; i < 100_000; i++)
        {
            double real = Math.Exp(random.NextDouble() * 40 - 30);
            var q = QuantizedMultiplier.FromDouble(real);
            Assert.IsTrue(q.IsValid, $"{real}: {q}");
            if (q.Multiplier == 0) { Assert.IsTrue(real < Math.Pow(2, -32)); continue; }
            Assert.IsTrue(q.Multiplier >= 1 << 30);
            double ulp = Math.Pow(2, q.Shift - 31);
            Assert.IsTrue(Math.Abs(q.ToDouble() - real) <= ulp / 2 * 1.0000001, $"{real} → {q}");
        }
        Assert.AreEqual(new QuantizedMultiplier(1 << 30, 0), QuantizedMultiplier.FromDouble(0.5));
        Assert.AreEqual(new QuantizedMultiplier(1 << 30, 1), QuantizedMultiplier.FromDouble(1.0));
        Assert.AreEqual(new QuantizedMultiplier(0, 0), QuantizedMultiplier.FromDouble(0));
        // Rounding up to 2^31 renormalizes: 1 - 2^-40 encodes as 1.0.
        Assert.AreEqual(new QuantizedMultiplier(1 << 30, 1), QuantizedMultiplier.FromDouble(1 - Math.Pow(2, -40)));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => QuantizedMultiplier.FromDouble(-1));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => QuantizedMultiplier.FromDouble(double.NaN));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => QuantizedMultiplier.FromDouble(1e12));
    }

    private static int SpecialValue(int i) => (i % 10) switch
    {
        0 => 0, 1 => 1, 2 => -1, 3 => int.MaxValue, 4 => int.MinValue, 5 => 1 << 30, 6 => -(1 << 30), 7 => (1 << 30) + 1, 8 => 12345, _ => -12345,
    };
}
