using System;
using System.Diagnostics;
using Embedded.Boards.Frames;
using Embedded.Runtime.Execution;
using Embedded.Runtime.Model;

namespace Embedded.Firmware.Classification;

/// <summary>
/// Frame → top-K classes: preprocess into the model's input (by <see cref="ImageInput"/>'s rule), invoke, read
/// scores. Every buffer is made here once; a raw frame costs no allocation, so memory stays
/// flat however long the camera runs.
/// </summary>
internal sealed class FrameClassifier : IDisposable
{
    private readonly Interpreter _interpreter;
    private readonly FramePreprocessor _preprocessor;
    private readonly ClassScores _scores;
    private readonly byte[] _pixels;
    private readonly ImageInput _imageInput;

    /// <param name="labels">Class names overriding the model's own (one per output class), or null.</param>
    public FrameClassifier(EmbeddedModel model, int threads, string[]? labels = null)
    {
        var input = model.Inputs[0];
        _imageInput = new ImageInput(model);
        Model = model;
        _interpreter = model.CreateInterpreter(new InterpreterOptions { Threads = threads });
        _preprocessor = new FramePreprocessor(input.Shape[2], input.Shape[1], model.Metadata.Preprocessing.ResizeShorterSide);
        _scores = new ClassScores(model);
        _pixels = new byte[input.Shape[1] * input.Shape[2] * 3];
        int classes = model.Outputs[0].ElementCount;
        if (labels is not null && labels.Length != classes) throw new ArgumentException($"{labels.Length} labels for a model with {classes} classes");
        Labels = labels ?? model.Metadata.Labels;
    }

    public EmbeddedModel Model { get; }
    public string[] Labels { get; }
    public Interpreter Interpreter => _interpreter;
    public ReadOnlySpan<float> Scores => _scores.Scores;
    public double PreprocessMs { get; private set; }
    public double InferMs { get; private set; }

    public string Label(int index) => index < Labels.Length ? Labels[index] : "";

    /// <summary>Classifies one frame; the top classes go into <paramref name="top"/> (best first).</summary>
    public int Classify(Frame frame, Span<int> top)
    {
        long start = Stopwatch.GetTimestamp();
        _preprocessor.Prepare(frame, _pixels);
        _imageInput.Fill(_pixels, _interpreter.Input(0));
        long prepared = Stopwatch.GetTimestamp();
        _interpreter.Invoke();
        _scores.Update(_interpreter.Output(0));
        int n = _scores.Top(top);
        long done = Stopwatch.GetTimestamp();
        PreprocessMs = Ms(prepared - start);
        InferMs = Ms(done - prepared);
        return n;
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    public void Dispose() => _interpreter.Dispose();
}
