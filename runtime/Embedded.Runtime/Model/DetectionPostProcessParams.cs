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
    /// <summary>Whose decoding and suppression: TFLite's custom operator, or torchvision's SSD post-processing.</summary>
    public DetectionStyle Style { get; init; }
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

    /// <summary>Torchvision: the candidates each class keeps before suppression (topk_candidates).</summary>
    public int CandidatesPerClass { get; init; } = 300;
    /// <summary>Torchvision: the largest log-scale a box may grow by (bbox_xform_clip = log(1000/16)).</summary>
    public float LogScaleClip { get; init; } = 4.135166556742356f;
    /// <summary>Torchvision: the input image size in pixels, which boxes are clipped to and normalized by.</summary>
    public int ImageWidth { get; init; }
    public int ImageHeight { get; init; }

    public int DetectionSlots => MaxDetections * MaxClassesPerDetection;

    internal override void Write(BinarySink sink)
    {
        sink.WriteByte((byte)Style);
        sink.WriteInt32(MaxDetections); sink.WriteInt32(MaxClassesPerDetection); sink.WriteInt32(DetectionsPerClass);
        sink.WriteByte(UseRegularNms ? (byte)1 : (byte)0);
        sink.WriteSingle(ScoreThreshold); sink.WriteSingle(IouThreshold); sink.WriteInt32(NumClasses);
        sink.WriteSingle(YScale); sink.WriteSingle(XScale); sink.WriteSingle(HScale); sink.WriteSingle(WScale);
        sink.WriteInt32(CandidatesPerClass); sink.WriteSingle(LogScaleClip); sink.WriteInt32(ImageWidth); sink.WriteInt32(ImageHeight);
    }

    private static bool ReadFlag(BinaryCursor c, string field)
    {
        long offset = c.FileOffset;
        byte value = c.ReadByte(field);
        return value <= 1 ? value == 1 : throw new ModelFormatException(field, $"flag {value} must be 0 or 1", offset);
    }

    internal static DetectionPostProcessParams Read(BinaryCursor c) => new()
    {
        Style = c.ReadEnum<DetectionStyle>("style", v => v <= (byte)DetectionStyle.Torchvision),
        MaxDetections = c.ReadInt32("maxDetections"), MaxClassesPerDetection = c.ReadInt32("maxClassesPerDetection"),
        DetectionsPerClass = c.ReadInt32("detectionsPerClass"), UseRegularNms = ReadFlag(c, "useRegularNms"),
        ScoreThreshold = c.ReadSingle("scoreThreshold"), IouThreshold = c.ReadSingle("iouThreshold"), NumClasses = c.ReadInt32("numClasses"),
        YScale = c.ReadSingle("yScale"), XScale = c.ReadSingle("xScale"), HScale = c.ReadSingle("hScale"), WScale = c.ReadSingle("wScale"),
        CandidatesPerClass = c.ReadInt32("candidatesPerClass"), LogScaleClip = c.ReadSingle("logScaleClip"),
        ImageWidth = c.ReadInt32("imageWidth"), ImageHeight = c.ReadInt32("imageHeight"),
    };
}

/// <summary>The detection post-processing conventions the runtime reproduces.</summary>
public enum DetectionStyle : byte
{
    /// <summary>TFLite_Detection_PostProcess: anchors (y, x, h, w), scores as given, fast or regular NMS.</summary>
    Tflite = 0,
    /// <summary>
    /// torchvision SSD: anchors (x1, y1, x2, y2) in pixels, BoxCoder weights as (y, x, h, w) scales with the log-scale
    /// clip, softmax over the class logits (class 0 background), per class the scores above the threshold, the best
    /// candidatesPerClass of them, NMS per class, the best maxDetections overall; boxes clipped to the image, then
    /// reported like TFLite's: (ymin, xmin, ymax, xmax) divided by the image size.
    /// </summary>
    Torchvision = 1,
}
