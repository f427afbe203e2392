using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using Embedded.Converter.Tflite;
using Embedded.Runtime.Model;

namespace Embedded.Converter.Cli.Models;

/// <summary>What an imported quantized .tflite model's .emb metadata says: how images are prepared for it, its labels, where it came from.</summary>
internal static class TfliteMetadata
{
    public static ModelMetadata Create(TfliteModel tflite, string name, byte[] bytes, string[] labels, string match)
    {
        var graph = tflite.SubGraphs[0];
        var input = graph.Tensors[graph.Inputs[0]];
        int size = input.Shape.Length == 4 ? Math.Min(input.Shape[1], input.Shape[2]) : 224;
        // A classifier (one [1, classes] output) is resized and cropped; detection and segmentation models see the whole image.
        var outputs = graph.Outputs.Select(o => graph.Tensors[o].Shape).ToArray();
        bool stretch = outputs.Length != 1 || outputs[0].Length > 2;
        return new ModelMetadata
        {
            Name = name, Producer = ModelConverter.Producer,
            SourceHash = "sha256:" + Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant(),
            Labels = labels,
            // A float input takes pixel / 255 (TFLite image models with a float interface use [0, 1]).
            Preprocessing = new Preprocessing
            {
                Resize = stretch ? ResizeRule.Stretch : ResizeRule.ShorterSide, ResizeShorterSide = stretch ? 0 : (int)Math.Round(size * 256.0 / 224),
                CropWidth = input.Shape.Length == 4 ? input.Shape[2] : size, CropHeight = input.Shape.Length == 4 ? input.Shape[1] : size,
                Mean = input.Type == TfliteType.Float32 ? new[] { 0f, 0f, 0f } : Array.Empty<float>(),
                Std = input.Type == TfliteType.Float32 ? new[] { 255f, 255f, 255f } : Array.Empty<float>(),
            },
            Properties = new Dictionary<string, string> { ["source.format"] = "tflite", ["match"] = match },
        };
    }

    /// <summary>How many labels the model's classes need: the last dimension of a classifier's [1, C] or a class map's [1, H, W, C]; -1 when the outputs say nothing (detection post-processing).</summary>
    public static int Classes(TfliteModel tflite)
    {
        var graph = tflite.SubGraphs[0];
        if (graph.Outputs.Length != 1) return -1;
        var shape = graph.Tensors[graph.Outputs[0]].Shape;
        return shape.Length is 2 or 4 ? shape[^1] : -1;
    }
}
