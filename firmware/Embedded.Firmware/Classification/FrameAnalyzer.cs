using System;
using System.Buffers.Binary;
using System.Diagnostics;
using Embedded.Boards.Frames;
using Embedded.Runtime.Execution;
using Embedded.Runtime.Model;

namespace Embedded.Firmware.Classification;

/// <summary>What a model does with a frame, told by its outputs.</summary>
internal enum FrameTask { Classification, Detection, Segmentation }

/// <summary>
/// Frame → detections (boxes, classes, scores from a post-processing model) or a class map's per-class pixel counts.
/// The frame is scaled whole to the input (as `emb detect` / `emb segment` do with files); every buffer is made once,
/// so a frame allocates nothing.
/// </summary>
internal sealed class FrameAnalyzer : IDisposable
{
    private readonly Interpreter _interpreter;
    private readonly FramePreprocessor _preprocessor;
    private readonly byte[] _pixels;
    private readonly int[] _pixelCounts;

    public FrameAnalyzer(EmbeddedModel model, FrameTask task, int threads, string[]? labels = null)
    {
        var input = model.Inputs[0];
        if (input.Type != ElementType.UInt8 || input.Rank != 4 || input.Shape[3] != 3)
            throw new ArgumentException($"the model input {input} is not uint8 RGB pixels [1,H,W,3]");
        Model = model;
        Task = task;
        _interpreter = model.CreateInterpreter(new InterpreterOptions { Threads = threads });
        _preprocessor = new FramePreprocessor(input.Shape[2], input.Shape[1], stretch: true);
        _pixels = new byte[input.Shape[1] * input.Shape[2] * 3];
        var map = model.Outputs[0];
        Classes = task == FrameTask.Segmentation ? (map.Type == ElementType.Float32 ? map.Shape[3] : Math.Max(labels?.Length ?? model.Metadata.Labels.Length, 256)) : 0;
        _pixelCounts = new int[Classes];
        Labels = labels ?? model.Metadata.Labels;
    }

    /// <summary>The task a model's outputs describe: four float outputs of detections, or one class map / per-pixel scores.</summary>
    public static FrameTask TaskOf(EmbeddedModel model)
    {
        var o = model.Outputs;
        if (o.Count == 4 && o[0].Rank == 3 && o[0].Shape[2] == 4 && o[0].Type == ElementType.Float32 && o[2].Type == ElementType.Float32 && o[3].ElementCount == 1)
            return FrameTask.Detection;
        if (o.Count == 1 && ((o[0].Rank == 3 && o[0].Type is ElementType.Int32 or ElementType.Int64) || (o[0].Rank == 4 && o[0].Type == ElementType.Float32)))
            return FrameTask.Segmentation;
        return FrameTask.Classification;
    }

    public EmbeddedModel Model { get; }
    public FrameTask Task { get; }
    public string[] Labels { get; }
    public int Classes { get; }
    public Interpreter Interpreter => _interpreter;
    public double PreprocessMs { get; private set; }
    public double InferMs { get; private set; }
    /// <summary>Pixels of each class in the last frame's map (segmentation).</summary>
    public ReadOnlySpan<int> PixelCounts => _pixelCounts;
    public int MapPixels => Model.Outputs[0].Shape[1] * Model.Outputs[0].Shape[2];

    public string Label(int index) => index >= 0 && index < Labels.Length ? Labels[index] : "";

    public void Analyze(Frame frame)
    {
        long start = Stopwatch.GetTimestamp();
        _preprocessor.Prepare(frame, _pixels);
        _pixels.CopyTo(_interpreter.Input(0).Bytes);
        long prepared = Stopwatch.GetTimestamp();
        _interpreter.Invoke();
        if (Task == FrameTask.Segmentation) CountClasses();
        long done = Stopwatch.GetTimestamp();
        PreprocessMs = (prepared - start) * 1000.0 / Stopwatch.Frequency;
        InferMs = (done - prepared) * 1000.0 / Stopwatch.Frequency;
    }

    /// <summary>Detections of the last frame: how many, and each one's class, score and box (ymin, xmin, ymax, xmax in [0, 1]).</summary>
    public int DetectionCount => (int)Math.Min(_interpreter.Output(3).AsSpan<float>()[0], _interpreter.Output(2).Definition.ElementCount);

    public (int cls, float score, float ymin, float xmin, float ymax, float xmax) Detection(int k)
    {
        var boxes = _interpreter.Output(0).AsSpan<float>();
        return ((int)_interpreter.Output(1).AsSpan<float>()[k], _interpreter.Output(2).AsSpan<float>()[k], boxes[4 * k], boxes[4 * k + 1], boxes[4 * k + 2], boxes[4 * k + 3]);
    }

    private void CountClasses()
    {
        Array.Clear(_pixelCounts, 0, _pixelCounts.Length);
        var output = _interpreter.Output(0);
        var bytes = output.Bytes;
        int pixels = MapPixels;
        for (int p = 0; p < pixels; p++)
        {
            int cls;
            if (output.Type == ElementType.Int64) cls = (int)BinaryPrimitives.ReadInt64LittleEndian(bytes.Slice(p * 8, 8));
            else if (output.Type == ElementType.Int32) cls = BinaryPrimitives.ReadInt32LittleEndian(bytes.Slice(p * 4, 4));
            else
            {
                var scores = output.AsSpan<float>().Slice(p * Classes, Classes);
                cls = 0;
                for (int c = 1; c < Classes; c++) if (scores[c] > scores[cls]) cls = c;
            }
            if ((uint)cls < (uint)_pixelCounts.Length) _pixelCounts[cls]++;
        }
    }

    public void Dispose() => _interpreter.Dispose();
}
