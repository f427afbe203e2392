using Embedded.Runtime.Format;
using Embedded.Runtime.Quantization;

namespace Embedded.Runtime.Model;

/// <summary>
/// What a conv / depthwise / FC does with each int32 accumulator (bias included): optional fused activation
/// in fixed point, one requantization, zero point, clamp. Per-channel arrays have length 1 (shared) or the
/// number of output channels. Exact semantics: docs/quantization.md, "Output stage".
/// </summary>
public sealed class OutputStage
{
    public FusedActivation Activation { get; }
    public RoundingMode Rounding { get; }
    /// <summary>Accumulator → output units (HardSigmoid: Q22 gate → output units).</summary>
    public QuantizedMultiplier[] Multipliers { get; }
    /// <summary>Accumulator → Q22 units of x/6, for HardSigmoid and HardSwish; empty otherwise.</summary>
    public QuantizedMultiplier[] GateMultipliers { get; }
    /// <summary>Inclusive output clamps in quantized units (zero point included).</summary>
    public int[] ClampMin { get; }
    public int[] ClampMax { get; }

    public OutputStage(FusedActivation activation, RoundingMode rounding, QuantizedMultiplier[] multipliers,
        QuantizedMultiplier[] gateMultipliers, int[] clampMin, int[] clampMax)
    {
        Activation = activation;
        Rounding = rounding;
        Multipliers = multipliers;
        GateMultipliers = gateMultipliers;
        ClampMin = clampMin;
        ClampMax = clampMax;
    }

    public bool HasGate => Activation == FusedActivation.HardSigmoid || Activation == FusedActivation.HardSwish;

    internal void Write(BinarySink sink)
    {
        sink.WriteByte((byte)Activation);
        sink.WriteByte((byte)Rounding);
        ParamEncoding.WriteMultipliers(sink, Multipliers);
        ParamEncoding.WriteMultipliers(sink, GateMultipliers);
        ParamEncoding.WriteInts(sink, ClampMin);
        ParamEncoding.WriteInts(sink, ClampMax);
    }

    internal static OutputStage Read(BinaryCursor cursor, string field)
    {
        var activation = cursor.ReadEnum<FusedActivation>(field + ".activation", v => v <= (byte)FusedActivation.HardSwish);
        var rounding = ParamEncoding.ReadRounding(cursor, field + ".rounding");
        var multipliers = ParamEncoding.ReadMultipliers(cursor, field + ".multipliers");
        var gates = ParamEncoding.ReadMultipliers(cursor, field + ".gateMultipliers");
        var clampMin = ParamEncoding.ReadInts(cursor, field + ".clampMin");
        var clampMax = ParamEncoding.ReadInts(cursor, field + ".clampMax");
        return new OutputStage(activation, rounding, multipliers, gates, clampMin, clampMax);
    }
}
