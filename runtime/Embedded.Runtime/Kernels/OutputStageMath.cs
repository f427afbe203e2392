using Embedded.Runtime.Model;
using Embedded.Runtime.Quantization;

namespace Embedded.Runtime.Kernels;

/// <summary>
/// The conv/FC output stage on one accumulator (docs/quantization.md, "Output stage"). Shared by every kernel
/// path so that fast paths only differ in how they compute accumulators.
/// </summary>
public static class OutputStageMath
{
    /// <summary>0.5 in Q15: the h-sigmoid gate is clamp(x/6 + 0.5, 0, 1).</summary>
    public const int GateHalf = 1 << 14;
    public const int GateOne = 1 << 15;
    public const int GateBits = 15;

    /// <summary>
    /// Output value (zero point added, clamped) for accumulator <paramref name="acc"/> of output channel
    /// <paramref name="channel"/>. <paramref name="wide"/> selects the 64-bit (int16 input) requantization.
    /// </summary>
    public static int Apply(OutputStage stage, int channel, long acc, bool wide, int zeroPoint)
    {
        var m = stage.Multipliers[stage.Multipliers.Length == 1 ? 0 : channel];
        long y;
        switch (stage.Activation)
        {
            case FusedActivation.HardSwish:
            {
                int gate = Gate(stage, channel, acc);
                long gated = FixedPoint.RoundingShiftRight(acc * gate, GateBits);
                y = Requantize(gated, m, stage.Rounding, wide);
                break;
            }
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

    /// <summary>Q15 h-sigmoid gate: clamp(round(acc · G) + 0.5, 0, 1) with G = s_acc·2^15/6 (single rounding, 64-bit).</summary>
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
