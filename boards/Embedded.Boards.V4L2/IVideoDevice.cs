using System;
using System.Collections.Generic;

namespace Embedded.Boards.V4L2;

/// <summary>What VIDIOC_QUERYCAP reports; <see cref="Capabilities"/> are the device's own caps when the driver gives them.</summary>
public sealed record VideoCapability(string Driver, string Card, string BusInfo, uint Capabilities);

/// <summary>A single-planar capture format (struct v4l2_pix_format's useful part).</summary>
public readonly record struct VideoFormat(int Width, int Height, FourCC PixelFormat, int BytesPerLine = 0, int SizeImage = 0)
{
    public override string ToString() => $"{PixelFormat} {Width}×{Height}";
}

/// <summary>A filled buffer taken from the driver's outgoing queue (VIDIOC_DQBUF).</summary>
public readonly record struct DequeuedBuffer(int Index, int BytesUsed, uint Flags, uint Sequence);

/// <summary>
/// A V4L2 capture device at the level of its ioctls, memory-mapped streaming only. <see cref="V4L2Device"/> is the
/// real one (/dev/videoN); tests drive <see cref="V4L2Camera"/> through a fake. Failures throw
/// <see cref="Cameras.CameraException"/> naming the device and the call.
/// </summary>
public interface IVideoDevice : IDisposable
{
    string Path { get; }

    VideoCapability QueryCapability();

    /// <summary>The capture formats the driver offers (VIDIOC_ENUM_FMT).</summary>
    IReadOnlyList<FourCC> EnumerateFormats();

    /// <summary>VIDIOC_S_FMT: asks for <paramref name="requested"/> and returns what the driver chose (it may change the size).</summary>
    VideoFormat SetFormat(VideoFormat requested);

    /// <summary>VIDIOC_S_CTRL: sets <paramref name="control"/>; a control or value the driver refuses is a CameraException naming its option.</summary>
    void SetControl(V4L2Control control);

    /// <summary>VIDIOC_REQBUFS with mmap memory: returns how many buffers the driver granted; 0 releases them.</summary>
    int RequestBuffers(int count);

    /// <summary>VIDIOC_QUERYBUF + mmap of buffer <paramref name="index"/>.</summary>
    void MapBuffer(int index);

    /// <summary>The mapped memory of buffer <paramref name="index"/> (its full length; a frame uses BytesUsed of it).</summary>
    ReadOnlySpan<byte> Buffer(int index);

    /// <summary>munmap of every mapped buffer.</summary>
    void UnmapBuffers();

    /// <summary>VIDIOC_QBUF: hands buffer <paramref name="index"/> back to the driver to fill.</summary>
    void Queue(int index);

    /// <summary>poll for a filled buffer: true when one is ready, false when <paramref name="timeout"/> passed first.</summary>
    bool WaitForFrame(TimeSpan timeout);

    /// <summary>VIDIOC_DQBUF: false when no buffer is ready yet (EAGAIN).</summary>
    bool TryDequeue(out DequeuedBuffer buffer);

    void StreamOn();

    void StreamOff();
}
