namespace Embedded.Imaging;

/// <summary>Turns a decoded image into a classifier's input pixels: resize the shorter side, center crop (torchvision's rule).</summary>
public static class ClassifierInput
{
    /// <summary>uint8 HWC RGB pixels of <paramref name="width"/> × <paramref name="height"/>; the shorter side is first scaled to
    /// <paramref name="resizeShorter"/> (0: 256/224 of the crop, the ImageNet convention).</summary>
    public static byte[] Prepare(RgbImage image, int width, int height, int resizeShorter = 0)
    {
        if (resizeShorter <= 0) resizeShorter = (int)System.Math.Round(System.Math.Min(width, height) * 256.0 / 224.0);
        return Resampler.ResizeShorterSideAndCrop(image, resizeShorter, width, height).Pixels;
    }

    /// <summary>The whole image scaled to <paramref name="width"/> × <paramref name="height"/> (detection and segmentation models).</summary>
    public static byte[] Stretch(RgbImage image, int width, int height) => Resampler.ResizeBilinear(image, width, height).Pixels;
}
