using System;
using Embedded.Boards.Frames;

namespace Embedded.Boards.V4L2;

/// <summary>What to ask a V4L2 camera for. The driver may pick a nearby size; the frames carry what it chose.</summary>
public sealed record V4L2CameraOptions
{
    public int Width { get; init; } = 640;
    public int Height { get; init; } = 480;

    /// <summary><see cref="PixelFormat.Yuyv"/>, <see cref="PixelFormat.Jpeg"/> (MJPEG), or null: YUYV when offered, else MJPEG.</summary>
    public PixelFormat? Format { get; init; }

    /// <summary>mmap buffers to stream with (the driver may grant fewer or more, up to 32).</summary>
    public int Buffers { get; init; } = 4;

    /// <summary>Consecutive unusable frames (driver error flag, short or corrupt data) skipped before giving up.</summary>
    public int MaxBadFrames { get; init; } = 8;

    /// <summary>Controls set before streaming, in order (<see cref="V4L2Control"/>).</summary>
    public System.Collections.Generic.IReadOnlyList<V4L2Control> Controls { get; init; } = Array.Empty<V4L2Control>();

    /// <summary>How often a waiting capture looks at its cancellation token.</summary>
    public TimeSpan PollSlice { get; init; } = TimeSpan.FromMilliseconds(100);
}
