using Embedded.Runtime.Model;
using Embedded.Runtime.Quantization;

namespace Embedded.Runtime.Kernels;

/// <summary>
/// The conv/FC output stage on one accumulator (<see cref="OutputStageArithmetic"/>) applied to an <see cref="OutputStage"/>.
/// Shared by every kernel path so that fast paths only differ in how they compute accumulators.
/// </summary>
public static class OutputStageMath
{
    public const int GateBits = OutputStageArithmetic.GateBits;
    public const int GateOne = OutputStageArithmetic.GateOne;
    public const int GateHalf = OutputStageArithmetic.GateHalf;

    /// <summary>
    /// Output value (zero point added, clamped) for accumulator <paramref name="acc"/> of output channel
    /// <paramref name="channel"/>. <paramref name="wide"/> selects the 64-bit (int16 input) requantization.
    /// </summary>
    public static int Apply(OutputStage stage, int channel, long acc, bool wide, int zeroPoint)
    {
        var m = stage.Multipliers[stage.Multipliers.Length == 1 ? 0 : channel];
        var g = stage.HasGate ? stage.GateMultipliers[stage.GateMultipliers.Length == 1 ? 0 : channel] : default;
        long y = OutputStageArithmetic.Activate(stage.Activation, acc, m.Multiplier, m.Shift, g.Multiplier, g.Shift, stage.Rounding, wide);
        int min = stage.ClampMin[stage.ClampMin.Length == 1 ? 0 : channel];
        int max = stage.ClampMax[stage.ClampMax.Length == 1 ? 0 : channel];
        long q = zeroPoint + y;
        return q < min ? min : q > max ? max : (int)q;
    }

    /// <summary>See <see cref="OutputStageArithmetic.HardSwish"/>.</summary>
    public static long HardSwish(OutputStage stage, int channel, long acc, QuantizedMultiplier m, bool wide) =>
        OutputStageArithmetic.HardSwish(acc, Gate(stage, channel, acc), m.Multiplier, m.Shift, stage.Rounding, wide);

    /// <summary>See <see cref="OutputStageArithmetic.Gate"/>.</summary>
    public static int Gate(OutputStage stage, int channel, long acc)
    {
        var g = stage.GateMultipliers[stage.GateMultipliers.Length == 1 ? 0 : channel];
        return OutputStageArithmetic.Gate(acc, g.Multiplier, g.Shift);
    }

    /// <summary>See <see cref="OutputStageArithmetic.Requantize"/>.</summary>
    public static int Requantize(long acc, QuantizedMultiplier m, RoundingMode rounding, bool wide) =>
        OutputStageArithmetic.Requantize(acc, m.Multiplier, m.Shift, rounding, wide);
}
