extern alias nano;
using System;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using FloatBits = nano::Embedded.Firmware.Nano.Format.FloatBits;

namespace Embedded.Firmware.Nano.Tests.Format;

/// <summary>The nano runtime's stand-ins for BitConverter.SingleToInt32Bits and Math.Round(…, AwayFromZero) against the BCL's.</summary>
[TestClass]
public sealed class FloatBitsTests
{
    [TestMethod]
    public void SingleToInt32Bits_EqualsTheBcl_ForNormalsSubnormalsZerosInfinitiesAndNaN()
    {
        var r = new Random(31);
        var special = new[] { 0f, -0f, float.Epsilon, -float.Epsilon, 1e-40f, -3e-39f, float.MaxValue, float.MinValue, float.PositiveInfinity, float.NegativeInfinity, float.NaN, 1f, 0.5f, 1.17549435e-38f };
        foreach (float f in special)
            Assert.AreEqual(BitConverter.SingleToInt32Bits(f), FloatBits.SingleToInt32Bits(f), $"{f:R}");
        for (int i = 0; i < 100_000; i++)
        {
            float f = BitConverter.Int32BitsToSingle(r.Next() ^ (r.Next(2) << 31));
            if (float.IsNaN(f)) continue; // NaN payloads other than the quiet default are not produced by arithmetic
            Assert.AreEqual(BitConverter.SingleToInt32Bits(f), FloatBits.SingleToInt32Bits(f), $"{f:R}");
        }
    }

    [TestMethod]
    public void RoundHalfAway_EqualsMathRound_AtHalvesAndAtRandom()
    {
        var r = new Random(32);
        for (int i = -300; i <= 300; i++)
        {
            double half = i + 0.5;
            Assert.AreEqual(Math.Round(half, MidpointRounding.AwayFromZero), FloatBits.RoundHalfAway(half), $"{half}");
            Assert.AreEqual(MathF.Round((float)half, MidpointRounding.AwayFromZero), FloatBits.RoundHalfAway((float)half), $"{half}f");
        }
        for (int i = 0; i < 100_000; i++)
        {
            double d = (r.NextDouble() - 0.5) * Math.Pow(2, r.Next(-3, 40));
            Assert.AreEqual(Math.Round(d, MidpointRounding.AwayFromZero), FloatBits.RoundHalfAway(d), $"{d:R}");
            float f = (float)d;
            Assert.AreEqual(MathF.Round(f, MidpointRounding.AwayFromZero), FloatBits.RoundHalfAway(f), $"{f:R}");
        }
        Assert.IsTrue(double.IsNaN(FloatBits.RoundHalfAway(double.NaN)));
        Assert.AreEqual(double.PositiveInfinity, FloatBits.RoundHalfAway(double.PositiveInfinity));
    }
}
