using System;

namespace Embedded.Imaging;

/// <summary>
/// Bilinear resizing computed exactly as Pillow's Image.resize(…, BILINEAR) does: a triangle filter whose support
/// grows with the reduction factor (antialiasing), coefficients normalized and rounded to 22-bit fixed point,
/// a horizontal pass over the rows the vertical pass needs, then a vertical pass, each rounding to 8 bits
/// (<see cref="ResizePlan"/>, which a camera loop keeps to resize every frame without allocating).
/// </summary>
public static class Resampler
{
    public static RgbImage ResizeBilinear(RgbImage image, int width, int height)
    {
        ImageLimits.Check("resize", width, height);
        var pixels = new byte[width * height * 3];
        new ResizePlan(image.Width, image.Height, width, height, 0, 0, width, height).Run(image.Pixels, pixels);
        return new RgbImage(width, height, pixels);
    }

    /// <summary>torchvision Resize(shorter) size: the shorter side becomes <paramref name="shorter"/>, the longer int(shorter · long / short).</summary>
    public static (int width, int height) ShorterSideSize(int width, int height, int shorter) =>
        width <= height ? (shorter, (int)((long)shorter * height / width)) : ((int)((long)shorter * width / height), shorter);

    /// <summary>torchvision CenterCrop: offsets round((size − crop) / 2) with Python's round-half-to-even.</summary>
    public static RgbImage CenterCrop(RgbImage image, int width, int height)
    {
        if (width > image.Width || height > image.Height) throw new ImageFormatException($"cannot crop {width}×{height} from a {image.Width}×{image.Height} image");
        int left = (int)Math.Round((image.Width - width) / 2.0, MidpointRounding.ToEven);
        int top = (int)Math.Round((image.Height - height) / 2.0, MidpointRounding.ToEven);
        var pixels = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
            Array.Copy(image.Pixels, ((top + y) * image.Width + left) * 3, pixels, y * width * 3, width * 3);
        return new RgbImage(width, height, pixels);
    }

    /// <summary>The canonical classifier preprocessing: resize the shorter side, then center crop.</summary>
    public static RgbImage ResizeShorterSideAndCrop(RgbImage image, int shorter, int cropWidth, int cropHeight)
    {
        var pixels = new byte[cropWidth * cropHeight * 3];
        ResizePlan.ShorterSideAndCenterCrop(image.Width, image.Height, shorter, cropWidth, cropHeight).Run(image.Pixels, pixels);
        return new RgbImage(cropWidth, cropHeight, pixels);
    }
}
