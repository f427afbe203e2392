using System;
using Embedded.Imaging.Formats;
using Embedded.Imaging.Jpeg;
using Embedded.Imaging.Png;

namespace Embedded.Fuzz.Targets;

/// <summary>The BCL-only image decoders, each fed directly (the loader's format sniffing is a few byte compares).</summary>
internal static class ImageTargets
{
    private static readonly JpegFrameDecoder Frames = new();

    /// <summary>
    /// Both JPEG decoders on the same bytes: the file decoder and the camera path's (buffers kept across frames) must
    /// agree — both refuse, or both give the same pixels; a difference is a crash.
    /// </summary>
    public static void Jpeg(byte[] input)
    {
        Embedded.Imaging.RgbImage? image = null;
        Exception? refused = null;
        try { image = JpegDecoder.Decode(input); }
        catch (Embedded.Imaging.ImageFormatException e) { refused = e; }
        try
        {
            Frames.Decode(input, input.Length);
        }
        catch (Embedded.Imaging.ImageFormatException e)
        {
            if (refused is not null) throw refused;
            throw new InvalidOperationException($"the frame decoder refused a JPEG the file decoder took: {e.Message}");
        }
        if (refused is not null) throw new InvalidOperationException($"the frame decoder took a JPEG the file decoder refused: {refused.Message}");
        if (Frames.Width != image!.Width || Frames.Height != image.Height || !Frames.Pixels.SequenceEqual(image.Pixels))
            throw new InvalidOperationException("the frame decoder and the file decoder disagree on the pixels");
    }

    /// <summary>The PNG decoder on the input with its checksums made right (PngChecksums), so mutations reach the parsing.</summary>
    public static void Png(byte[] input) => PngDecoder.Decode(PngChecksums.Repair(input));

    public static void Bmp(byte[] input) => BmpDecoder.Decode(input);

    public static void Pnm(byte[] input) => PnmDecoder.Decode(input);
}
