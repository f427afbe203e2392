using Embedded.Runtime.Model;
using Embedded.Runtime.Quantization;

namespace Embedded.Runtime.Kernels;

/// <summary>
/// The conv/FC output stage on one accumulator (docs/quantization.md, "Output stage"). Shared by every kernel
/// path so that fast paths only differ in how they compute accumulators.
/// </summary>
public static class OutputStageMath
{
    /// <summary>
    /// The h-sigmoid gate clamp(x/6 + 0.5, 0, 1) is a Q22 fixed-point number: fine enough that int16 outputs
    /// stay within one step of the real function, small enough that acc · gate fits in 64 bits.
    /// </summary>
    public const int GateBits = 22;
    public const int GateOne = 1 << GateBits;
    public const int GateHalf = 1 << (GateBits - 1);

    /// <summary>
    /// Output value (zero point added, clamped) for accumulator <paramref name="acc"/> of output channel
    /// <paramref name="channel"/>. <paramref name="wide"/> selects the 64-bit (int16 input) requantization.
    /// </summary>
    public static int Apply(OutputStage stage, int channel, long acc, bool wide, int zeroPoint)
    {
        // 8-bit inputs accumulate in int32 (as TFLite does, wrapping); every kernel path then agrees exactly.
        if (!wide) acc = unchecked((int)acc);
        var m = stage.Multipliers[stage.Multipliers.Length == 1 ? 0 : channel];
        long y;
        switch (stage.Activation)
        {
            case FusedActivation.HardSwish:
                y = HardSwish(stage, channel, acc, m, wide);
                break;
            case FusedActivation.HardSigmoid:
                y = FixedPoint.MultiplyByQuantizedMultiplier(Gate(stage, channel, acc), m.Multiplier, m.Shift, stage.Rounding);
                break;
            default:
                y = Requantize(acc, m, stage.Rounding, wide);
                break;
        }
        int min = stage.ClampMin[stage.ClampMin.Length == 1 ? 0 : channel];
        int max = stage.ClampMax[stage.ClampMax.Length == 1 ? 0 : channel];
        long q = zeroPoint + y;
        return q < min ? min : q > max ? max : (int)q;
    }

    /// <summary>
    /// x · gate with the gate folded into the multiplier (gm = gate·M / 2^22 rounded, at most M) and acc·gm rounded once
    /// — for every gate, so a saturated gate (gm = M) is the single-rounding requantization and a zero gate gives 0. No
    /// intermediate rounding to accumulator units, which would cost whole output steps when s_acc &gt; s_out. Only a
    /// 64-bit accumulator beyond int32 (an int16-input sum; its gate is saturated) keeps the wide requantization.
    /// </summary>
    public static long HardSwish(OutputStage stage, int channel, long acc, QuantizedMultiplier m, bool wide)
    {
        int gate = Gate(stage, channel, acc);
        if (gate == 0) return 0;
        if (acc > int.MaxValue || acc < int.MinValue) return Requantize(acc, m, stage.Rounding, wide);
        long gatedMultiplier = FixedPoint.RoundingShiftRight((long)gate * m.Multiplier, GateBits);
        return FixedPoint.SaturateToInt32(FixedPoint.MultiplyExact64(acc, gatedMultiplier, m.Shift));
    }

    /// <summary>Q22 h-sigmoid gate: clamp(round(acc · G) + 0.5, 0, 1) with G = s_acc·2^22/6 (single rounding, 64-bit).</summary>
    public static int Gate(OutputStage stage, int channel, long acc)
    {
        var g = stage.GateMultipliers[stage.GateMultipliers.Length == 1 ? 0 : channel];
        long accClamped = acc > int.MaxValue ? int.MaxValue : acc < int.MinValue ? int.MinValue : acc;
        long gate = FixedPoint.MultiplyExact64(accClamped, g.Multiplier, g.Shift) + GateHalf;
        return gate < 0 ? 0 : gate > GateOne ? GateOne : (int)gate;
    }

    /// <summary>8-bit inputs: int32 accumulator (wrapping as in TFLite), chosen rounding; int16 inputs: 64-bit path.</summary>
    public static int Requantize(long acc, QuantizedMultiplier m, RoundingMode rounding, bool wide) =>
        wide
            ? FixedPoint.MultiplyByQuantizedMultiplier(acc, m.Multiplier, m.Shift)
            : FixedPoint.MultiplyByQuantizedMultiplier(unchecked((int)acc), m.Multiplier, m.Shift, rounding);
}
