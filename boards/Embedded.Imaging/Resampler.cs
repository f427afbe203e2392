using System;

namespace Embedded.Imaging;

/// <summary>
/// Bilinear resizing computed exactly as Pillow's Image.resize(…, BILINEAR) does: a triangle filter whose support
/// grows with the reduction factor (antialiasing), coefficients normalized and rounded to 22-bit fixed point,
/// a horizontal pass over the rows the vertical pass needs, then a vertical pass, each rounding to 8 bits.
/// </summary>
public static class Resampler
{
    private const int PrecisionBits = 32 - 8 - 2;

    public static RgbImage ResizeBilinear(RgbImage image, int width, int height)
    {
        ImageLimits.Check("resize", width, height);
        if (width == image.Width && height == image.Height) return new RgbImage(width, height, (byte[])image.Pixels.Clone());
        var (hBounds, hKernel, hSize) = Coefficients(image.Width, width);
        var (vBounds, vKernel, vSize) = Coefficients(image.Height, height);
        int firstRow = vBounds[0], lastRow = vBounds[2 * (height - 1)] + vBounds[2 * (height - 1) + 1];

        // Horizontal pass over the source rows the vertical pass will read.
        byte[] temp;
        int tempWidth;
        if (width != image.Width)
        {
            tempWidth = width;
            temp = new byte[width * (lastRow - firstRow) * 3];
            for (int y = 0; y < lastRow - firstRow; y++)
            for (int x = 0; x < width; x++)
            {
                int start = hBounds[2 * x], count = hBounds[2 * x + 1];
                int s0 = 1 << (PrecisionBits - 1), s1 = s0, s2 = s0;
                int src = ((y + firstRow) * image.Width + start) * 3;
                for (int k = 0; k < count; k++)
                {
                    int c = hKernel[x * hSize + k];
                    s0 += image.Pixels[src + 3 * k] * c;
                    s1 += image.Pixels[src + 3 * k + 1] * c;
                    s2 += image.Pixels[src + 3 * k + 2] * c;
                }
                int dst = (y * width + x) * 3;
                temp[dst] = Clip8(s0); temp[dst + 1] = Clip8(s1); temp[dst + 2] = Clip8(s2);
            }
        }
        else
        {
            tempWidth = image.Width;
            temp = new byte[image.Width * (lastRow - firstRow) * 3];
            Array.Copy(image.Pixels, firstRow * image.Width * 3, temp, 0, temp.Length);
        }
        if (height == image.Height) return new RgbImage(width, height, temp);

        var output = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        {
            int start = vBounds[2 * y] - firstRow, count = vBounds[2 * y + 1];
            for (int x = 0; x < width; x++)
            {
                int s0 = 1 << (PrecisionBits - 1), s1 = s0, s2 = s0;
                for (int k = 0; k < count; k++)
                {
                    int c = vKernel[y * vSize + k];
                    int src = ((start + k) * tempWidth + x) * 3;
                    s0 += temp[src] * c; s1 += temp[src + 1] * c; s2 += temp[src + 2] * c;
                }
                int dst = (y * width + x) * 3;
                output[dst] = Clip8(s0); output[dst + 1] = Clip8(s1); output[dst + 2] = Clip8(s2);
            }
        }
        return new RgbImage(width, height, output);
    }

    private static byte Clip8(int v)
    {
        if (v >= 255 << PrecisionBits) return 255;
        if (v <= 0) return 0;
        return (byte)(v >> PrecisionBits);
    }

    /// <summary>Per output position: first input index and tap count (bounds), and the fixed-point taps.</summary>
    private static (int[] bounds, int[] kernel, int size) Coefficients(int inSize, int outSize)
    {
        double scale = (double)inSize / outSize;
        double filterScale = Math.Max(scale, 1.0);
        double support = 1.0 * filterScale;
        int size = (int)Math.Ceiling(support) * 2 + 1;
        var bounds = new int[outSize * 2];
        var kernel = new int[outSize * size];
        var weights = new double[size];
        for (int xx = 0; xx < outSize; xx++)
        {
            double center = (xx + 0.5) * scale;
            double total = 0;
            int xmin = (int)(center - support + 0.5);
            if (xmin < 0) xmin = 0;
            int xmax = (int)(center + support + 0.5);
            if (xmax > inSize) xmax = inSize;
            xmax -= xmin;
            for (int x = 0; x < xmax; x++)
            {
                double t = Math.Abs((x + xmin - center + 0.5) / filterScale);
                double w = t < 1.0 ? 1.0 - t : 0.0;
                weights[x] = w;
                total += w;
            }
            for (int x = 0; x < xmax; x++)
            {
                double k = total != 0 ? weights[x] / total : weights[x];
                kernel[xx * size + x] = k < 0 ? (int)(-0.5 + k * (1 << PrecisionBits)) : (int)(0.5 + k * (1 << PrecisionBits));
            }
            bounds[2 * xx] = xmin;
            bounds[2 * xx + 1] = xmax;
        }
        return (bounds, kernel, size);
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
        var (w, h) = ShorterSideSize(image.Width, image.Height, shorter);
        return CenterCrop(ResizeBilinear(image, w, h), cropWidth, cropHeight);
    }
}
