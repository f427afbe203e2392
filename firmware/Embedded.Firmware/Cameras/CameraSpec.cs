using System;
using Embedded.Boards.Frames;
using Embedded.Boards.Hardware;
using Embedded.Boards.V4L2;

namespace Embedded.Firmware.Cameras;

/// <summary>
/// Parses `--camera SPEC`: `files:DIR`, `sim-arducam:DIR[,realtime]`, `sim-ov7670:DIR[,realtime][,rgb565|yuyv]`,
/// `v4l2:/dev/videoN[,WxH][,yuyv|mjpeg][,buffers=N][,exposure=…][,wb=…][,brightness=N]…` (<see cref="V4L2Control"/>), `libcamera:[WxH][,yuv420|mjpeg][,fps=N]…` (<see cref="LibcameraSpec"/>), and the wired `arducam:…` / `ov7670:…` (<see cref="WiredCameras"/>),
/// which need a board adapter (-p:BoardPackages=true) or, in tests, emulated buses.
/// </summary>
public static class CameraSpec
{
    /// <summary>
    /// Checks <paramref name="spec"/> the way <see cref="Open"/> does — kind, options, values — without touching a
    /// device or folder (those are the board's): what `emb deploy` runs before it builds a bundle.
    /// </summary>
    public static void Check(string spec) => Open(spec, out _, buses: null, checkOnly: true);

    /// <summary>Opens the camera <paramref name="spec"/> names; <paramref name="sceneCount"/> is one pass over a folder, or long.MaxValue for a live camera.</summary>
    public static IFrameSource Open(string spec, out long sceneCount, IBoardBuses? buses = null) => Open(spec, out sceneCount, buses, checkOnly: false)!;

    private static IFrameSource? Open(string spec, out long sceneCount, IBoardBuses? buses, bool checkOnly)
    {
        sceneCount = long.MaxValue;
        int colon = spec.IndexOf(':');
        if (colon <= 0) throw new ArgumentException($"camera '{spec}': expected KIND:ARGUMENT (files:DIR, sim-arducam:DIR, sim-ov7670:DIR, v4l2:/dev/video0, libcamera:640x480)");
        string kind = spec.Substring(0, colon);
        var parts = spec.Substring(colon + 1).Split(',');
        string argument = parts[0];
        var options = new SpecOptions(spec, parts.AsSpan(1).ToArray());
        switch (kind)
        {
            case "files":
                options.RejectUnused("none");
                if (checkOnly) return null;
                var files = new FileCamera(argument);
                sceneCount = files.Count;
                return files;
            case "sim-arducam":
            {
                bool realTime = options.Flag("realtime");
                options.RejectUnused("realtime");
                if (checkOnly) return null;
                var arducam = new SimulatedArduCam(argument, realTime);
                sceneCount = arducam.Count;
                return arducam;
            }
            case "sim-ov7670":
            {
                bool realTime = options.Flag("realtime");
                var format = options.Choice("rgb565", "rgb565", "yuyv") == "yuyv" ? PixelFormat.Yuyv : PixelFormat.Rgb565;
                options.RejectUnused("realtime, rgb565, yuyv");
                if (checkOnly) return null;
                var ov7670 = new SimulatedOv7670(argument, realTime, format);
                sceneCount = ov7670.Count;
                return ov7670;
            }
            case "v4l2":
            {
                var size = options.Size(16384) ?? (640, 480);
                var format = options.Choice("auto", "yuyv", "mjpeg") switch { "yuyv" => PixelFormat.Yuyv, "mjpeg" => PixelFormat.Jpeg, _ => (PixelFormat?)null };
                int buffers = options.Integer("buffers", 4, 1, 32);
                var controls = V4L2Control.FromOptions(spec, options.Value);
                options.RejectUnused("WIDTHxHEIGHT, yuyv, mjpeg, buffers=N, " + V4L2Control.Options);
                if (checkOnly) return null;
                if (!OperatingSystem.IsLinux()) throw new NotSupportedException($"camera '{spec}': V4L2 cameras need Linux");
                sceneCount = long.MaxValue;
                return new V4L2Camera(new V4L2Device(argument), SystemClock.Instance,
                    new V4L2CameraOptions { Width = size.width, Height = size.height, Format = format, Buffers = buffers, Controls = controls });
            }
            case "libcamera":
            {
                var all = new SpecOptions(spec, argument.Length == 0 ? parts.AsSpan(1).ToArray() : parts);
                return LibcameraSpec.Open(spec, all, checkOnly);
            }
            case "arducam":
            case "ov7670":
            {
                // Wired cameras take only options: the first part is one too (arducam:spi=0.0,i2c=1).
                var all = new SpecOptions(spec, argument.Length == 0 ? parts.AsSpan(1).ToArray() : parts);
                return kind == "arducam" ? WiredCameras.OpenArduCam(spec, all, buses, checkOnly) : WiredCameras.OpenOv7670(spec, all, buses, checkOnly);
            }
            default:
                throw new ArgumentException($"camera '{spec}': unknown kind '{kind}' (files, sim-arducam, sim-ov7670, v4l2, libcamera, arducam, ov7670)");
        }
    }
}
