using Embedded.Runtime.Format;

namespace Embedded.Runtime.Model;

/// <summary>
/// Conv2D: input NHWC, weights OHWI [Cout, KH, KW, Cin/groups], optional int32 bias [Cout], output NHWC.
/// </summary>
public sealed class Conv2DParams : OperatorParams
{
    public int StrideH { get; init; } = 1;
    public int StrideW { get; init; } = 1;
    public int DilationH { get; init; } = 1;
    public int DilationW { get; init; } = 1;
    public Padding2D Padding { get; init; }
    public int Groups { get; init; } = 1;
    public required OutputStage Output { get; init; }

    internal override void Write(BinarySink sink)
    {
        sink.WriteInt32(StrideH); sink.WriteInt32(StrideW);
        sink.WriteInt32(DilationH); sink.WriteInt32(DilationW);
        Padding.Write(sink);
        sink.WriteInt32(Groups);
        Output.Write(sink);
    }

    internal static Conv2DParams Read(BinaryCursor c) => new()
    {
        StrideH = c.ReadInt32("strideH"), StrideW = c.ReadInt32("strideW"),
        DilationH = c.ReadInt32("dilationH"), DilationW = c.ReadInt32("dilationW"),
        Padding = Padding2D.Read(c, "padding"),
        Groups = c.ReadInt32("groups"),
        Output = OutputStage.Read(c, "output"),
    };
}
