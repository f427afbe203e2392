using System;
using Embedded.Runtime.Quantization;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Runtime.Tests.Quantization;

/// <summary>
/// gemmlowp's fixed-point exp and reciprocal against real arithmetic. Bit-exactness with TFLite is shown end to end
/// by the TFLite Micro goldens (converter tests); here the functions must approximate what they claim everywhere.
/// </summary>
[TestClass]
public sealed class GemmlowpFixedPointTests
{
    [TestMethod]
    public void ExpOnNegativeValues_ApproximatesExp_OverTheWholeQ5_26Range()
    {
        var random = new Random(3);
        Assert.AreEqual(int.MaxValue, GemmlowpFixedPoint.ExpOnNegativeValues(0, 5), "exp(0) is the largest Q0.31 value");
        for (int i = 0; i < 20000; i++)
        {
            int raw = -random.Next(0, int.MaxValue);
            double x = raw / (double)(1 << 26);
            double actual = GemmlowpFixedPoint.ExpOnNegativeValues(raw, 5) / 2147483648.0;
            Assert.AreEqual(Math.Exp(x), actual, 1e-6, $"exp({x})");
        }
    }

    [TestMethod]
    public void GetReciprocal_ApproximatesOneOverX_ForAccumulatedSums()
    {
        var random = new Random(4);
        for (int i = 0; i < 20000; i++)
        {
            int raw = random.Next(1 << 19, int.MaxValue);   // sums of 12-integer-bit values from 1.0 upwards
            double x = raw / (double)(1 << 19);
            int scale = GemmlowpFixedPoint.GetReciprocal(raw, 12, out int bitsOverUnit);
            double reciprocal = scale / 2147483648.0 / Math.Pow(2, bitsOverUnit);
            Assert.AreEqual(1 / x, reciprocal, 1e-8 / x, $"1/{x}");
        }
    }

    [TestMethod]
    public void SaturatingRoundingMultiplyByPOT_SaturatesLeftShifts_AndRoundsRightShifts()
    {
        Assert.AreEqual(int.MaxValue, GemmlowpFixedPoint.SaturatingRoundingMultiplyByPOT(1 << 29, 2));
        Assert.AreEqual(int.MinValue, GemmlowpFixedPoint.SaturatingRoundingMultiplyByPOT(-(1 << 29), 2));
        Assert.AreEqual(1 << 30, GemmlowpFixedPoint.SaturatingRoundingMultiplyByPOT(1 << 28, 2));
        Assert.AreEqual(2, GemmlowpFixedPoint.SaturatingRoundingMultiplyByPOT(6, -2));   // 1.5 rounds away from zero
        Assert.AreEqual(-2, GemmlowpFixedPoint.SaturatingRoundingMultiplyByPOT(-6, -2));
        Assert.AreEqual(1, GemmlowpFixedPoint.RoundingHalfSum(1, 0));
        Assert.AreEqual(-1, GemmlowpFixedPoint.RoundingHalfSum(-1, 0));
        Assert.AreEqual(int.MaxValue, GemmlowpFixedPoint.RoundingHalfSum(int.MaxValue, int.MaxValue));
    }
}
