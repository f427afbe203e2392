using System;
using Embedded.Imaging;

namespace Embedded.Boards.Frames;

/// <summary>Raw frame formats to RGB24, pixel by pixel, into a caller's buffer (no allocation).</summary>
public static class PixelConversion
{
    /// <summary>
    /// Converts a raw (not JPEG) frame of <paramref name="width"/> × <paramref name="height"/> to RGB24.
    /// RGB565 expands each field by bit replication (r5 → r5·8 + r5/4), as display controllers and libcamera do;
    /// YUYV uses the JFIF full-range conversion (<see cref="YCbCr"/>), each chroma pair shared by its two pixels.
    /// </summary>
    public static void ToRgb24(PixelFormat format, ReadOnlySpan<byte> source, int width, int height, Span<byte> rgb)
    {
        long pixels = (long)width * height;
        long expected = PixelFormats.FrameBytes(format, width, height);
        if (expected < 0) throw new ArgumentException($"{format} frames are not raw pixels", nameof(format));
        if (source.Length < expected) throw new ArgumentException($"a {width}×{height} {format} frame needs {expected} bytes, got {source.Length}", nameof(source));
        if (rgb.Length < 3 * pixels) throw new ArgumentException($"{rgb.Length} bytes for {pixels} RGB pixels", nameof(rgb));
        switch (format)
        {
            case PixelFormat.Rgb24:
                source.Slice(0, (int)(3 * pixels)).CopyTo(rgb);
                break;
            case PixelFormat.Gray8:
                for (int p = 0; p < pixels; p++) rgb[3 * p] = rgb[3 * p + 1] = rgb[3 * p + 2] = source[p];
                break;
            case PixelFormat.Rgb565:
                for (int p = 0; p < pixels; p++)
                {
                    int v = source[2 * p] << 8 | source[2 * p + 1];
                    int r = v >> 11, g = (v >> 5) & 0x3F, b = v & 0x1F;
                    rgb[3 * p] = (byte)(r << 3 | r >> 2);
                    rgb[3 * p + 1] = (byte)(g << 2 | g >> 4);
                    rgb[3 * p + 2] = (byte)(b << 3 | b >> 2);
                }
                break;
            case PixelFormat.Yuyv:
                for (int p = 0; p < pixels; p++)
                {
                    int pair = p & ~1;
                    byte y = source[2 * p], u = source[2 * pair + 1];
                    // An odd width leaves the last pixel of a row without its own pair: it reuses the previous chroma.
                    byte v = 2 * pair + 3 < expected ? source[2 * pair + 3] : source[Math.Max(0, 2 * pair - 1)];
                    YCbCr.ToRgb(y, u, v, rgb.Slice(3 * p, 3));
                }
                break;
            case PixelFormat.Yuv420:
            {
                int chromaWidth = (width + 1) / 2, chromaPlane = chromaWidth * ((height + 1) / 2);
                var u = source.Slice(width * height, chromaPlane);
                var v = source.Slice(width * height + chromaPlane, chromaPlane);
                for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    int c = (y >> 1) * chromaWidth + (x >> 1);
                    LimitedRangeToRgb(source[y * width + x], u[c], v[c], rgb.Slice(3 * (y * width + x), 3));
                }
                break;
            }
            default:
                throw new ArgumentException($"unsupported raw format {format}", nameof(format));
        }
    }

    /// <summary>
    /// BT.601 limited range (Y 16–235, chroma 16–240) to full-range RGB in 16-bit fixed point:
    /// R = 1.164(Y−16) + 1.596(V−128), G = 1.164(Y−16) − 0.392(U−128) − 0.813(V−128), B = 1.164(Y−16) + 2.017(U−128).
    /// </summary>
    public static void LimitedRangeToRgb(byte luma, byte cb, byte cr, Span<byte> rgb)
    {
        int y = 76309 * (luma - 16) + 32768, u = cb - 128, v = cr - 128;
        rgb[0] = Clamp((y + 104597 * v) >> 16);
        rgb[1] = Clamp((y - 25675 * u - 53279 * v) >> 16);
        rgb[2] = Clamp((y + 132201 * u) >> 16);
    }

    private static byte Clamp(int v) => (byte)(v < 0 ? 0 : v > 255 ? 255 : v);

    /// <summary>
    /// RGB24 to RGB565 (high byte first), each field rounded to the nearest level that <see cref="ToRgb24"/> expands
    /// back (round(v·31/255), round(v·63/255)): the error is symmetric, so a frame is not darkened the way truncation
    /// (v &gt;&gt; 3) darkens it — a sensor rounds its 10-bit samples the same way.
    /// </summary>
    public static void FromRgb24ToRgb565(ReadOnlySpan<byte> rgb, Span<byte> rgb565)
    {
        int pixels = rgb.Length / 3;
        if (rgb565.Length < 2 * pixels) throw new ArgumentException($"{rgb565.Length} bytes for {pixels} RGB565 pixels", nameof(rgb565));
        for (int p = 0; p < pixels; p++)
        {
            int r = (rgb[3 * p] * 31 + 127) / 255, g = (rgb[3 * p + 1] * 63 + 127) / 255, b = (rgb[3 * p + 2] * 31 + 127) / 255;
            int v = r << 11 | g << 5 | b;
            rgb565[2 * p] = (byte)(v >> 8);
            rgb565[2 * p + 1] = (byte)v;
        }
    }
}
