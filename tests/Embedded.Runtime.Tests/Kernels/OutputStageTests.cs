using System;
using Embedded.Runtime.Building;
using Embedded.Runtime.Kernels;
using Embedded.Runtime.Model;
using Embedded.Runtime.Quantization;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Runtime.Tests.Kernels;

/// <summary>The fused fixed-point activations against a real-valued simulation of the same function.</summary>
[TestClass]
public sealed class OutputStageTests
{
    private static double Real(FusedActivation act, double x) => act switch
    {
        FusedActivation.None => x,
        FusedActivation.Relu => Math.Max(0, x),
        FusedActivation.Relu6 => Math.Min(6, Math.Max(0, x)),
        FusedActivation.HardSigmoid => Math.Min(1, Math.Max(0, x / 6 + 0.5)),
        FusedActivation.HardSwish => x * Math.Min(1, Math.Max(0, x / 6 + 0.5)),
        _ => throw new ArgumentOutOfRangeException(nameof(act)),
    };

    [TestMethod]
    [DataRow(FusedActivation.None)]
    [DataRow(FusedActivation.Relu)]
    [DataRow(FusedActivation.Relu6)]
    [DataRow(FusedActivation.HardSigmoid)]
    [DataRow(FusedActivation.HardSwish)]
    public void FixedPointActivation_IsWithinOneStepOfTheRealFunction(FusedActivation activation)
    {
        var random = new Random(20 + (int)activation);
        foreach (var outType in new[] { ElementType.Int8, ElementType.UInt8, ElementType.Int16 })
        foreach (var rounding in new[] { RoundingMode.DoubleRounding, RoundingMode.SingleRounding })
        foreach (bool wide in new[] { false, true })
        {
            int exact = 0, samples = 0;
            for (int trial = 0; trial < 40; trial++)
            {
                // An accumulator scale and an output range of about ±8 real units.
                double sAcc = Math.Exp(random.NextDouble() * 6 - 13) * (wide ? 0.01 : 1);
                double sOut = (activation == FusedActivation.HardSigmoid ? 1.0 : 16.0) / (outType == ElementType.Int16 ? 65536 : 256) * (0.8 + 0.4 * random.NextDouble());
                int zp = outType switch { ElementType.Int8 => random.Next(-20, 20), ElementType.UInt8 => random.Next(100, 150), _ => 0 };
                if (activation == FusedActivation.HardSigmoid) zp = outType.MinValue();
                var stage = OutputStageBuilder.Build(new[] { sAcc }, QuantizationParams.PerTensor((float)sOut, zp), outType, activation, rounding);
                for (int k = 0; k < 500; k++)
                {
                    double x = (random.NextDouble() * 2 - 1) * 9;
                    long acc = (long)Math.Round(x / sAcc);
                    if (!wide && (acc > int.MaxValue || acc < int.MinValue)) continue;
                    int actual = OutputStageMath.Apply(stage, 0, acc, wide, zp);
                    double real = Real(activation, acc * sAcc);
                    double expected = Math.Max(outType.MinValue(), Math.Min(outType.MaxValue(), Math.Round(real / (float)sOut, MidpointRounding.AwayFromZero) + zp));
                    Assert.IsTrue(Math.Abs(actual - expected) <= 1, $"{activation} {outType} {rounding} wide={wide}: x={acc * sAcc} → {actual}, expected {expected}");
                    if (actual == (int)expected) exact++;
                    samples++;
                }
            }
            // The 64-bit path reduces multipliers to 15 bits, so allow it more off-by-one results.
            double minExact = wide && outType == ElementType.Int16 ? 0.5 : 0.9;
            Assert.IsTrue(exact >= minExact * samples, $"{activation} {outType} {rounding} wide={wide}: only {exact}/{samples} exact");
        }
    }

    [TestMethod]
    public void HardCases_ComputedByHand()
    {
        // s_acc = 1/1024 (acc 3072 = 3.0), output int8 with scale 1/16, zero point 0.
        var outQ = QuantizationParams.PerTensor(1f / 16, 0);
        var hswish = OutputStageBuilder.Build(new[] { 1.0 / 1024 }, outQ, ElementType.Int8, FusedActivation.HardSwish);
        Assert.AreEqual(48, OutputStageMath.Apply(hswish, 0, 3072, false, 0));      // hswish(3) = 3 → 48
        Assert.AreEqual(0, OutputStageMath.Apply(hswish, 0, -3072, false, 0));      // hswish(−3) = 0
        Assert.AreEqual(18, OutputStageMath.Apply(hswish, 0, 1536, false, 0));      // hswish(1.5) = 1.5·0.75 = 1.125 → 18
        Assert.AreEqual(-6, OutputStageMath.Apply(hswish, 0, -1536, false, 0));     // hswish(−1.5) = −1.5·0.25 = −0.375 → −6
        Assert.AreEqual(127, OutputStageMath.Apply(hswish, 0, 10 * 1024, false, 0)); // 10 → 160, saturates at 127

        var hsig = OutputStageBuilder.Build(new[] { 1.0 / 1024 }, QuantizationParams.PerTensor(1f / 256, -128), ElementType.Int8, FusedActivation.HardSigmoid);
        Assert.AreEqual(-128, OutputStageMath.Apply(hsig, 0, -3072, false, -128));  // 0
        Assert.AreEqual(0, OutputStageMath.Apply(hsig, 0, 0, false, -128));         // 0.5 → 128 steps above −128
        Assert.AreEqual(127, OutputStageMath.Apply(hsig, 0, 3072, false, -128));    // 1.0 → 256 steps, clamped to 127

        var relu6 = OutputStageBuilder.Build(new[] { 1.0 / 1024 }, outQ, ElementType.Int8, FusedActivation.Relu6);
        Assert.AreEqual(96, relu6.ClampMax[0]);
        Assert.AreEqual(96, OutputStageMath.Apply(relu6, 0, 7 * 1024, false, 0));
        Assert.AreEqual(0, OutputStageMath.Apply(relu6, 0, -1024, false, 0));
    }
}
