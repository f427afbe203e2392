using System;

namespace Embedded.Imaging;

/// <summary>
/// A Pillow-exact bilinear resize of a fixed source size, followed by a crop window, with its coefficients and
/// working row buffer made once: <see cref="Run"/> then allocates nothing, so a camera loop can prepare every
/// frame of one size with the same plan. Only the cropped window is computed; each output pixel depends on its
/// own coefficients alone, so the bytes equal resizing the whole image and cropping afterwards.
/// </summary>
public sealed class ResizePlan
{
    private const int PrecisionBits = 32 - 8 - 2;

    private readonly int[] _hBounds, _hKernel, _vBounds, _vKernel;
    private readonly int _hSize, _vSize;
    private readonly int _firstRow, _rows;
    private readonly byte[] _temp;

    public int SourceWidth { get; }
    public int SourceHeight { get; }
    /// <summary>The size the whole image is resized to, before cropping.</summary>
    public int ResizedWidth { get; }
    public int ResizedHeight { get; }
    public int CropLeft { get; }
    public int CropTop { get; }
    public int Width { get; }
    public int Height { get; }

    public ResizePlan(int sourceWidth, int sourceHeight, int resizedWidth, int resizedHeight, int cropLeft, int cropTop, int width, int height)
    {
        ImageLimits.Check("resize source", sourceWidth, sourceHeight);
        ImageLimits.Check("resize", resizedWidth, resizedHeight);
        if (cropLeft < 0 || cropTop < 0 || width < 1 || height < 1 || cropLeft + width > resizedWidth || cropTop + height > resizedHeight)
            throw new ImageFormatException($"cannot crop {width}×{height} at ({cropLeft},{cropTop}) from a {resizedWidth}×{resizedHeight} image");
        SourceWidth = sourceWidth; SourceHeight = sourceHeight;
        ResizedWidth = resizedWidth; ResizedHeight = resizedHeight;
        CropLeft = cropLeft; CropTop = cropTop; Width = width; Height = height;
        (_hBounds, _hKernel, _hSize) = Coefficients(sourceWidth, resizedWidth);
        (_vBounds, _vKernel, _vSize) = Coefficients(sourceHeight, resizedHeight);
        _firstRow = _vBounds[2 * cropTop];
        int last = cropTop + height - 1;
        _rows = _vBounds[2 * last] + _vBounds[2 * last + 1] - _firstRow;
        _temp = new byte[(long)width * _rows * 3 > int.MaxValue ? throw new ImageFormatException("resize too large") : width * _rows * 3];
    }

    /// <summary>torchvision's classifier rule: shorter side to <paramref name="shorter"/>, then a centered crop.</summary>
    public static ResizePlan ShorterSideAndCenterCrop(int sourceWidth, int sourceHeight, int shorter, int cropWidth, int cropHeight)
    {
        ImageLimits.Check("resize source", sourceWidth, sourceHeight);
        var (w, h) = Resampler.ShorterSideSize(sourceWidth, sourceHeight, shorter);
        if (cropWidth > w || cropHeight > h) throw new ImageFormatException($"cannot crop {cropWidth}×{cropHeight} from a {w}×{h} image");
        int left = (int)Math.Round((w - cropWidth) / 2.0, MidpointRounding.ToEven);
        int top = (int)Math.Round((h - cropHeight) / 2.0, MidpointRounding.ToEven);
        return new ResizePlan(sourceWidth, sourceHeight, w, h, left, top, cropWidth, cropHeight);
    }

    /// <summary>Resizes HWC RGB <paramref name="source"/> (SourceWidth × SourceHeight) into <paramref name="destination"/> (Width × Height × 3).</summary>
    public void Run(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (source.Length != SourceWidth * SourceHeight * 3) throw new ImageFormatException($"{source.Length} bytes for a {SourceWidth}×{SourceHeight} RGB image");
        if (destination.Length < Width * Height * 3) throw new ArgumentException($"{destination.Length} bytes for a {Width}×{Height} RGB image", nameof(destination));
        bool resizeH = ResizedWidth != SourceWidth, resizeV = ResizedHeight != SourceHeight;
        // Horizontal pass over the source rows the vertical pass reads (Pillow skips a pass whose size is unchanged).
        Span<byte> temp = _temp;
        for (int y = 0; y < _rows; y++)
        {
            var srcRow = source.Slice((y + _firstRow) * SourceWidth * 3, SourceWidth * 3);
            var dstRow = temp.Slice(y * Width * 3, Width * 3);
            if (!resizeH) { srcRow.Slice(CropLeft * 3, Width * 3).CopyTo(dstRow); continue; }
            for (int x = 0; x < Width; x++)
            {
                int ox = x + CropLeft;
                int start = _hBounds[2 * ox], count = _hBounds[2 * ox + 1];
                int s0 = 1 << (PrecisionBits - 1), s1 = s0, s2 = s0;
                for (int k = 0; k < count; k++)
                {
                    int c = _hKernel[ox * _hSize + k];
                    int src = (start + k) * 3;
                    s0 += srcRow[src] * c; s1 += srcRow[src + 1] * c; s2 += srcRow[src + 2] * c;
                }
                dstRow[3 * x] = Clip8(s0); dstRow[3 * x + 1] = Clip8(s1); dstRow[3 * x + 2] = Clip8(s2);
            }
        }
        for (int y = 0; y < Height; y++)
        {
            int oy = y + CropTop;
            var dstRow = destination.Slice(y * Width * 3, Width * 3);
            if (!resizeV) { temp.Slice((oy - _firstRow) * Width * 3, Width * 3).CopyTo(dstRow); continue; }
            int start = _vBounds[2 * oy] - _firstRow, count = _vBounds[2 * oy + 1];
            for (int x = 0; x < Width * 3; x += 3)
            {
                int s0 = 1 << (PrecisionBits - 1), s1 = s0, s2 = s0;
                for (int k = 0; k < count; k++)
                {
                    int c = _vKernel[oy * _vSize + k];
                    int src = (start + k) * Width * 3 + x;
                    s0 += temp[src] * c; s1 += temp[src + 1] * c; s2 += temp[src + 2] * c;
                }
                dstRow[x] = Clip8(s0); dstRow[x + 1] = Clip8(s1); dstRow[x + 2] = Clip8(s2);
            }
        }
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
}
