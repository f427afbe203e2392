namespace Embedded.Imaging;

/// <summary>Bounds checked before any allocation sized from a header.</summary>
public static class ImageLimits
{
    public const int MaxDimension = 16384;
    public const long MaxPixels = 64L * 1024 * 1024;
    /// <summary>The largest image file read: the largest image as uncompressed 32-bit BMP, and a megabyte of headers.</summary>
    public const long MaxFileBytes = MaxPixels * 4 + (1 << 20);

    public static void Check(string format, long width, long height)
    {
        if (width < 1 || height < 1 || width > MaxDimension || height > MaxDimension || width * height > MaxPixels)
            throw new ImageFormatException($"{format}: image size {width}×{height} is outside the supported 1..{MaxDimension} per side, {MaxPixels} pixels");
    }
}
