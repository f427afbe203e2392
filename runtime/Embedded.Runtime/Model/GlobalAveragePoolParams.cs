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

    internal override void Write(BinarySink sink)
    {
        sink.WriteByte((byte)Rounding);
        ParamEncoding.WriteMultipliers(sink, Multipliers);
    }

    internal static GlobalAveragePoolParams Read(BinaryCursor c) => new()
    {
        Rounding = ParamEncoding.ReadRounding(c, "rounding"),
        Multipliers = ParamEncoding.ReadMultipliers(c, "multipliers"),
    };
}
