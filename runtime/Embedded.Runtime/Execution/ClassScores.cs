using System;
using System.Linq;
using Embedded.Runtime.Kernels;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Execution;

/// <summary>
/// A classifier's output tensor as class probabilities and its top K, without allocating per inference: the
/// output is dequantized into a kept buffer and, unless the model already ends in a Softmax, turned into
/// probabilities with a numerically safe softmax. Ties rank the lower class index first.
/// </summary>
public sealed class ClassScores
{
    private readonly float[] _scores;

    /// <summary>True when the model's output comes from a Softmax operator (its values are already probabilities).</summary>
    public bool OutputIsProbabilities { get; }

    public ClassScores(EmbeddedModel model, int output = 0)
    {
        var definition = model.Outputs[output];
        _scores = new float[definition.ElementCount];
        int tensor = model.Definition.Outputs[output];
        OutputIsProbabilities = model.Definition.Operators.Any(op => op.Code == OperatorCode.Softmax && op.Outputs.Contains(tensor));
    }

    public int Classes => _scores.Length;

    /// <summary>Probabilities of the last <see cref="Update"/>.</summary>
    public ReadOnlySpan<float> Scores => _scores;

    /// <summary>Reads the interpreter's output after an inference.</summary>
    public void Update(Tensor output)
    {
        if (output.Definition.ElementCount != _scores.Length) throw new ArgumentException($"output {output.Name} has {output.Definition.ElementCount} values, expected {_scores.Length}", nameof(output));
        if (output.Type == ElementType.Float32) output.AsSpan<float>().CopyTo(_scores);
        else
        {
            var q = output.Quantization ?? throw new InvalidOperationException($"output {output.Name} is {output.Type} without quantization parameters");
            float scale = q.ScaleAt(0);
            int zero = q.ZeroPointAt(0);
            var bytes = output.Bytes;
            for (int i = 0; i < _scores.Length; i++) _scores[i] = scale * (Elements.Load(bytes, output.Type, i) - zero);
        }
        if (OutputIsProbabilities) return;
        float max = float.NegativeInfinity;
        foreach (float v in _scores) max = Math.Max(max, v);
        double sum = 0;
        for (int i = 0; i < _scores.Length; i++) sum += _scores[i] = (float)Math.Exp(_scores[i] - max);
        for (int i = 0; i < _scores.Length; i++) _scores[i] = (float)(_scores[i] / sum);
    }

    /// <summary>Fills <paramref name="classes"/> with the indices of the highest scores, best first; returns how many (≤ its length).</summary>
    public int Top(Span<int> classes)
    {
        int k = Math.Min(classes.Length, _scores.Length);
        for (int n = 0; n < k; n++)
        {
            int best = -1;
            for (int i = 0; i < _scores.Length; i++)
            {
                if (best >= 0 && !(_scores[i] > _scores[best])) continue;
                bool taken = false;
                for (int j = 0; j < n; j++) if (classes[j] == i) { taken = true; break; }
                if (!taken) best = i;
            }
            classes[n] = best;
        }
        return k;
    }
}
