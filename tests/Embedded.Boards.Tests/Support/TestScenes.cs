using System;
using Embedded.Boards.Emulation;
using Embedded.Imaging;

namespace Embedded.Boards.Tests.Support;

internal static class TestScenes
{
    /// <summary>A deterministic colourful image (gradients plus noise).</summary>
    public static RgbImage Pattern(int width, int height, int seed = 1)
    {
        var random = new Random(seed);
        var pixels = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            int p = 3 * (y * width + x);
            pixels[p] = (byte)(x * 255 / Math.Max(1, width - 1));
            pixels[p + 1] = (byte)(y * 255 / Math.Max(1, height - 1));
            pixels[p + 2] = (byte)random.Next(256);
        }
        return new RgbImage(width, height, pixels);
    }

    public static Scene Jpeg(string name = "tiny.jpg") => new(name, TinyJpeg);

    /// <summary>The first shared dev image: a real camera-sized JPEG.</summary>
    public static byte[] TinyJpeg => System.IO.File.ReadAllBytes(Embedded.Converter.Tests.Support.SharedFixtures.Fixture("images", "imagenet-dev", FirstDevImage()));

    private static string FirstDevImage()
    {
        var files = System.IO.Directory.GetFiles(Embedded.Converter.Tests.Support.SharedFixtures.Fixture("images", "imagenet-dev"), "*.JPEG");
        Array.Sort(files, StringComparer.Ordinal);
        return System.IO.Path.GetFileName(files[0]);
    }
}
