using System;

namespace Embedded.Imaging.Drawing;

/// <summary>Outlines rectangles on an image in place (clipped to it), e.g. detections.</summary>
public static class BoxPainter
{
    /// <summary>Draws the outline of [left, right) × [top, bottom) with the given line width.</summary>
    public static void Outline(RgbImage image, int left, int top, int right, int bottom, (byte r, byte g, byte b) color, int thickness = 2)
    {
        left = Math.Max(0, left); top = Math.Max(0, top);
        right = Math.Min(image.Width, right); bottom = Math.Min(image.Height, bottom);
        if (left >= right || top >= bottom) return;
        for (int t = 0; t < thickness; t++)
        {
            Horizontal(image, left, right, top + t, color);
            Horizontal(image, left, right, bottom - 1 - t, color);
            Vertical(image, top, bottom, left + t, color);
            Vertical(image, top, bottom, right - 1 - t, color);
        }
    }

    private static void Horizontal(RgbImage image, int left, int right, int y, (byte r, byte g, byte b) color)
    {
        if ((uint)y >= (uint)image.Height) return;
        for (int x = left; x < right; x++) Set(image, x, y, color);
    }

    private static void Vertical(RgbImage image, int top, int bottom, int x, (byte r, byte g, byte b) color)
    {
        if ((uint)x >= (uint)image.Width) return;
        for (int y = top; y < bottom; y++) Set(image, x, y, color);
    }

    private static void Set(RgbImage image, int x, int y, (byte r, byte g, byte b) color)
    {
        int at = (y * image.Width + x) * 3;
        image.Pixels[at] = color.r; image.Pixels[at + 1] = color.g; image.Pixels[at + 2] = color.b;
    }
}
