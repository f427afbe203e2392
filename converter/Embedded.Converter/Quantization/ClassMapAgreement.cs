using System;
using System.Collections.Generic;
using System.Linq;
using Embedded.Converter.Float;
using Embedded.Converter.Graph;
using Embedded.Runtime.Execution;
using Embedded.Runtime.Model;

namespace Embedded.Converter.Quantization;

/// <summary>
/// How often a quantized segmentation model picks the float model's class, pixel by pixel. Output SQNR says little
/// there: a per-pixel argmax over logits that sit near ties flips with noise far below the logits' energy (LR-ASPP in
/// 8 bits: 12 dB output SQNR, but 84.5 % of the pixels agree).
/// </summary>
public static class ClassMapAgreement
{
    /// <summary>The share of every image's pixels a converted segmentation model should agree on.</summary>
    public const double DefaultFloor = 0.95;

    /// <summary>The float graph's class-score maps: float outputs [1, C ≥ 2, H, W] with at least 16 pixels.</summary>
    public static IReadOnlyList<string> Outputs(ModelGraph graph) =>
        graph.Outputs.Where(o => graph.Value(o) is { Kind: DataKind.Float, Shape: { Length: 4 } s } && s[0] == 1 && s[1] >= 2 && s[2] * s[3] >= 16).ToList();

    /// <summary>
    /// The lowest share of agreeing pixels over the images and class maps (the argmax of the quantized tensor of the same
    /// name, dequantized, against the float one); null when the model has no class map.
    /// </summary>
    public static double? Worst(ModelGraph graph, EmbeddedModel model, IReadOnlyList<byte[]> pixels)
    {
        var maps = new HashSet<string>(Outputs(graph));
        if (maps.Count == 0 || pixels.Count == 0) return null;
        var executor = new FloatExecutor(graph);
        var interpreter = model.CreateInterpreter();
        var inputShape = graph.Value(graph.Inputs[0]).Shape!;
        double worst = 1;
        bool measured = false;
        foreach (var image in pixels)
        {
            var floats = new Dictionary<string, TensorData>();
            executor.Run(new[] { ModelConverter.PixelsToTensor(image, inputShape) }, (name, value) => { if (maps.Contains(name)) floats[name] = value; });
            image.CopyTo(interpreter.Input(0).Bytes);
            interpreter.InvokeObserved((index, tensor, bytes) =>
            {
                if (!floats.TryGetValue(tensor.Name, out var reference) || reference.Length != tensor.ElementCount) return;
                if (tensor.Quantization is null && tensor.Type != ElementType.Float32) return;
                int channels = tensor.Shape[^1], agree = 0, pixelCount = tensor.ElementCount / channels;
                double bestReference = double.NegativeInfinity, bestQuantized = double.NegativeInfinity;
                int referenceClass = 0, quantizedClass = 0;
                QuantizedComparison.ForEach(reference, tensor, bytes, (c, f, q) =>
                {
                    if (c == 0) { bestReference = f; bestQuantized = q; referenceClass = 0; quantizedClass = 0; }
                    else
                    {
                        if (f > bestReference) { bestReference = f; referenceClass = c; }
                        if (q > bestQuantized) { bestQuantized = q; quantizedClass = c; }
                    }
                    if (c == channels - 1 && referenceClass == quantizedClass) agree++;
                });
                worst = Math.Min(worst, (double)agree / pixelCount);
                measured = true;
                floats.Remove(tensor.Name);
            });
        }
        return measured ? worst : null;
    }
}
