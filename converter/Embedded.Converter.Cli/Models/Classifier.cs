using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Embedded.Converter.Float;
using Embedded.Converter.Graph;
using Embedded.Converter.Onnx;
using Embedded.Converter.Passes;
using Embedded.Imaging;
using Embedded.Runtime.Execution;
using Embedded.Runtime.Model;

namespace Embedded.Converter.Cli.Models;

/// <summary>
/// A model the CLI can run on images: an int8 .emb in the runtime, or an .onnx through the float reference
/// executor. Both take uint8 HWC RGB pixels at the input size, prepared with the same rule, and give logits.
/// </summary>
internal abstract class Classifier
{
    public abstract int Width { get; }
    public abstract int Height { get; }
    public abstract int ResizeShorter { get; }
    /// <summary>Whether images are scaled whole to the input size (detection, segmentation) instead of resized and cropped.</summary>
    public abstract bool Stretch { get; }
    public abstract int Classes { get; }
    public abstract string[] Labels { get; }
    public abstract (float mean, float std)[] Normalization { get; }

    public abstract float[] Run(byte[] pixels);

    /// <summary>How many outputs the model has (detection heads have several), in model order.</summary>
    public abstract int OutputCount { get; }

    /// <summary>Output <paramref name="k"/>'s element type in the source model (float32 for ONNX-derived outputs).</summary>
    public abstract ElementType OutputTypeAt(int k);

    /// <summary>Output <paramref name="k"/> of the last run as raw bytes in <see cref="OutputTypeAt"/>.</summary>
    public abstract byte[] RawOutputAt(int k);

    /// <summary>Whether the first output already holds probabilities (the model ends in a softmax): shown as they are, not normalized again.</summary>
    public abstract bool OutputIsProbabilities { get; }

    /// <summary>
    /// An .emb model; a quantized .tflite imported as `emb convert` would (TFLite builtin semantics, in memory); or
    /// an .onnx or float .tflite model run in float (normalization from --mean/--std or the model's metadata).
    /// </summary>
    public static Classifier Open(string path, float[]? mean = null, float[]? std = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} does not exist", path);
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".emb":
                return new EmbClassifier(EmbeddedModel.Load(path));
            case ".onnx":
                return new FloatGraphClassifier(OnnxImporter.Load(path), mean, std);
            case ".tflite":
                var bytes = File.ReadAllBytes(path);
                var tflite = Tflite.TfliteModel.Parse(bytes, Path.GetFileName(path));
                if (Tflite.TfliteFloatImporter.IsFloatModel(tflite))
                    return new FloatGraphClassifier(Tflite.TfliteFloatImporter.Load(tflite, Path.GetFileNameWithoutExtension(path)), mean, std);
                var metadata = TfliteMetadata.Create(tflite, Path.GetFileNameWithoutExtension(path), bytes, Array.Empty<string>(), "tflite");
                return new EmbClassifier(EmbeddedModel.FromDefinition(Tflite.TfliteImporter.Import(tflite, metadata, Tflite.TfliteKernels.Builtin)));
            default:
                throw new ArgumentException($"{path}: the model must be an .emb, .onnx or .tflite file");
        }
    }

    /// <summary>An input file as pixels for this model: an image (resized and cropped), .u8 raw pixels, or an .f32 normalized NCHW tensor.</summary>
    public byte[] LoadInput(string path)
    {
        string ext = Path.GetExtension(path).ToLowerInvariant();
        int expected = Width * Height * 3;
        if (ext == ".u8")
        {
            var bytes = File.ReadAllBytes(path);
            if (bytes.Length != expected) throw new ImageFormatException($"{Path.GetFileName(path)}: {bytes.Length} bytes, a {Width}×{Height}×3 .u8 input has {expected}");
            return bytes;
        }
        if (ext == ".f32")
        {
            var bytes = File.ReadAllBytes(path);
            if (bytes.Length != expected * 4) throw new ImageFormatException($"{Path.GetFileName(path)}: {bytes.Length} bytes, a 3×{Height}×{Width} float32 input has {expected * 4}");
            var norm = Normalization;
            var pixels = new byte[expected];
            for (int c = 0; c < 3; c++)
            for (int i = 0; i < Width * Height; i++)
            {
                float x = BitConverter.ToSingle(bytes, 4 * (c * Width * Height + i));
                pixels[i * 3 + c] = (byte)Math.Clamp(Math.Round(x * norm[c].std + norm[c].mean), 0, 255);
            }
            return pixels;
        }
        var image = ImageLoader.Load(path);
        try
        {
            return Stretch ? ClassifierInput.Stretch(image, Width, Height) : ClassifierInput.Prepare(image, Width, Height, ResizeShorter);
        }
        catch (ImageFormatException e)
        {
            throw new ImageFormatException($"{Path.GetFileName(path)} ({image.Width}×{image.Height}) cannot be prepared for the model's {Width}×{Height} input: {e.Message}");
        }
    }

    /// <summary>Up to <paramref name="most"/> of <paramref name="files"/> as inputs; a file that cannot be read is skipped with a warning and counted.</summary>
    public byte[][] LoadInputs(string[] files, int most, TextWriter warnings) => LoadInputs(files, most, warnings, out _);

    public byte[][] LoadInputs(string[] files, int most, TextWriter warnings, out string[] used)
    {
        var inputs = new List<byte[]>();
        var kept = new List<string>();
        int skipped = 0;
        foreach (string file in files)
        {
            if (inputs.Count >= most) break;
            try
            {
                inputs.Add(LoadInput(file));
                kept.Add(file);
            }
            catch (Exception e) when (e is ImageFormatException or IOException or UnauthorizedAccessException)
            {
                skipped++;
                warnings.WriteLine($"warning: skipped {Path.GetFileName(file)}: {e.Message}");
            }
        }
        if (skipped > 0) warnings.WriteLine($"warning: {skipped} input{(skipped == 1 ? "" : "s")} skipped, {inputs.Count} used");
        used = kept.ToArray();
        return inputs.ToArray();
    }

    public static bool IsInputFile(string path) => ImageLoader.IsImageFile(path) || path.EndsWith(".u8", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".f32", StringComparison.OrdinalIgnoreCase);
}

internal sealed class EmbClassifier : Classifier
{
    private readonly EmbeddedModel _model;
    private readonly Interpreter _interpreter;
    private readonly ImageInput _imageInput;

    public EmbClassifier(EmbeddedModel model)
    {
        _model = model;
        _imageInput = new ImageInput(model);
        _interpreter = model.CreateInterpreter();
    }

    public EmbeddedModel Model => _model;
    public override bool OutputIsProbabilities => new ClassScores(_model).OutputIsProbabilities;
    public override int Width => _model.Inputs[0].Shape[2];
    public override int Height => _model.Inputs[0].Shape[1];
    public override int ResizeShorter => _model.Metadata.Preprocessing.ResizeShorterSide;
    public override bool Stretch => _model.Metadata.Preprocessing.Resize == ResizeRule.Stretch;
    public override int Classes => _model.Outputs[0].Shape[^1];
    public override string[] Labels => _model.Metadata.Labels;
    public override (float mean, float std)[] Normalization => _imageInput.Normalization.ToArray();

    public override float[] Run(byte[] pixels)
    {
        _imageInput.Fill(pixels, _interpreter.Input(0));
        _interpreter.Invoke();
        var output = _interpreter.Output(0);
        if (output.Type == ElementType.Float32) return output.AsSpan<float>().ToArray();
        // Class maps (ArgMax: int32/int64 indices) carry no quantization: their values are the indices.
        if (output.Type == ElementType.Int64) return output.AsSpan<long>().ToArray().Select(v => (float)v).ToArray();
        if (output.Type == ElementType.Int32 || output.Quantization is null) return output.AsSpan<int>().ToArray().Select(v => (float)v).ToArray();
        var q = output.Quantization;
        var bytes = output.Bytes;
        var result = new float[output.Definition.ElementCount];
        for (int i = 0; i < result.Length; i++)
            result[i] = q.ScaleAt(0) * (Embedded.Runtime.Kernels.Elements.Load(bytes, output.Type, i) - q.ZeroPointAt(0));
        return result;
    }

    public override int OutputCount => _model.Outputs.Count;
    public override ElementType OutputTypeAt(int k) => _model.Outputs[k].Type;
    public override byte[] RawOutputAt(int k) => _interpreter.Output(k).Bytes.ToArray();
}

/// <summary>A float graph (ONNX, or a float .tflite) run by the float reference executor.</summary>
internal sealed class FloatGraphClassifier : Classifier
{
    private readonly ModelGraph _graph;
    private readonly FloatExecutor _executor;
    private readonly (float, float)[] _normalization;
    private float[][] _outputs = Array.Empty<float[]>();

    public FloatGraphClassifier(ModelGraph graph, float[]? mean, float[]? std)
    {
        GraphOptimizer.Run(graph, mean, std);
        var normalize = graph.Nodes.FirstOrDefault(n => n.OpType == Float.Operators.InternalOps.Normalize)
            ?? throw new GraphException("the model's input normalization is unknown: give --mean and --std (or preprocess.mean/std metadata)");
        var m = normalize.Attributes.Tensor("mean").Floats;
        var s = normalize.Attributes.Tensor("std").Floats;
        _normalization = m.Zip(s, (a, b) => (a, b)).ToArray();
        _graph = graph;
        _executor = new FloatExecutor(graph);
        var shape = graph.Value(graph.Inputs[0]).Shape!;
        if (shape.Length != 4 || shape[1] != 3) throw new ArgumentException($"the model input [{string.Join(",", shape)}] is not NCHW RGB");
    }

    public ModelGraph Graph => _graph;
    public override bool OutputIsProbabilities => _graph.Nodes.Any(n => n.OpType == "Softmax" && n.Outputs.Contains(_graph.Outputs[0]));
    private int[] Shape => _graph.Value(_graph.Inputs[0]).Shape!;
    public override int Width => Shape[3];
    public override int Height => Shape[2];
    public override int ResizeShorter => 0;
    public override bool Stretch => ModelConverter.StretchesInput(_graph);
    public override int Classes => _graph.Value(_graph.Outputs[0]).Shape![^1];
    public override string[] Labels => Array.Empty<string>();
    public override (float mean, float std)[] Normalization => _normalization;

    public override float[] Run(byte[] pixels)
    {
        _outputs = _executor.Run(new[] { ModelConverter.PixelsToTensor(pixels, Shape) }).Select(t => t.Floats).ToArray();
        return _outputs[0];
    }

    public override int OutputCount => _graph.Outputs.Count;
    public override ElementType OutputTypeAt(int k) => ElementType.Float32;

    public override byte[] RawOutputAt(int k)
    {
        var values = _outputs[k];
        var bytes = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return bytes;
    }
}
