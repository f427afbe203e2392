using Embedded.Runtime.Format;

namespace Embedded.Runtime.Model;

/// <summary>
/// Depthwise conv: input NHWC [N,H,W,Cin], weights [1, KH, KW, Cin·multiplier] (TFLite layout), optional
/// int32 bias, output channel o reads input channel o / multiplier.
/// </summary>
public sealed class DepthwiseConv2DParams : OperatorParams
{
    public int StrideH { get; init; } = 1;
    public int StrideW { get; init; } = 1;
    public int DilationH { get; init; } = 1;
    public int DilationW { get; init; } = 1;
    public Padding2D Padding { get; init; }
    public int DepthMultiplier { get; init; } = 1;
    public required OutputStage Output { get; init; }

    internal override void Write(BinarySink sink)
    {
        sink.WriteInt32(StrideH); sink.WriteInt32(StrideW);
        sink.WriteInt32(DilationH); sink.WriteInt32(DilationW);
        Padding.Write(sink);
        sink.WriteInt32(DepthMultiplier);
        Output.Write(sink);
    }

    internal static DepthwiseConv2DParams Read(BinaryCursor c) => new()
    {
        StrideH = c.ReadInt32("strideH"), StrideW = c.ReadInt32("strideW"),
        DilationH = c.ReadInt32("dilationH"), DilationW = c.ReadInt32("dilationW"),
        Padding = Padding2D.Read(c, "padding"),
        DepthMultiplier = c.ReadInt32("depthMultiplier"),
        Output = OutputStage.Read(c, "output"),
    };
}
