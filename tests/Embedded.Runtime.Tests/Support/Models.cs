using System;
using Embedded.Runtime.Building;
using Embedded.Runtime.Format;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Tests.Support;

/// <summary>Generated models shared by tests (built once per process).</summary>
internal static class Models
{
    private static readonly Lazy<byte[]> TinyBytes = new(() => ModelWriter.Write(Tiny()));
    private static readonly Lazy<byte[]> SmallBytes = new(() => ModelWriter.Write(SyntheticMobileNetV3.Build()));

    /// <summary>Every operator of the format at toy sizes (16×16 input, 10 classes): a few kilobytes.</summary>
    public static ModelDefinition Tiny(int seed = 7) => SyntheticMobileNetV3.Build(new SyntheticMobileNetV3.Options
    {
        Resolution = 16, Classes = 10, StemChannels = 8, HeadChannels = 16, HiddenChannels = 24, Blocks = SyntheticMobileNetV3.TinyBlocks, Seed = seed, Name = "tiny",
    });

    public static byte[] TinyFile => TinyBytes.Value;

    /// <summary>
    /// A segmentation-style tail with the layout and resize operators: uint8 [1,6,5,4] → GatherChannels (a shuffle that
    /// drops a channel) → integer bilinear ×2 → nearest → TFLite float bilinear → ArgMax (int64 class map).
    /// </summary>
    public static ModelDefinition TinySegmentation()
    {
        var random = new Random(11);
        var b = new Embedded.Runtime.Building.ModelBuilder();
        var q = Embedded.Runtime.Model.QuantizationParams.PerTensor(0.05f, 128);
        var u8 = Embedded.Runtime.Model.ElementType.UInt8;
        int x = b.AddInput("pixels", u8, new[] { 1, 6, 5, 4 }, q);
        int gathered = b.AddActivation("gathered", u8, new[] { 1, 6, 5, 3 }, q);
        b.AddOperator(Embedded.Runtime.Model.OperatorCode.GatherChannels, "shuffle", new[] { x }, new[] { gathered }, new Embedded.Runtime.Model.GatherChannelsParams { Indices = new[] { 2, 0, 3 } });
        int up = b.AddActivation("up", u8, new[] { 1, 12, 10, 3 }, q);
        b.AddOperator(Embedded.Runtime.Model.OperatorCode.Resize, "up", new[] { gathered }, new[] { up }, Tests.Kernels.FastPathTests.RandomResize(random, Embedded.Runtime.Model.ResizeMode.BilinearInteger, 6, 5, 12, 10));
        int nearest = b.AddActivation("nearest", u8, new[] { 1, 7, 9, 3 }, q);
        b.AddOperator(Embedded.Runtime.Model.OperatorCode.Resize, "nearest", new[] { up }, new[] { nearest }, Tests.Kernels.FastPathTests.RandomResize(random, Embedded.Runtime.Model.ResizeMode.Nearest, 12, 10, 7, 9));
        int smooth = b.AddActivation("smooth", u8, new[] { 1, 9, 8, 3 }, q);
        b.AddOperator(Embedded.Runtime.Model.OperatorCode.Resize, "smooth", new[] { nearest }, new[] { smooth }, Tests.Kernels.FastPathTests.RandomResize(random, Embedded.Runtime.Model.ResizeMode.BilinearFloat, 7, 9, 9, 8));
        int classes = b.AddActivation("classes", Embedded.Runtime.Model.ElementType.Int64, new[] { 1, 9, 8 }, null);
        b.AddOperator(Embedded.Runtime.Model.OperatorCode.ArgMax, "argmax", new[] { smooth }, new[] { classes }, Embedded.Runtime.Model.NoParams.Instance);
        b.MarkOutput(classes);
        return b.Build(new Embedded.Runtime.Model.ModelMetadata { Name = "tiny-segmentation" });
    }

    public static byte[] TinySegmentationFile => SegmentationBytes.Value;

    /// <summary>
    /// A detection tail: uint8 pixels [1,6,8,3] read as 36 boxes of 4 — their own encodings and scores (3 classes and a
    /// background) — with constant anchors, through TFLite-style post-processing (fast NMS, two classes per box).
    /// </summary>
    public static ModelDefinition TinyDetection(Embedded.Runtime.Model.DetectionStyle style = Embedded.Runtime.Model.DetectionStyle.Tflite)
    {
        var b = new Embedded.Runtime.Building.ModelBuilder();
        var q = Embedded.Runtime.Model.QuantizationParams.PerTensor(0.02f, 128);
        var u8 = Embedded.Runtime.Model.ElementType.UInt8;
        var f32 = Embedded.Runtime.Model.ElementType.Float32;
        int pixels = b.AddInput("pixels", u8, new[] { 1, 6, 8, 3 }, q);
        int heads = b.AddActivation("heads", u8, new[] { 1, 36, 4 }, q);
        b.AddOperator(Embedded.Runtime.Model.OperatorCode.Reshape, "heads", new[] { pixels }, new[] { heads }, Embedded.Runtime.Model.NoParams.Instance);
        var anchors = new float[36 * 4];
        for (int i = 0; i < 36; i++) { anchors[4 * i] = (i / 6 + 0.5f) / 6; anchors[4 * i + 1] = (i % 6 + 0.5f) / 6; anchors[4 * i + 2] = 0.3f; anchors[4 * i + 3] = 0.3f; }
        var bytes = new byte[anchors.Length * 4];
        Buffer.BlockCopy(anchors, 0, bytes, 0, bytes.Length);
        int anchorTensor = b.AddConstant("anchors", f32, new[] { 36, 4 }, null, bytes);
        var p = style == Embedded.Runtime.Model.DetectionStyle.Tflite
            ? new Embedded.Runtime.Model.DetectionPostProcessParams { MaxDetections = 4, MaxClassesPerDetection = 2, NumClasses = 3, ScoreThreshold = 0.3f, IouThreshold = 0.5f }
            : new Embedded.Runtime.Model.DetectionPostProcessParams { Style = style, MaxDetections = 8, MaxClassesPerDetection = 1, NumClasses = 3, ScoreThreshold = 0.2f, IouThreshold = 0.5f,
                CandidatesPerClass = 5, ImageWidth = 8, ImageHeight = 6 };
        int slots = p.DetectionSlots;
        var outputs = new[]
        {
            b.AddActivation("boxes", f32, new[] { 1, slots, 4 }, null), b.AddActivation("classes", f32, new[] { 1, slots }, null),
            b.AddActivation("scores", f32, new[] { 1, slots }, null), b.AddActivation("count", f32, new[] { 1 }, null),
        };
        b.AddOperator(Embedded.Runtime.Model.OperatorCode.DetectionPostProcess, "detect", new[] { heads, heads, anchorTensor }, outputs, p);
        foreach (int o in outputs) b.MarkOutput(o);
        return b.Build(new Embedded.Runtime.Model.ModelMetadata { Name = "tiny-detection" });
    }

    /// <summary>
    /// A 16-bit elementwise step: uint8 pixels [1,5,7,6] → int16 → SiLU as an interpolated table (samples 2^6 steps
    /// apart, so part of the input lies beyond them) → float32.
    /// </summary>
    public static ModelDefinition TinyWide()
    {
        var b = new Embedded.Runtime.Building.ModelBuilder();
        var pixelQ = Embedded.Runtime.Model.QuantizationParams.PerTensor(0.05f, 128);
        var wideQ = Embedded.Runtime.Model.QuantizationParams.PerTensor(0.05f / 256, 0);
        var outQ = Embedded.Runtime.Model.QuantizationParams.PerTensor(0.07f / 256, 0);
        var i16 = Embedded.Runtime.Model.ElementType.Int16;
        int pixels = b.AddInput("pixels", Embedded.Runtime.Model.ElementType.UInt8, new[] { 1, 5, 7, 6 }, pixelQ);
        int wide = b.AddActivation("wide", i16, new[] { 1, 5, 7, 6 }, wideQ);
        b.AddOperator(Embedded.Runtime.Model.OperatorCode.Quantize, "widen", new[] { pixels }, new[] { wide },
            new Embedded.Runtime.Model.QuantizeParams { Multipliers = OutputStageBuilder.Requantize(pixelQ, wideQ, 1) });
        int silu = b.AddActivation("silu", i16, new[] { 1, 5, 7, 6 }, outQ);
        b.AddOperator(Embedded.Runtime.Model.OperatorCode.InterpolatedTable, "silu", new[] { wide }, new[] { silu },
            OutputStageBuilder.InterpolatedTable(v => v / (1 + Math.Exp(-v)), wideQ.Scales[0], outQ.Scales[0], 16384));
        int real = b.AddActivation("real", Embedded.Runtime.Model.ElementType.Float32, new[] { 1, 5, 7, 6 }, null);
        b.AddOperator(Embedded.Runtime.Model.OperatorCode.Dequantize, "real", new[] { silu }, new[] { real }, Embedded.Runtime.Model.NoParams.Instance);
        b.MarkOutput(real);
        return b.Build(new Embedded.Runtime.Model.ModelMetadata { Name = "tiny-wide" });
    }

    public static byte[] TinyWideFile => WideBytes.Value;
    private static readonly Lazy<byte[]> WideBytes = new(() => Embedded.Runtime.Format.ModelWriter.Write(TinyWide()));

    public static byte[] TinyDetectionFile => DetectionBytes.Value;
    private static readonly Lazy<byte[]> DetectionBytes = new(() => Embedded.Runtime.Format.ModelWriter.Write(TinyDetection()));
    private static readonly Lazy<byte[]> SegmentationBytes = new(() => Embedded.Runtime.Format.ModelWriter.Write(TinySegmentation()));

    /// <summary>MobileNetV3-Small's blocks at 96×96 with 16-bit activations throughout (the 16-bit kernels' whole-model check).</summary>
    public static byte[] WideFile => WideModelBytes.Value;
    private static readonly Lazy<byte[]> WideModelBytes = new(() => ModelWriter.Write(SyntheticMobileNetV3.Build(new SyntheticMobileNetV3.Options
    {
        Resolution = 96, Classes = 100, HiddenChannels = 256, Wide = true, Seed = 3, Name = "synthetic-wide",
    })));

    /// <summary>MobileNetV3-Small at its real sizes (224×224, 1001 classes).</summary>
    public static byte[] MobileNetV3SmallFile => SmallBytes.Value;

    /// <summary>The converted MobileNetV3-Small the repository ships (firmware/samples/models), found above the test assembly.</summary>
    public static byte[] BundledV3SmallFile => BundledBytes.Value;

    private static readonly Lazy<byte[]> BundledBytes = new(() =>
    {
        var dir = new System.IO.DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "Embedded.sln"))) dir = dir.Parent;
        if (dir is null) throw new System.IO.DirectoryNotFoundException("Embedded.sln not found above the test assembly");
        return System.IO.File.ReadAllBytes(System.IO.Path.Combine(dir.FullName, "firmware", "samples", "models", "mobilenet_v3_small_int8.emb"));
    });

    public static void FillInput(Embedded.Runtime.Execution.Interpreter interpreter, int seed)
    {
        var random = new Random(seed);
        var input = interpreter.Input(0).Bytes;
        for (int i = 0; i < input.Length; i++) input[i] = (byte)random.Next(256);
    }
}
