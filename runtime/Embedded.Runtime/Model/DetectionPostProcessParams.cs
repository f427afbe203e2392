using Embedded.Runtime.Format;

namespace Embedded.Runtime.Model;

/// <summary>
/// TFLite's <c>TFLite_Detection_PostProcess</c>: box encodings [1,N,≥4] (y, x, h, w relative to the anchors, divided by
/// the scales) and class scores [1,N,C(+1 background)], both 8-bit quantized or float32, with constant anchors [N,4]
/// (y, x, h, w) → boxes [1,D,4] (ymin, xmin, ymax, xmax), classes [1,D], scores [1,D], count [1], all float32,
/// D = maxDetections · maxClassesPerDetection. Decoding in double rounded to float, then TFLite's fast
/// (class-agnostic on each anchor's best classes) or regular (per-class) non-maximum suppression.
/// </summary>
public sealed class DetectionPostProcessParams : OperatorParams
{
    public int MaxDetections { get; init; }
    public int MaxClassesPerDetection { get; init; } = 1;
    public int DetectionsPerClass { get; init; } = 100;
    public bool UseRegularNms { get; init; }
    public float ScoreThreshold { get; init; }
    public float IouThreshold { get; init; }
    public int NumClasses { get; init; }
    public float YScale { get; init; } = 10;
    public float XScale { get; init; } = 10;
    public float HScale { get; init; } = 5;
    public float WScale { get; init; } = 5;

    public int DetectionSlots => MaxDetections * MaxClassesPerDetection;

    internal override void Write(BinarySink sink)
    {
        sink.WriteInt32(MaxDetections); sink.WriteInt32(MaxClassesPerDetection); sink.WriteInt32(DetectionsPerClass);
        sink.WriteByte(UseRegularNms ? (byte)1 : (byte)0);
        sink.WriteSingle(ScoreThreshold); sink.WriteSingle(IouThreshold); sink.WriteInt32(NumClasses);
        sink.WriteSingle(YScale); sink.WriteSingle(XScale); sink.WriteSingle(HScale); sink.WriteSingle(WScale);
    }

    private static bool ReadFlag(BinaryCursor c, string field)
    {
        long offset = c.FileOffset;
        byte value = c.ReadByte(field);
        return value <= 1 ? value == 1 : throw new ModelFormatException(field, $"flag {value} must be 0 or 1", offset);
    }

    internal static DetectionPostProcessParams Read(BinaryCursor c) => new()
    {
        MaxDetections = c.ReadInt32("maxDetections"), MaxClassesPerDetection = c.ReadInt32("maxClassesPerDetection"),
        DetectionsPerClass = c.ReadInt32("detectionsPerClass"), UseRegularNms = ReadFlag(c, "useRegularNms"),
        ScoreThreshold = c.ReadSingle("scoreThreshold"), IouThreshold = c.ReadSingle("iouThreshold"), NumClasses = c.ReadInt32("numClasses"),
        YScale = c.ReadSingle("yScale"), XScale = c.ReadSingle("xScale"), HScale = c.ReadSingle("hScale"), WScale = c.ReadSingle("wScale"),
    };
}
