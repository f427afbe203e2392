using System;
using System.Diagnostics;
using Embedded.Boards.Frames;
using Embedded.Runtime.Execution;
using Embedded.Runtime.Model;

namespace Embedded.Firmware.Classification;

/// <summary>
/// Frame → top-K classes: preprocess into the model's input (uint8 pixels, or (pixel − mean)/std for float-input
/// models), invoke, read scores. Every buffer is made here once; a raw frame costs no allocation, so memory stays
/// flat however long the camera runs.
/// </summary>
internal sealed class FrameClassifier : IDisposable
{
    private readonly Interpreter _interpreter;
    private readonly FramePreprocessor _preprocessor;
    private readonly ClassScores _scores;
    private readonly byte[] _pixels;
    private readonly (float mean, float std)[] _normalization;

    /// <param name="labels">Class names overriding the model's own (one per output class), or null.</param>
    public FrameClassifier(EmbeddedModel model, int threads, string[]? labels = null)
    {
        var input = model.Inputs[0];
        if (input.Type is not (ElementType.UInt8 or ElementType.Int8 or ElementType.Float32) || input.Rank != 4 || input.Shape[3] != 3)
            throw new ArgumentException($"the model input {input} is not RGB pixels [1,H,W,3] (uint8, int8 = pixel − 128, or float32 normalized by the metadata's mean/std)");
        Model = model;
        _interpreter = model.CreateInterpreter(new InterpreterOptions { Threads = threads });
        _preprocessor = new FramePreprocessor(input.Shape[2], input.Shape[1], model.Metadata.Preprocessing.ResizeShorterSide);
        _scores = new ClassScores(model);
        _pixels = new byte[input.Shape[1] * input.Shape[2] * 3];
        var p = model.Metadata.Preprocessing;
        _normalization = new (float, float)[3];
        for (int c = 0; c < 3; c++) _normalization[c] = p.Mean.Length == 3 ? (p.Mean[c], p.Std[c]) : (0f, 1f);
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
        var input = _interpreter.Input(0);
        if (input.Type == ElementType.Float32)
        {
            var x = input.AsSpan<float>();
            for (int i = 0; i < x.Length; i++) x[i] = (_pixels[i] - _normalization[i % 3].mean) / _normalization[i % 3].std;
        }
        else if (input.Type == ElementType.Int8)
        {
            // An int8 image input is the uint8 one with its zero point moved by 128 (TFLite's int8 models, e.g. Visual Wake Words).
            var x = input.Bytes;
            for (int i = 0; i < x.Length; i++) x[i] = (byte)(_pixels[i] ^ 0x80);
        }
        else _pixels.CopyTo(input.Bytes);
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
