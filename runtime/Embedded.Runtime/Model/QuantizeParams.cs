using Embedded.Runtime.Format;
using Embedded.Runtime.Quantization;

namespace Embedded.Runtime.Model;

/// <summary>
/// Quantize at a model boundary: float32 → integer (q = round(x / s) + zp, no multipliers), or integer →
/// integer requantization (uint8 camera pixels → int8): zp_out + M·(x − zp_in), multipliers per channel or shared.
/// </summary>
public sealed class QuantizeParams : OperatorParams
{
    public RoundingMode Rounding { get; init; }
    public required QuantizedMultiplier[] Multipliers { get; init; }

    internal override void Write(BinarySink sink)
    {
        sink.WriteByte((byte)Rounding);
        ParamEncoding.WriteMultipliers(sink, Multipliers);
    }

    internal static QuantizeParams Read(BinaryCursor c) => new()
    {
        Rounding = ParamEncoding.ReadRounding(c, "rounding"),
        Multipliers = ParamEncoding.ReadMultipliers(c, "multipliers"),
    };
}
