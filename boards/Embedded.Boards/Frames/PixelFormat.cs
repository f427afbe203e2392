namespace Embedded.Boards.Frames;

/// <summary>How a frame's bytes encode its pixels.</summary>
public enum PixelFormat
{
    /// <summary>R, G, B bytes per pixel, rows top to bottom.</summary>
    Rgb24,
    /// <summary>16 bits per pixel RRRRRGGG GGGBBBBB, high byte first (the order OV2640 and OV7670 send by default).</summary>
    Rgb565,
    /// <summary>YUV 4:2:2 as Y0 U Y1 V per pixel pair (V4L2_PIX_FMT_YUYV; OV7670/OV2640 YUV422 output).</summary>
    Yuyv,
    /// <summary>One luma byte per pixel.</summary>
    Gray8,
    /// <summary>A complete JPEG (baseline or progressive) stream; width and height come from its header.</summary>
    Jpeg,
    /// <summary>
    /// Planar YUV 4:2:0 (I420: the Y plane, then U and V at half width and height, rounded up), BT.601 limited range —
    /// what <c>rpicam-vid --codec yuv420</c> writes for video below HD (SMPTE 170M).
    /// </summary>
    Yuv420,
}

public static class PixelFormats
{
    /// <summary>Bytes of one frame of <paramref name="width"/> × <paramref name="height"/>; −1 for JPEG (variable).</summary>
    public static long FrameBytes(PixelFormat format, int width, int height) => format switch
    {
        PixelFormat.Rgb24 => 3L * width * height,
        PixelFormat.Rgb565 => 2L * width * height,
        PixelFormat.Yuyv => 2L * width * height,
        PixelFormat.Gray8 => (long)width * height,
        PixelFormat.Yuv420 => (long)width * height + 2L * ((width + 1) / 2) * ((height + 1) / 2),
        _ => -1,
    };
}
