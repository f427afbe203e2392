using System;
using System.Collections.Generic;

namespace Embedded.Runtime.Model;

/// <summary>Memory layout of the image input tensor. Values are part of the .emb format.</summary>
public enum InputLayout : byte { Nhwc = 0, Nchw = 1 }

/// <summary>Channel order the model expects. Values are part of the .emb format.</summary>
public enum ColorOrder : byte { Rgb = 0, Bgr = 1, Gray = 2 }

/// <summary>How an image is brought to the input size before cropping. Values are part of the .emb format.</summary>
public enum ResizeRule : byte
{
    /// <summary>The image already has the input size.</summary>
    None = 0,
    /// <summary>Scale so the shorter side equals <see cref="Preprocessing.ResizeShorterSide"/> (torchvision Resize(int)).</summary>
    ShorterSide = 1,
    /// <summary>Scale both sides to the crop size directly (aspect ratio not kept).</summary>
    Stretch = 2,
}

public enum Interpolation : byte { Bilinear = 0, Nearest = 1 }

/// <summary>How raw pixels become the input tensor: what a board or the CLI does before Invoke.</summary>
public sealed class Preprocessing
{
    public InputLayout Layout { get; init; } = InputLayout.Nhwc;
    public ColorOrder Color { get; init; } = ColorOrder.Rgb;
    /// <summary>Per-channel mean and std in pixel units: x = (pixel − mean) / std. Empty when the model takes raw pixels.</summary>
    public float[] Mean { get; init; } = Array.Empty<float>();
    public float[] Std { get; init; } = Array.Empty<float>();
    public ResizeRule Resize { get; init; } = ResizeRule.None;
    public int ResizeShorterSide { get; init; }
    public Interpolation Interpolation { get; init; } = Interpolation.Bilinear;
    public int CropWidth { get; init; }
    public int CropHeight { get; init; }
}

/// <summary>Everything about a model that is not the computation: names, provenance, preprocessing, labels.</summary>
public sealed class ModelMetadata
{
    public string Name { get; init; } = "";
    /// <summary>Tool and version that wrote the file, e.g. "emb 0.1.0".</summary>
    public string Producer { get; init; } = "";
    /// <summary>Hash of the source model (e.g. "sha256:…"), empty when unknown.</summary>
    public string SourceHash { get; init; } = "";
    public Preprocessing Preprocessing { get; init; } = new();
    public string[] Labels { get; init; } = Array.Empty<string>();
    /// <summary>Free-form key/value pairs for tools; the runtime ignores them.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();
}
