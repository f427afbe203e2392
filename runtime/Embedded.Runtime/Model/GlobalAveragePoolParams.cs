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
    public MeanAlgorithm Algorithm { get; init; }
    /// <summary>
    /// For <see cref="MeanAlgorithm.TfliteBias"/>: out = M·Σx + bias, with bias = zp_out − round(zp_in·s_in/s_out)
    /// computed in float by the converter, instead of subtracting H·W·zp_in exactly (TFLite's optimized 4-D mean).
    /// </summary>
    public int TfliteBias { get; init; }

    internal override void Write(BinarySink sink)
    {
        sink.WriteByte((byte)Rounding);
        ParamEncoding.WriteMultipliers(sink, Multipliers);
        sink.WriteByte((byte)Algorithm);
        sink.WriteInt32(TfliteBias);
    }

    internal static GlobalAveragePoolParams Read(BinaryCursor c)
    {
        var rounding = ParamEncoding.ReadRounding(c, "rounding");
        var multipliers = ParamEncoding.ReadMultipliers(c, "multipliers");
        var algorithm = c.ReadEnum<MeanAlgorithm>("algorithm", v => v <= (byte)MeanAlgorithm.TruncatedMean);
        int bias = c.ReadInt32("tfliteBias");
        return new GlobalAveragePoolParams { Rounding = rounding, Multipliers = multipliers, Algorithm = algorithm, TfliteBias = bias };
    }
}
