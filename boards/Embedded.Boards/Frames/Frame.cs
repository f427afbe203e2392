using System;

namespace Embedded.Boards.Frames;

/// <summary>
/// One captured image. A frame source owns one Frame and refills it on every capture: its buffer grows only when a
/// larger frame arrives, so a steady camera loop allocates nothing.
/// </summary>
public sealed class Frame
{
    private byte[] _buffer;

    public Frame(int capacity = 0) => _buffer = new byte[Math.Max(0, capacity)];

    public int Width { get; private set; }
    public int Height { get; private set; }
    public PixelFormat Format { get; private set; }
    /// <summary>Bytes used in the buffer (a JPEG's length varies frame to frame).</summary>
    public int Length { get; private set; }
    /// <summary>When the capture finished, on the source's clock.</summary>
    public TimeSpan Timestamp { get; private set; }
    /// <summary>Frames captured by the source so far, this one included.</summary>
    public long Sequence { get; private set; }
    /// <summary>What the frame shows, when the source knows (the image file name for file and emulated cameras).</summary>
    public string Source { get; private set; } = "";

    public ReadOnlySpan<byte> Data => _buffer.AsSpan(0, Length);

    /// <summary>The buffer <see cref="Data"/> is the start of (for decoders that take an array).</summary>
    internal byte[] Buffer => _buffer;

    /// <summary>
    /// Starts a new frame of <paramref name="length"/> bytes and returns the span to fill. For raw formats the length
    /// must match the size; the caller has already checked <paramref name="length"/> against its own bounds.
    /// </summary>
    public Span<byte> Reset(PixelFormat format, int width, int height, int length, TimeSpan timestamp, string source)
    {
        if (width < 0 || height < 0 || length < 0) throw new ArgumentOutOfRangeException(nameof(length), $"frame {width}×{height}, {length} bytes");
        long expected = PixelFormats.FrameBytes(format, width, height);
        if (expected >= 0 && expected != length) throw new ArgumentException($"a {width}×{height} {format} frame has {expected} bytes, not {length}", nameof(length));
        if (_buffer.Length < length) _buffer = new byte[length];
        Format = format; Width = width; Height = height; Length = length; Timestamp = timestamp; Source = source;
        Sequence++;
        return _buffer.AsSpan(0, length);
    }

    /// <summary>Shortens the frame after a capture that delivered fewer bytes than reserved (JPEG padding).</summary>
    public void Truncate(int length)
    {
        if (length < 0 || length > Length) throw new ArgumentOutOfRangeException(nameof(length));
        Length = length;
    }

    /// <summary>Sets the size once it is known (a JPEG's, from its header).</summary>
    public void SetSize(int width, int height)
    {
        Width = width; Height = height;
    }

    public override string ToString() => $"{Width}×{Height} {Format}, {Length} bytes";
}
