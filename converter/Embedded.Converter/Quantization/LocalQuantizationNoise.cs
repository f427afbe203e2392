using System;
using System.Collections.Generic;
using Embedded.Converter.Float;
using Embedded.Converter.Graph;
using Embedded.Runtime.Model;

namespace Embedded.Converter.Quantization;

/// <summary>
/// The noise each activation's own quantization adds: the float value rounded and clipped to its quantized grid,
/// compared with itself (no upstream error), as SQNR in dB per float value. The lowest values are where 16 bits help most.
/// </summary>
public static class LocalQuantizationNoise
{
    public static IReadOnlyDictionary<string, double> Measure(ModelGraph floatGraph, QuantizedModel model, IReadOnlyList<byte[]> pixels)
    {
        var definition = model.Definition;
        var signal = new Dictionary<string, double>();
        var noise = new Dictionary<string, double>();
        var executor = new FloatExecutor(floatGraph);
        var shape = floatGraph.Value(floatGraph.Inputs[0]).Shape!;
        foreach (var image in pixels)
        {
            executor.Run(new[] { ModelConverter.PixelsToTensor(image, shape) }, (name, value) =>
            {
                if (!model.TensorOfValue.TryGetValue(name, out int t)) return;
                var tensor = definition.Tensors[t];
                if (tensor.Quantization is null || !tensor.Type.IsQuantizedActivation()) return;
                var (s, n) = Rounding(value, tensor);
                signal[name] = signal.GetValueOrDefault(name) + s;
                noise[name] = noise.GetValueOrDefault(name) + n;
            });
        }
        var result = new Dictionary<string, double>();
        foreach (var (name, s) in signal) result[name] = LayerErrorAnalysis.Sqnr(s, noise[name]);
        return result;
    }

    /// <summary>Energy of a float NCHW (or [rows, C]) value and of its rounding to the tensor's grid.</summary>
    private static (double signal, double noise) Rounding(TensorData value, TensorDefinition tensor)
    {
        var q = tensor.Quantization!;
        int channels = tensor.Shape.Length == 0 ? 1 : tensor.Shape[^1];
        int inner = value.Rank == 4 ? value.Shape[2] * value.Shape[3] : 1;
        int lo = tensor.Type.MinValue(), hi = tensor.Type.MaxValue();
        double signal = 0, noise = 0;
        var floats = value.Floats;
        for (int i = 0; i < floats.Length; i++)
        {
            int c = q.IsPerAxis ? i / inner % channels : 0;
            double scale = q.ScaleAt(c), zero = q.ZeroPointAt(c), f = floats[i];
            double level = Math.Clamp(Math.Round(f / scale) + zero, lo, hi);
            double error = f - (level - zero) * scale;
            signal += f * f;
            noise += error * error;
        }
        return (signal, noise);
    }
}
