using System;
using System.Collections.Generic;
using System.Linq;
using Embedded.Converter.Float;
using Embedded.Converter.Graph;
using Embedded.Runtime.Execution;
using Embedded.Runtime.Model;

namespace Embedded.Converter.Quantization;

/// <summary>Signal-to-quantization-noise of one operator's output over a set of inputs.</summary>
public sealed record LayerError(int OperatorIndex, string Name, string Operator, string Output, double SqnrDb, double SignalEnergy, double NoiseEnergy);

/// <summary>
/// Compares every quantized operator output with the float value of the same name (the quantizer names tensors
/// after float values), dequantized and brought back to NCHW: SQNR = 10·log10(Σ f² / Σ (f − q)²).
/// </summary>
public static class LayerErrorAnalysis
{
    public static IReadOnlyList<LayerError> Run(ModelGraph floatGraph, EmbeddedModel model, IReadOnlyList<byte[]> pixels)
    {
        var definition = model.Definition;
        var executor = new FloatExecutor(floatGraph);
        var interpreter = model.CreateInterpreter();
        var signal = new double[definition.Operators.Count];
        var noise = new double[definition.Operators.Count];
        var inputShape = floatGraph.Value(floatGraph.Inputs[0]).Shape!;
        var wanted = new HashSet<string>(definition.Operators.Select(o => definition.Tensors[o.Outputs[0]].Name));
        foreach (var image in pixels)
        {
            var floats = new Dictionary<string, TensorData>();
            executor.Run(new[] { ModelConverter.PixelsToTensor(image, inputShape) }, (name, value) => { if (wanted.Contains(name)) floats[name] = value; });
            image.CopyTo(interpreter.Input(0).Bytes);
            interpreter.InvokeObserved((index, tensor, bytes) =>
            {
                // Float32 tensors (softmax probabilities) compare as they are; int64 class maps have no SQNR.
                if (!floats.TryGetValue(tensor.Name, out var reference) || (tensor.Quantization is null && tensor.Type != ElementType.Float32)) return;
                if (reference.Length != tensor.ElementCount) return;
                var (s, n) = Compare(reference, tensor, bytes);
                signal[index] += s;
                noise[index] += n;
            });
        }
        var result = new List<LayerError>();
        for (int i = 0; i < signal.Length; i++)
        {
            var op = definition.Operators[i];
            var output = definition.Tensors[op.Outputs[0]];
            if (signal[i] == 0 && noise[i] == 0) continue;
            result.Add(new LayerError(i, op.Name, op.Code.ToString(), output.Name, Sqnr(signal[i], noise[i]), signal[i], noise[i]));
        }
        return result;
    }

    /// <summary>
    /// The worst SQNR among the float graph's outputs, each measured on the quantized tensor of the same value (before
    /// its Dequantize, and before any post-processing appended to raw heads). +∞ when every output is exact.
    /// </summary>
    public static double OutputSqnr(ModelGraph floatGraph, IReadOnlyList<LayerError> errors)
    {
        double worst = double.PositiveInfinity;
        foreach (string output in floatGraph.Outputs)
            foreach (var e in errors)
                if (e.Output == output) worst = Math.Min(worst, e.SqnrDb);
        return worst;
    }

    public static double Sqnr(double signal, double noise) => noise <= 0 ? double.PositiveInfinity : 10 * Math.Log10(signal / noise);

    private static (double signal, double noise) Compare(TensorData reference, TensorDefinition tensor, ReadOnlySpan<byte> bytes)
    {
        double signal = 0, noise = 0;
        QuantizedComparison.ForEach(reference, tensor, bytes, (_, f, q) =>
        {
            signal += f * f;
            noise += (f - q) * (f - q);
        });
        return (signal, noise);
    }
}
