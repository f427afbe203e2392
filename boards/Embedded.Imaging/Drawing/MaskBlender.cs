using System;

namespace Embedded.Imaging.Drawing;

/// <summary>Blends a class map (any size, nearest-neighbour scaled) over an image in place; class 0 (background) stays clear.</summary>
public static class MaskBlender
{
    public static void Blend(RgbImage image, ReadOnlySpan<int> classes, int mapWidth, int mapHeight, double opacity = 0.5)
    {
        if (classes.Length != mapWidth * mapHeight) throw new ArgumentException($"{classes.Length} classes for a {mapWidth}×{mapHeight} map");
        for (int y = 0; y < image.Height; y++)
        {
            int my = (int)((long)y * mapHeight / image.Height);
            for (int x = 0; x < image.Width; x++)
            {
                int c = classes[my * mapWidth + (int)((long)x * mapWidth / image.Width)];
                if (c == 0) continue;
                var (r, g, b) = Palette.Color(c);
                int at = (y * image.Width + x) * 3;
                image.Pixels[at] = (byte)Math.Round(image.Pixels[at] * (1 - opacity) + r * opacity);
                image.Pixels[at + 1] = (byte)Math.Round(image.Pixels[at + 1] * (1 - opacity) + g * opacity);
                image.Pixels[at + 2] = (byte)Math.Round(image.Pixels[at + 2] * (1 - opacity) + b * opacity);
            }
        }
    }
}
