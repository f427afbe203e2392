using Embedded.Runtime.Format;
using Embedded.Runtime.Quantization;

namespace Embedded.Runtime.Model;

/// <summary>
/// Concatenation along <see cref="Axis"/>. Input i is copied when its quantization equals the output's
/// (multiplier 0/0), otherwise rescaled: zp_out + M_i·(x − zp_i).
/// </summary>
public sealed class ConcatParams : OperatorParams
{
    public int Axis { get; init; }
    public RoundingMode Rounding { get; init; }
    public required QuantizedMultiplier[] InputMultipliers { get; init; }

    internal override void Write(BinarySink sink)
    {
        sink.WriteInt32(Axis);
        sink.WriteByte((byte)Rounding);
        ParamEncoding.WriteMultipliers(sink, InputMultipliers);
    }

    internal static ConcatParams Read(BinaryCursor c) => new()
    {
        Axis = c.ReadInt32("axis"),
        Rounding = ParamEncoding.ReadRounding(c, "rounding"),
        InputMultipliers = ParamEncoding.ReadMultipliers(c, "inputMultipliers"),
    };
}
