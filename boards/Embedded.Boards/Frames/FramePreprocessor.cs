using System;
using Embedded.Imaging;

namespace Embedded.Boards.Frames;

/// <summary>
/// Frame → a classifier's input pixels (uint8 HWC RGB, Width × Height): convert the pixel format, resize the
/// shorter side and center crop exactly as <see cref="ClassifierInput"/> does for image files, so a camera frame
/// and the same picture from disk give the same input. Nothing is allocated per frame while the frame size stays the
/// same: the RGB buffer and the resize plan are kept, and JPEG frames are decoded into the buffers of one
/// <see cref="Embedded.Imaging.Jpeg.JpegFrameDecoder"/>.
/// </summary>
public sealed class FramePreprocessor
{
    private byte[] _rgb = Array.Empty<byte>();
    private readonly Embedded.Imaging.Jpeg.JpegFrameDecoder _jpeg = new();
    /// <summary>
    /// Resize plans for the last few frame sizes, most recent first: a camera has one size, a `files:` folder a few,
    /// and a plan (its coefficient tables and row buffer) is built once per size, not once per frame.
    /// </summary>
    private readonly ResizePlan?[] _plans = new ResizePlan?[8];

    public int Width { get; }
    public int Height { get; }
    /// <summary>The shorter side before the crop (ImageNet's 256 for 224).</summary>
    public int ResizeShorter { get; }
    /// <summary>Whether the whole frame is scaled to the input size (detection and segmentation models) instead of cropped.</summary>
    public bool Stretch { get; }

    public FramePreprocessor(int width, int height, int resizeShorter = 0, bool stretch = false)
    {
        Stretch = stretch;
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"input size {width}×{height}");
        Width = width;
        Height = height;
        ResizeShorter = resizeShorter > 0 ? resizeShorter : (int)Math.Round(Math.Min(width, height) * 256.0 / 224.0);
    }

    /// <summary>Writes the frame's input pixels into <paramref name="pixels"/> (Width·Height·3 bytes).</summary>
    public void Prepare(Frame frame, Span<byte> pixels)
    {
        if (frame.Format == PixelFormat.Jpeg)
        {
            if (!Embedded.Imaging.Jpeg.JpegDecoder.IsJpeg(frame.Data)) throw new ImageFormatException("camera frame: not a JPEG (no start-of-image marker)");
            _jpeg.Decode(frame.Buffer, frame.Length);
            frame.SetSize(_jpeg.Width, _jpeg.Height);
            PlanFor(_jpeg.Width, _jpeg.Height).Run(_jpeg.Pixels, pixels);
            return;
        }
        ImageLimits.Check("camera frame", frame.Width, frame.Height);
        int bytes = frame.Width * frame.Height * 3;
        if (_rgb.Length < bytes) _rgb = new byte[bytes];
        var rgb = _rgb.AsSpan(0, bytes);
        PixelConversion.ToRgb24(frame.Format, frame.Data, frame.Width, frame.Height, rgb);
        PlanFor(frame.Width, frame.Height).Run(rgb, pixels);
    }

    private ResizePlan PlanFor(int width, int height)
    {
        int found = -1;
        for (int i = 0; i < _plans.Length && found < 0; i++)
            if (_plans[i] is { } p && p.SourceWidth == width && p.SourceHeight == height) found = i;
        var plan = found >= 0 ? _plans[found]!
            : Stretch ? new ResizePlan(width, height, Width, Height, 0, 0, Width, Height)
            : ResizePlan.ShorterSideAndCenterCrop(width, height, ResizeShorter, Width, Height);
        // Move it to the front (the least recently used one falls off the end).
        Array.Copy(_plans, 0, _plans, 1, (found >= 0 ? found : _plans.Length - 1));
        _plans[0] = plan;
        return plan;
    }
}
