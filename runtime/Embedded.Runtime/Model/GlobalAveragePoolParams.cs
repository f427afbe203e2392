using Embedded.Runtime.Format;
using Embedded.Runtime.Quantization;

namespace Embedded.Runtime.Model;

/// <summary>
/// Mean over H and W of NHWC → [N,1,1,C]: zp_out + M·(Σx − H·W·zp_in), M = s_in / (s_out·H·W) per channel.
/// </summary>
public sealed class GlobalAveragePoolParams : OperatorParams
{
    public RoundingMode Rounding { get; init; }
    public required QuantizedMultiplier[] Multipliers { get; init; }
    /// <summary>
    /// TFLite MEAN mode (null = off): out = M·Σx + bias, with bias = zp_out − round(zp_in·s_in/s_out) computed in
    /// float by the converter, instead of subtracting H·W·zp_in exactly (TFLite's optimized 4-D mean does this).
    /// </summary>
    public int? TfliteBias { get; init; }

    internal override void Write(BinarySink sink)
    {
        sink.WriteByte((byte)Rounding);
        ParamEncoding.WriteMultipliers(sink, Multipliers);
        sink.WriteBool(TfliteBias.HasValue);
        sink.WriteInt32(TfliteBias ?? 0);
    }

    internal static GlobalAveragePoolParams Read(BinaryCursor c)
    {
        var rounding = ParamEncoding.ReadRounding(c, "rounding");
        var multipliers = ParamEncoding.ReadMultipliers(c, "multipliers");
        bool hasBias = c.ReadBool("hasTfliteBias");
        int bias = c.ReadInt32("tfliteBias");
        return new GlobalAveragePoolParams { Rounding = rounding, Multipliers = multipliers, TfliteBias = hasBias ? bias : null };
    }
}
