using System;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Execution;

/// <summary>
/// How RGB pixels (uint8, HWC, already at the input size) enter a model's image input, the one rule for every tool
/// that feeds images: uint8 inputs take the pixels as they are, int8 inputs take pixel − 128 (TFLite's int8 models,
/// e.g. Visual Wake Words), float inputs take (pixel − mean) / std per channel from the model's metadata.
/// Nothing is allocated per image.
/// </summary>
public sealed class ImageInput
{
    private readonly (float mean, float std)[] _normalization = new (float, float)[3];

    public ImageInput(EmbeddedModel model)
    {
        Check(model.Inputs[0]);
        var p = model.Metadata.Preprocessing;
        for (int c = 0; c < 3; c++) _normalization[c] = p.Mean.Length == 3 ? (p.Mean[c], p.Std[c]) : (0f, 1f);
    }

    /// <summary>Per-channel (mean, std) used for float inputs; (0, 1) when the metadata has none.</summary>
    public ReadOnlySpan<(float mean, float std)> Normalization => _normalization;

    /// <summary>Refuses an input that is not RGB pixels [1,H,W,3] of a type this rule can fill.</summary>
    public static void Check(TensorDefinition input)
    {
        if (input.Type is not (ElementType.UInt8 or ElementType.Int8 or ElementType.Float32) || input.Rank != 4 || input.Shape[3] != 3)
            throw new ArgumentException($"the model input {input} is not RGB pixels [1,H,W,3] (uint8, int8 = pixel − 128, or float32 normalized by the metadata's mean/std)");
    }

    /// <summary>Writes <paramref name="pixels"/> into <paramref name="input"/> (the interpreter's input tensor).</summary>
    public void Fill(ReadOnlySpan<byte> pixels, Tensor input)
    {
        if (pixels.Length != input.Definition.ElementCount)
            throw new ArgumentException($"{pixels.Length} pixel values for input {input.Name} of {input.Definition.ElementCount}", nameof(pixels));
        if (input.Type == ElementType.Float32)
        {
            var x = input.AsSpan<float>();
            for (int i = 0; i < x.Length; i++) x[i] = (pixels[i] - _normalization[i % 3].mean) / _normalization[i % 3].std;
        }
        else if (input.Type == ElementType.Int8)
        {
            // The uint8 value with its zero point moved by 128: flipping the top bit is pixel − 128 as a two's-complement byte.
            var x = input.Bytes;
            for (int i = 0; i < x.Length; i++) x[i] = (byte)(pixels[i] ^ 0x80);
        }
        else pixels.CopyTo(input.Bytes);
    }
}
