using System;
using System.Collections.Generic;
using System.Linq;
using Embedded.Converter.Calibration;
using Embedded.Converter.Float;
using Embedded.Converter.Graph;
using Embedded.Converter.Onnx;
using Embedded.Converter.Passes;
using Embedded.Converter.Quantization;
using Embedded.Runtime.Model;

namespace Embedded.Converter;

/// <summary>Options for <see cref="ModelConverter"/>.</summary>
public sealed class ConversionOptions
{
    public RangeMethod Method { get; init; } = RangeMethod.Percentile;
    /// <summary>Overrides the model's preprocess.mean / preprocess.std metadata.</summary>
    public float[]? Mean { get; init; }
    public float[]? Std { get; init; }
    public string[] Labels { get; init; } = Array.Empty<string>();
    public string Name { get; init; } = "";
    public string SourceHash { get; init; } = "";
    public ISet<string> Int16Values { get; init; } = new HashSet<string>();
    public ActivationPrecision Activations { get; init; } = ActivationPrecision.Int8;
    /// <summary>With <see cref="ActivationPrecision.Auto"/>: the output SQNR (dB, on up to <see cref="ScoringImages"/> calibration images) to reach.</summary>
    public double TargetSqnr { get; init; } = DefaultTargetSqnr;
    public const double DefaultTargetSqnr = 15;
    /// <summary>
    /// With <see cref="ActivationPrecision.Auto"/>: 8 bits everywhere stay when their output SQNR on the held-out images
    /// reaches this (dB); below it the search widens until <see cref="TargetSqnr"/>. Null: the target itself.
    /// </summary>
    public double? KeepInt8AboveSqnr { get; init; }
    /// <summary>
    /// With <see cref="ActivationPrecision.Auto"/>, for a segmentation model (class-score map outputs): the share of each
    /// held-out image's pixels whose class must agree with the float model's, as well as the SQNR.
    /// </summary>
    public double ClassMapAgreement { get; init; } = Quantization.ClassMapAgreement.DefaultFloor;
    public const int ScoringImages = 8;
    /// <summary>Auto: the search's ranges come from at most this many calibration images (the final model's from all).</summary>
    public const int SearchCalibrationImages = 64;
    public bool MseWeightClipping { get; init; }
    /// <summary>Correct per-channel biases by the mean output error measured on this many calibration images (0: off).</summary>
    public int BiasCorrectionImages { get; init; }
    /// <summary>Post-processing appended to an SSD head's two raw outputs (null: none).</summary>
    public DetectionHead? Detection { get; init; }
    public Action<string>? Log { get; init; }
    public Action<int, int>? Progress { get; init; }
}

/// <summary>What a conversion produced: the optimized float graph (the reference) and the quantized model.</summary>
public sealed record ConversionResult(ModelGraph FloatGraph, QuantizedModel Quantized, IReadOnlyList<string> Log);

/// <summary>ONNX → optimized float graph → calibration → int8 .emb definition.</summary>
public static class ModelConverter
{
    public const string Producer = "emb 0.1.0";

    /// <summary>Images bias correction measures on when the precision search turns it on.</summary>
    private const int BiasCorrectionSearchImages = 16;

    /// <summary>Converts with calibration images given as uint8 HWC RGB pixels at the model's input size.</summary>
    public static ConversionResult ConvertOnnx(byte[] onnx, IReadOnlyList<byte[]> calibrationPixels, ConversionOptions options) =>
        ConvertGraph(OnnxImporter.Load(onnx, options.Name.Length > 0 ? options.Name : "model"), calibrationPixels, options);

    /// <summary>A float .tflite model: imported into the same float graph, then calibrated and quantized like ONNX.</summary>
    public static ConversionResult ConvertFloatTflite(byte[] tflite, IReadOnlyList<byte[]> calibrationPixels, ConversionOptions options) =>
        ConvertGraph(Tflite.TfliteFloatImporter.Load(Tflite.TfliteModel.Parse(tflite, options.Name), options.Name.Length > 0 ? options.Name : "model"), calibrationPixels, options);

    /// <summary>Optimizes, calibrates and quantizes an imported float graph.</summary>
    public static ConversionResult ConvertGraph(ModelGraph graph, IReadOnlyList<byte[]> calibrationPixels, ConversionOptions options)
    {
        var log = GraphOptimizer.Run(graph, options.Mean, options.Std).ToList();
        foreach (string line in log) options.Log?.Invoke(line);
        if (!graph.Nodes.Any(n => n.OpType == Float.Operators.InternalOps.Normalize))
            throw new GraphException("the model's input normalization is unknown: give --mean and --std (or preprocess.mean/std metadata)");
        var shape = graph.Value(graph.Inputs[0]).Shape!;
        var inputs = calibrationPixels.Select(p => PixelsToTensor(p, shape)).ToArray();
        var stats = Calibrator.Run(graph, inputs, Quantizer.PerChannelCandidates(graph), done => options.Progress?.Invoke(done, 2 * inputs.Length));
        var normalize = graph.Nodes.First(n => n.OpType == Float.Operators.InternalOps.Normalize);
        var metadata = new ModelMetadata
        {
            Name = options.Name,
            Producer = Producer,
            SourceHash = options.SourceHash,
            Labels = options.Labels,
            Properties = graph.Metadata,
            Preprocessing = new Preprocessing
            {
                Layout = InputLayout.Nhwc, Color = ColorOrder.Rgb,
                Resize = StretchesInput(graph) ? ResizeRule.Stretch : ResizeRule.ShorterSide, ResizeShorterSide = StretchesInput(graph) ? 0 : 256 * shape[2] / 224,
                CropWidth = shape[3], CropHeight = shape[2],
                Mean = normalize.Attributes.Tensor("mean").Floats, Std = normalize.Attributes.Tensor("std").Floats,
            },
        };
        int biasCorrection = options.BiasCorrectionImages;
        var quantizerOptions = new QuantizerOptions { Method = options.Method, Int16Values = options.Int16Values, Metadata = metadata, MseWeightClipping = options.MseWeightClipping, Detection = options.Detection };
        if (options.Activations == ActivationPrecision.Int16)
        {
            quantizerOptions = PrecisionSearch.With(quantizerOptions, PrecisionSearch.All(graph, quantizerOptions));
            log.Add("activations: 16 bits throughout (int8 weights)");
        }
        else if (options.Activations == ActivationPrecision.Auto)
        {
            // Ranges from all but the last few images; those score each candidate as images the ranges never saw.
            int held = Math.Min(ConversionOptions.ScoringImages, inputs.Length / 2);
            var scoring = held > 0 ? calibrationPixels.Skip(calibrationPixels.Count - held).ToArray() : calibrationPixels.ToArray();
            // A bounded subset is enough to rank precisions; it keeps the search's extra calibration short on large sets.
            int searched = Math.Min(inputs.Length - held, ConversionOptions.SearchCalibrationImages);
            var searchStats = held > 0 ? Calibrator.Run(graph, inputs.Take(searched).ToArray(), Quantizer.PerChannelCandidates(graph)) : stats;
            double keep = options.KeepInt8AboveSqnr ?? options.TargetSqnr;
            // Bias correction, when not asked for, is one more candidate the search may take (on its own calibration images).
            var biasImages = options.BiasCorrectionImages > 0 ? null : calibrationPixels.Take(Math.Min(searched, BiasCorrectionSearchImages)).ToArray();
            var choice = PrecisionSearch.Run(graph, searchStats, quantizerOptions, scoring, options.TargetSqnr, keep, options.ClassMapAgreement, biasImages);
            quantizerOptions = PrecisionSearch.With(quantizerOptions, choice.Int16Values);
            if (choice.BiasCorrection) biasCorrection = Math.Min(inputs.Length, BiasCorrectionSearchImages);
            string steps = string.Join(", ", choice.Steps.Select(s => s.ToString()));
            string classes = choice.Steps[0].ClassAgreement is null ? "" : $" and {100 * options.ClassMapAgreement:F0} % of every image's pixels classed as in float";
            string where = held > 0 ? $"on {held} images outside {searched} calibrated" : $"on the {inputs.Length} calibration images themselves (too few to hold any out)";
            log.Add(choice.Steps.Count == 1 && choice.Int16Values.Count == 0 && choice.Steps[0].Reaches(keep, options.ClassMapAgreement)
                ? $"activations: 8 bits, whose output SQNR {choice.Steps[0].OutputSqnrDb:F1} dB {where} reaches {keep:F1} dB{classes}"
                : $"activations: {choice.Int16Values.Count} of {choice.Candidates} in 16 bits for a {options.TargetSqnr:F1} dB output SQNR target{classes} " +
                $"(16-bit values → SQNR{(classes.Length > 0 ? " / worst image's agreeing pixels" : "")} {where}: {steps})");
        }
        var quantized = Quantizer.Quantize(graph, stats, quantizerOptions);
        if (options.MseWeightClipping) log.Add("weights clipped per channel at the least squared error");
        if (biasCorrection > 0)
        {
            var corrected = BiasCorrection.Apply(graph, quantized, calibrationPixels.Take(biasCorrection).ToArray());
            log.Add($"bias correction on {Math.Min(biasCorrection, calibrationPixels.Count)} images{(options.BiasCorrectionImages > 0 ? "" : " (the precision search measured it better)")}: {corrected.Channels} channels of {corrected.Layers} layers adjusted");
            quantized = corrected.Model;
        }
        log.Add($"calibrated on {inputs.Length} images with {options.Method} ranges");
        return new ConversionResult(graph, quantized, log);
    }

    /// <summary>Whether the model's metadata says its images are scaled whole (preprocess.crop = none: SSD, segmentation exports).</summary>
    public static bool StretchesInput(ModelGraph graph) =>
        graph.Metadata.TryGetValue("preprocess.crop", out var crop) && crop.Trim().Equals("none", StringComparison.OrdinalIgnoreCase);

    /// <summary>uint8 HWC RGB pixels → float NCHW raw pixel values (what the normalized float graph takes).</summary>
    public static TensorData PixelsToTensor(byte[] hwc, int[] nchw)
    {
        int c = nchw[1], h = nchw[2], w = nchw[3];
        if (hwc.Length != c * h * w) throw new ArgumentException($"{hwc.Length} pixel bytes for a {w}×{h}×{c} input");
        var x = new float[c * h * w];
        for (int y = 0; y < h; y++)
        for (int xx = 0; xx < w; xx++)
        for (int ch = 0; ch < c; ch++)
            x[(ch * h + y) * w + xx] = hwc[(y * w + xx) * c + ch];
        return TensorData.FromFloats(new[] { 1, c, h, w }, x);
    }
}
