using System;

namespace Embedded.Imaging.Jpeg;

/// <summary>
/// Upsampling and colour conversion as libjpeg does them by default: "fancy" (triangle-filter) upsampling for
/// 2×1 and 2×2 subsampled chroma, with the first/last sample row repeated at the image edges; plain replication
/// for other factors; fixed-point YCbCr → RGB (<see cref="YCbCr"/>).
/// </summary>
internal sealed class JpegColor
{
    // Kept across images: full-resolution components, one upsampled row, the RGB output (grown, never shrunk).
    private readonly byte[][] _full = { Array.Empty<byte>(), Array.Empty<byte>(), Array.Empty<byte>() };
    private byte[] _row = Array.Empty<byte>();

    /// <summary>The last image's RGB24 pixels at the start of this buffer.</summary>
    public byte[] Rgb { get; private set; } = Array.Empty<byte>();

    public void ToRgb(JpegComponent[] components, byte[][] planes, int width, int height, int hMax, int vMax, bool ycc)
    {
        var full = _full;
        for (int i = 0; i < components.Length; i++) full[i] = Upsample(components[i], planes[i], width, height, hMax, vMax, full[i]);
        int n = width * height;
        if (Rgb.Length < 3 * n) Rgb = new byte[3 * n];
        var rgb = Rgb;
        if (components.Length == 1)
        {
            for (int p = 0; p < n; p++) rgb[3 * p] = rgb[3 * p + 1] = rgb[3 * p + 2] = full[0][p];
        }
        else if (ycc)
        {
            for (int p = 0; p < n; p++)
            {
                YCbCr.ToRgb(full[0][p], full[1][p], full[2][p], rgb.AsSpan(3 * p, 3));
            }
        }
        else
        {
            for (int p = 0; p < n; p++) { rgb[3 * p] = full[0][p]; rgb[3 * p + 1] = full[1][p]; rgb[3 * p + 2] = full[2][p]; }
        }
    }

    /// <summary>The component at full resolution, cropped to width × height, in <paramref name="result"/> (or a larger buffer it returns).</summary>
    private byte[] Upsample(JpegComponent c, byte[] plane, int width, int height, int hMax, int vMax, byte[] result)
    {
        int stride = c.PaddedBlocksPerLine * 8;
        int hf = hMax / c.H, vf = vMax / c.V;
        bool integral = hMax % c.H == 0 && vMax % c.V == 0;
        if (result.Length < width * height) result = new byte[width * height];
        if (hf == 1 && vf == 1)
        {
            for (int y = 0; y < height; y++) Array.Copy(plane, y * stride, result, y * width, width);
            return result;
        }
        if (!integral) throw new ImageFormatException($"JPEG: sampling factors {c.H}×{c.V} of {hMax}×{vMax} are not integral ratios");
        int w = c.Width, h = c.Height;
        if (_row.Length < w * 2) _row = new byte[w * 2];
        var row = _row;
        if (hf == 2 && vf == 1)
        {
            for (int y = 0; y < height; y++)
            {
                FancyH2(plane.AsSpan(y * stride, w), row);
                Array.Copy(row, 0, result, y * width, width);
            }
            return result;
        }
        if (hf == 2 && vf == 2)
        {
            for (int y = 0; y < height; y++)
            {
                int src = y / 2;
                // Output row 2k reads input rows k and k−1, row 2k+1 rows k and k+1 (edges repeat the first/last row).
                int other = y % 2 == 0 ? Math.Max(src - 1, 0) : Math.Min(src + 1, h - 1);
                FancyH2V2(plane.AsSpan(src * stride, w), plane.AsSpan(other * stride, w), row);
                Array.Copy(row, 0, result, y * width, width);
            }
            return result;
        }
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
            result[y * width + x] = plane[y / vf * stride + x / hf];
        return result;
    }

    /// <summary>libjpeg h2v1 fancy upsampling: each output pixel is ¾ of its nearer and ¼ of its further input sample.</summary>
    private static void FancyH2(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int w = input.Length;
        if (w == 1) { output[0] = output[1] = input[0]; return; }
        output[0] = input[0];
        output[1] = (byte)((input[0] * 3 + input[1] + 2) >> 2);
        for (int i = 1; i < w - 1; i++)
        {
            int v = input[i] * 3;
            output[2 * i] = (byte)((v + input[i - 1] + 1) >> 2);
            output[2 * i + 1] = (byte)((v + input[i + 1] + 2) >> 2);
        }
        output[2 * w - 2] = (byte)((input[w - 1] * 3 + input[w - 2] + 1) >> 2);
        output[2 * w - 1] = input[w - 1];
    }

    /// <summary>libjpeg h2v2 fancy upsampling: vertical ¾/¼ blend into column sums, then horizontal ¾/¼ with rounding biases 8 and 7.</summary>
    private static void FancyH2V2(ReadOnlySpan<byte> near, ReadOnlySpan<byte> far, Span<byte> output)
    {
        int w = near.Length;
        int thisSum = near[0] * 3 + far[0];
        if (w == 1) { output[0] = output[1] = (byte)((thisSum * 4 + 8) >> 4); return; }
        int nextSum = near[1] * 3 + far[1];
        output[0] = (byte)((thisSum * 4 + 8) >> 4);
        output[1] = (byte)((thisSum * 3 + nextSum + 7) >> 4);
        int lastSum = thisSum;
        thisSum = nextSum;
        for (int i = 1; i < w - 1; i++)
        {
            nextSum = near[i + 1] * 3 + far[i + 1];
            output[2 * i] = (byte)((thisSum * 3 + lastSum + 8) >> 4);
            output[2 * i + 1] = (byte)((thisSum * 3 + nextSum + 7) >> 4);
            lastSum = thisSum;
            thisSum = nextSum;
        }
        output[2 * w - 2] = (byte)((thisSum * 3 + lastSum + 8) >> 4);
        output[2 * w - 1] = (byte)((thisSum * 4 + 7) >> 4);
    }
}
