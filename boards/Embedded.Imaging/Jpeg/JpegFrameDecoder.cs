using System;

namespace Embedded.Imaging.Jpeg;

/// <summary>
/// Decodes a stream of JPEG frames (ArduCam, USB MJPEG, libcamera MJPEG) into buffers kept across frames: its tables,
/// coefficient blocks, planes and RGB output grow to the largest frame seen, so decoding frames of one size allocates
/// nothing. The same decoder as <see cref="JpegDecoder.Decode"/> (libjpeg-exact); one instance per thread.
/// </summary>
public sealed class JpegFrameDecoder
{
    private readonly JpegDecoder.Decoder _decoder = new();

    public int Width => _decoder.Width;
    public int Height => _decoder.Height;

    /// <summary>The last frame's RGB24 pixels (valid until the next <see cref="Decode"/>).</summary>
    public ReadOnlySpan<byte> Pixels => _decoder.Rgb.AsSpan(0, 3 * Width * Height);

    /// <summary>Decodes the JPEG in <paramref name="data"/>[0..<paramref name="length"/>); throws <see cref="ImageFormatException"/> when it is not a valid one.</summary>
    public void Decode(byte[] data, int length)
    {
        if (data is null) throw new ArgumentNullException(nameof(data));
        _decoder.Run(data, length);
    }
}
