using Embedded.Runtime.Format;

namespace Embedded.Runtime.Model;

/// <summary>Constant padding: before/after counts per dimension; the fill is the real value 0 (the zero point).</summary>
public sealed class PadParams : OperatorParams
{
    public required int[] Before { get; init; }
    public required int[] After { get; init; }

    internal override void Write(BinarySink sink)
    {
        ParamEncoding.WriteInts(sink, Before);
        ParamEncoding.WriteInts(sink, After);
    }

    internal static PadParams Read(BinaryCursor c) => new()
    {
        Before = ParamEncoding.ReadInts(c, "before", TensorDefinition.MaxRank),
        After = ParamEncoding.ReadInts(c, "after", TensorDefinition.MaxRank),
    };
}
