using System;
using System.IO;
using Embedded.Imaging.Formats;
using Embedded.Imaging.Jpeg;

namespace Embedded.Imaging;

/// <summary>Decodes an image file by its content (not its extension): JPEG, PNG, PPM/PGM, BMP.</summary>
public static class ImageLoader
{
    public static readonly string[] Extensions = { ".jpg", ".jpeg", ".png", ".ppm", ".pgm", ".pnm", ".bmp" };

    public static bool IsImageFile(string path) => Array.IndexOf(Extensions, Path.GetExtension(path).ToLowerInvariant()) >= 0;

    public static RgbImage Load(string path)
    {
        try
        {
            long size = new FileInfo(path).Length;
            if (size > ImageLimits.MaxFileBytes) throw new ImageFormatException($"{size} bytes is more than an image file may hold ({ImageLimits.MaxFileBytes})");
            return Decode(File.ReadAllBytes(path));
        }
        catch (ImageFormatException e)
        {
            throw new ImageFormatException($"{Path.GetFileName(path)}: {e.Message}");
        }
    }

    public static RgbImage Decode(byte[] data)
    {
        if (JpegDecoder.IsJpeg(data)) return JpegDecoder.Decode(data);
        if (Png.PngDecoder.IsPng(data)) return Png.PngDecoder.Decode(data);
        if (PnmDecoder.IsPnm(data)) return PnmDecoder.Decode(data);
        if (BmpDecoder.IsBmp(data)) return BmpDecoder.Decode(data);
        throw new ImageFormatException("unknown image format (supported: JPEG, PNG, PPM/PGM, BMP)");
    }
}
