using Embedded.Runtime.Format;
using Embedded.Runtime.Quantization;

namespace Embedded.Runtime.Model;

/// <summary>Quantized Mul with broadcasting (squeeze-excite's channel scaling): (x1−zp1)(x2−zp2)·M + zp.</summary>
public sealed class MulParams : OperatorParams
{
    public RoundingMode Rounding { get; init; }
    public required QuantizedMultiplier[] OutputMultipliers { get; init; }
    public required int[] ClampMin { get; init; }
    public required int[] ClampMax { get; init; }

    internal override void Write(BinarySink sink)
    {
        sink.WriteByte((byte)Rounding);
        ParamEncoding.WriteMultipliers(sink, OutputMultipliers);
        ParamEncoding.WriteInts(sink, ClampMin);
        ParamEncoding.WriteInts(sink, ClampMax);
    }

    internal static MulParams Read(BinaryCursor c) => new()
    {
        Rounding = ParamEncoding.ReadRounding(c, "rounding"),
        OutputMultipliers = ParamEncoding.ReadMultipliers(c, "outputMultipliers"),
        ClampMin = ParamEncoding.ReadInts(c, "clampMin"),
        ClampMax = ParamEncoding.ReadInts(c, "clampMax"),
    };
}
