using System;

namespace Embedded.Imaging;

/// <summary>An 8-bit RGB image, pixels interleaved row by row (HWC).</summary>
public sealed class RgbImage
{
    public int Width { get; }
    public int Height { get; }
    public byte[] Pixels { get; }

    public RgbImage(int width, int height, byte[] pixels)
    {
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), "image dimensions must be positive");
        if (pixels.Length != (long)width * height * 3) throw new ArgumentException($"{pixels.Length} bytes for a {width}×{height} RGB image");
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public override string ToString() => $"{Width}×{Height} RGB";
}
