using Embedded.Runtime.Format;

namespace Embedded.Runtime.Model;

/// <summary>How a resize interpolates between the taps its tables name.</summary>
public enum ResizeMode : byte
{
    /// <summary>Each output cell copies the cell at (rowLower, columnLower).</summary>
    Nearest = 0,
    /// <summary>
    /// Bilinear in integers (TFLite's ResizeBilinearInteger): weights w in 1/1024 steps (w may leave [0, 1024] where a
    /// half-pixel grid extrapolates at the border), Σ four products rounded half away from zero at 2^20, saturated.
    /// </summary>
    BilinearInteger = 1,
    /// <summary>TFLite's uint8 bilinear kernel: float weights (1 − fy)(1 − fx) …, the float sum + 0.5 truncated.</summary>
    BilinearFloat = 2,
}

/// <summary>
/// Spatial resize of NHWC, same quantization in and out. Per output row and column: the two source indices and
/// the weight of the second (integer 1/1024 steps or float, by mode), computed by the converter from the source
/// model's coordinate rules, so one kernel serves every ONNX coordinate mode and TFLite's kernels.
/// </summary>
public sealed class ResizeParams : OperatorParams
{
    public ResizeMode Mode { get; init; }
    public required int[] RowLower { get; init; }
    public required int[] RowUpper { get; init; }
    public required int[] ColumnLower { get; init; }
    public required int[] ColumnUpper { get; init; }
    /// <summary><see cref="ResizeMode.BilinearInteger"/> only: the upper tap's weight in 1/1024.</summary>
    public int[] RowWeights { get; init; } = System.Array.Empty<int>();
    public int[] ColumnWeights { get; init; } = System.Array.Empty<int>();
    /// <summary><see cref="ResizeMode.BilinearFloat"/> only: the upper tap's fraction.</summary>
    public float[] RowFractions { get; init; } = System.Array.Empty<float>();
    public float[] ColumnFractions { get; init; } = System.Array.Empty<float>();

    public const int WeightOne = 1024;

    internal override void Write(BinarySink sink)
    {
        sink.WriteByte((byte)Mode);
        ParamEncoding.WriteInts(sink, RowLower);
        ParamEncoding.WriteInts(sink, RowUpper);
        ParamEncoding.WriteInts(sink, ColumnLower);
        ParamEncoding.WriteInts(sink, ColumnUpper);
        ParamEncoding.WriteInts(sink, RowWeights);
        ParamEncoding.WriteInts(sink, ColumnWeights);
        sink.WriteCount(RowFractions.Length);
        sink.WriteSingleArray(RowFractions);
        sink.WriteCount(ColumnFractions.Length);
        sink.WriteSingleArray(ColumnFractions);
    }

    internal static ResizeParams Read(BinaryCursor c) => new()
    {
        Mode = c.ReadEnum<ResizeMode>("mode", v => v <= (byte)ResizeMode.BilinearFloat),
        RowLower = ParamEncoding.ReadInts(c, "rowLower"),
        RowUpper = ParamEncoding.ReadInts(c, "rowUpper"),
        ColumnLower = ParamEncoding.ReadInts(c, "columnLower"),
        ColumnUpper = ParamEncoding.ReadInts(c, "columnUpper"),
        RowWeights = ParamEncoding.ReadInts(c, "rowWeights"),
        ColumnWeights = ParamEncoding.ReadInts(c, "columnWeights"),
        RowFractions = c.ReadSingleArray("rowFractions", c.ReadCount("rowFractions.count", ParamEncoding.MaxChannels, 4)),
        ColumnFractions = c.ReadSingleArray("columnFractions", c.ReadCount("columnFractions.count", ParamEncoding.MaxChannels, 4)),
    };
}
