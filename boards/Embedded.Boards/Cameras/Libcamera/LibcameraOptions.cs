using System;
using System.Collections.Generic;
using Embedded.Boards.Frames;

namespace Embedded.Boards.Cameras.Libcamera;

/// <summary>How <see cref="LibcameraCamera"/> runs <c>rpicam-vid</c> (or <c>libcamera-vid</c>).</summary>
public sealed class LibcameraOptions
{
    public int Width { get; init; } = 640;
    public int Height { get; init; } = 480;
    /// <summary><see cref="PixelFormat.Yuv420"/> (raw planes, no encoding on the Pi) or <see cref="PixelFormat.Jpeg"/> (MJPEG).</summary>
    public PixelFormat Format { get; init; } = PixelFormat.Yuv420;
    public int FramesPerSecond { get; init; } = 30;
    /// <summary>Which camera (rpicam-vid's <c>--camera</c>).</summary>
    public int Camera { get; init; }
    /// <summary>The program; null: the first of rpicam-vid and libcamera-vid on the PATH.</summary>
    public string? Command { get; init; }
    /// <summary>Further options passed through (<c>--shutter 10000</c>, <c>--awb daylight</c>, …), already checked by the caller.</summary>
    public IReadOnlyList<string> Extra { get; init; } = Array.Empty<string>();
    /// <summary>How often the program is started again after it exits before a frame arrives, before that is reported.</summary>
    public int MaxRestarts { get; init; } = 2;

    /// <summary>The program's arguments: run until stopped, no preview, quiet, frames to stdout.</summary>
    public IReadOnlyList<string> Arguments()
    {
        var args = new List<string>
        {
            "--timeout", "0", "--nopreview", "--verbose", "0",
            "--codec", Format == PixelFormat.Jpeg ? "mjpeg" : "yuv420",
            "--width", Width.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--height", Height.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--framerate", FramesPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--camera", Camera.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        args.AddRange(Extra);
        args.Add("--output");
        args.Add("-");
        return args;
    }
}
