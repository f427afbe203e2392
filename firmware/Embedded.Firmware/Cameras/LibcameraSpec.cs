using System;
using System.Collections.Generic;
using System.Globalization;
using Embedded.Boards.Cameras.Libcamera;
using Embedded.Boards.Frames;

namespace Embedded.Firmware.Cameras;

/// <summary>
/// `libcamera:[WxH][,yuv420|mjpeg][,fps=N][,camera=N][,shutter=US][,gain=G][,awb=MODE][,brightness=B][,contrast=C][,command=PATH]`:
/// a CSI camera through rpicam-vid. The controls become rpicam-vid's options, checked here so that a typo fails at
/// once rather than in the child process.
/// </summary>
internal static class LibcameraSpec
{
    public const string Options = "WIDTHxHEIGHT, yuv420|mjpeg, fps=N, camera=N, shutter=US, gain=G, awb=MODE, brightness=B, contrast=C, command=PATH";

    private static readonly string[] AwbModes = { "auto", "incandescent", "tungsten", "fluorescent", "indoor", "daylight", "cloudy" };

    public static IFrameSource? Open(string spec, SpecOptions options, bool checkOnly = false)
    {
        var size = options.Size(4608) ?? (640, 480);
        var format = options.Choice("yuv420", "yuv420", "mjpeg") == "mjpeg" ? PixelFormat.Jpeg : PixelFormat.Yuv420;
        int fps = options.Integer("fps", 30, 1, 240);
        int camera = options.Integer("camera", 0, 0, 15);
        var extra = new List<string>();
        if (options.Value("shutter") is not null) extra.AddRange(new[] { "--shutter", options.Integer("shutter", 0, 1, 10_000_000).ToString(CultureInfo.InvariantCulture) });
        if (options.Value("gain") is { } gain) extra.AddRange(new[] { "--gain", Number(spec, "gain", gain, 1, 64) });
        if (options.Value("awb") is { } awb)
        {
            if (Array.IndexOf(AwbModes, awb) < 0) throw new ArgumentException($"camera '{spec}': awb={awb} — one of {string.Join(", ", AwbModes)}");
            extra.AddRange(new[] { "--awb", awb });
        }
        if (options.Value("brightness") is { } brightness) extra.AddRange(new[] { "--brightness", Number(spec, "brightness", brightness, -1, 1) });
        if (options.Value("contrast") is { } contrast) extra.AddRange(new[] { "--contrast", Number(spec, "contrast", contrast, 0, 15) });
        string? command = options.Value("command");
        options.RejectUnused(Options);
        if (size.width % 2 != 0 || size.height % 2 != 0) throw new ArgumentException($"camera '{spec}': {size.width}x{size.height} — libcamera sizes are even");
        if (checkOnly) return null;
        return new LibcameraCamera(new LibcameraOptions
        {
            Width = size.width, Height = size.height, Format = format, FramesPerSecond = fps, Camera = camera, Command = command, Extra = extra,
        });
    }

    private static string Number(string spec, string name, string text, double min, double max)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !(value >= min && value <= max))
            throw new ArgumentException($"camera '{spec}': {name}={text} is not a number in {min.ToString(CultureInfo.InvariantCulture)}..{max.ToString(CultureInfo.InvariantCulture)}");
        return value.ToString(CultureInfo.InvariantCulture);
    }
}
