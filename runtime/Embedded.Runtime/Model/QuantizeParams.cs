using Embedded.Runtime.Format;
using Embedded.Runtime.Quantization;

namespace Embedded.Runtime.Model;

/// <summary>
/// Quantize at a model boundary: float32 → integer (q = round(x / s) + zp, no multipliers), or integer →
/// integer requantization (uint8 camera pixels → int8): zp_out + offset + M·(x − zp_in), multipliers and
/// offsets per channel or shared. A non-zero offset makes the step an affine map of the integers rather than
/// a change of representation: the converter uses it to fold input normalization with a non-integer mean
/// exactly, e.g. q = 2·pixel − 255 for (pixel − 127.5) / 127.5 on an int16 grid.
/// </summary>
public sealed class QuantizeParams : OperatorParams
{
    public RoundingMode Rounding { get; init; }
    public required QuantizedMultiplier[] Multipliers { get; init; }
    /// <summary>Added after requantization (integer → integer only); empty means 0.</summary>
    public int[] Offsets { get; init; } = System.Array.Empty<int>();

    /// <summary>Offsets are bounded so zp + offset + requantized value cannot overflow.</summary>
    public const int MaxOffset = 1 << 24;

    internal override void Write(BinarySink sink)
    {
        sink.WriteByte((byte)Rounding);
        ParamEncoding.WriteMultipliers(sink, Multipliers);
        ParamEncoding.WriteInts(sink, Offsets);
    }

    internal static QuantizeParams Read(BinaryCursor c) => new()
    {
        Rounding = ParamEncoding.ReadRounding(c, "rounding"),
        Multipliers = ParamEncoding.ReadMultipliers(c, "multipliers"),
        Offsets = ParamEncoding.ReadInts(c, "offsets"),
    };
}
