using Embedded.Runtime.Model;

namespace Embedded.Runtime.Quantization;

/// <summary>
/// The output stage of conv / depthwise / FC on one accumulator, on plain integers (docs/quantization.md, "Output
/// stage"): fused activation in fixed point, one requantization. <c>OutputStageMath</c> applies it to an
/// <c>OutputStage</c>; the nanoFramework runtime compiles this file as it is (no Span, no Math), so both
/// runtimes share one definition of the arithmetic.
/// </summary>
public static class OutputStageArithmetic
{
    /// <summary>
    /// The h-sigmoid gate clamp(x/6 + 0.5, 0, 1) is a Q22 fixed-point number: fine enough that int16 outputs
    /// stay within one step of the real function, small enough that acc · gate fits in 64 bits.
    /// </summary>
    public const int GateBits = 22;
    public const int GateOne = 1 << GateBits;
    public const int GateHalf = 1 << (GateBits - 1);

    /// <summary>
    /// The activated, requantized accumulator before the zero point and the clamps. <paramref name="wide"/> selects the
    /// 64-bit (int16 input) requantization; 8-bit inputs accumulate in int32 (wrapping, as TFLite does).
    /// </summary>
    public static long Activate(FusedActivation activation, long acc, int multiplier, int shift, int gateMultiplier, int gateShift, RoundingMode rounding, bool wide)
    {
        if (!wide) acc = unchecked((int)acc);
        if (activation == FusedActivation.HardSwish)
            return HardSwish(acc, Gate(acc, gateMultiplier, gateShift), multiplier, shift, rounding, wide);
        if (activation == FusedActivation.HardSigmoid)
            return FixedPoint.MultiplyByQuantizedMultiplier(Gate(acc, gateMultiplier, gateShift), multiplier, shift, rounding);
        return Requantize(acc, multiplier, shift, rounding, wide);
    }

    /// <summary>
    /// x · gate with the gate folded into the multiplier (gm = gate·M / 2^22 rounded, at most M) and acc·gm rounded once
    /// — for every gate, so a saturated gate (gm = M) is the single-rounding requantization and a zero gate gives 0. No
    /// intermediate rounding to accumulator units, which would cost whole output steps when s_acc &gt; s_out. Only a
    /// 64-bit accumulator beyond int32 (an int16-input sum; its gate is saturated) keeps the wide requantization.
    /// </summary>
    public static long HardSwish(long acc, int gate, int multiplier, int shift, RoundingMode rounding, bool wide)
    {
        if (gate == 0) return 0;
        if (acc > int.MaxValue || acc < int.MinValue) return Requantize(acc, multiplier, shift, rounding, wide);
        long gatedMultiplier = FixedPoint.RoundingShiftRight((long)gate * multiplier, GateBits);
        return FixedPoint.SaturateToInt32(FixedPoint.MultiplyExact64(acc, gatedMultiplier, shift));
    }

    /// <summary>Q22 h-sigmoid gate: clamp(round(acc · G) + 0.5, 0, 1) with G = s_acc·2^22/6 (single rounding, 64-bit).</summary>
    public static int Gate(long acc, int gateMultiplier, int gateShift)
    {
        long accClamped = acc > int.MaxValue ? int.MaxValue : acc < int.MinValue ? int.MinValue : acc;
        long gate = FixedPoint.MultiplyExact64(accClamped, gateMultiplier, gateShift) + GateHalf;
        return gate < 0 ? 0 : gate > GateOne ? GateOne : (int)gate;
    }

    /// <summary>8-bit inputs: int32 accumulator (wrapping as in TFLite), chosen rounding; int16 inputs: 64-bit path.</summary>
    public static int Requantize(long acc, int multiplier, int shift, RoundingMode rounding, bool wide) =>
        wide
            ? FixedPoint.MultiplyByQuantizedMultiplier(acc, multiplier, shift)
            : FixedPoint.MultiplyByQuantizedMultiplier(unchecked((int)acc), multiplier, shift, rounding);
}
