using Embedded.Runtime.Format;
using Embedded.Runtime.Quantization;

namespace Embedded.Runtime.Model;

/// <summary>
/// Quantized Add with broadcasting (TFLite's algorithm): both inputs are shifted left by <see cref="LeftShift"/>,
/// scaled to a common scale by their multipliers, summed, and requantized. Multiplier arrays have length 1 or
/// the channel count (per-channel activation scales).
/// </summary>
public sealed class AddParams : OperatorParams
{
    public RoundingMode Rounding { get; init; }
    public int LeftShift { get; init; } = 20;
    public required QuantizedMultiplier[] Input1Multipliers { get; init; }
    public required QuantizedMultiplier[] Input2Multipliers { get; init; }
    public required QuantizedMultiplier[] OutputMultipliers { get; init; }
    public required int[] ClampMin { get; init; }
    public required int[] ClampMax { get; init; }
    /// <summary>Subtract the second input instead of adding it (TFLite SUB), in one of TFLite's two roundings.</summary>
    public SubtractMode Subtract { get; init; }

    internal override void Write(BinarySink sink)
    {
        sink.WriteByte((byte)Rounding);
        sink.WriteByte((byte)Subtract);
        sink.WriteInt32(LeftShift);
        ParamEncoding.WriteMultipliers(sink, Input1Multipliers);
        ParamEncoding.WriteMultipliers(sink, Input2Multipliers);
        ParamEncoding.WriteMultipliers(sink, OutputMultipliers);
        ParamEncoding.WriteInts(sink, ClampMin);
        ParamEncoding.WriteInts(sink, ClampMax);
    }

    internal static AddParams Read(BinaryCursor c) => new()
    {
        Rounding = ParamEncoding.ReadRounding(c, "rounding"),
        Subtract = c.ReadEnum<SubtractMode>("subtract", v => v <= (byte)SubtractMode.SubtractProduct),
        LeftShift = c.ReadInt32("leftShift"),
        Input1Multipliers = ParamEncoding.ReadMultipliers(c, "input1Multipliers"),
        Input2Multipliers = ParamEncoding.ReadMultipliers(c, "input2Multipliers"),
        OutputMultipliers = ParamEncoding.ReadMultipliers(c, "outputMultipliers"),
        ClampMin = ParamEncoding.ReadInts(c, "clampMin"),
        ClampMax = ParamEncoding.ReadInts(c, "clampMax"),
    };
}
