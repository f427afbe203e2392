using Embedded.Runtime.Format;

namespace Embedded.Runtime.Model;

/// <summary>
/// Windowed AveragePool2D / MaxPool2D over NHWC. Input and output share quantization; padded cells are
/// excluded (average divides by the count of valid cells, as TFLite does).
/// </summary>
public sealed class Pool2DParams : OperatorParams
{
    public int FilterH { get; init; }
    public int FilterW { get; init; }
    public int StrideH { get; init; } = 1;
    public int StrideW { get; init; } = 1;
    public Padding2D Padding { get; init; }
    public required int[] ClampMin { get; init; }
    public required int[] ClampMax { get; init; }

    internal override void Write(BinarySink sink)
    {
        sink.WriteInt32(FilterH); sink.WriteInt32(FilterW);
        sink.WriteInt32(StrideH); sink.WriteInt32(StrideW);
        Padding.Write(sink);
        ParamEncoding.WriteInts(sink, ClampMin);
        ParamEncoding.WriteInts(sink, ClampMax);
    }

    internal static Pool2DParams Read(BinaryCursor c) => new()
    {
        FilterH = c.ReadInt32("filterH"), FilterW = c.ReadInt32("filterW"),
        StrideH = c.ReadInt32("strideH"), StrideW = c.ReadInt32("strideW"),
        Padding = Padding2D.Read(c, "padding"),
        ClampMin = ParamEncoding.ReadInts(c, "clampMin"),
        ClampMax = ParamEncoding.ReadInts(c, "clampMax"),
    };
}
