using System;
using Embedded.Boards.Frames;

namespace Embedded.Firmware.Cameras;

/// <summary>
/// Parses `--camera SPEC`: `files:DIR`, `sim-arducam:DIR[,realtime]`, `sim-ov7670:DIR[,realtime]`; `v4l2:` and the
/// wired `arducam:` / `ov7670:` cameras are named with a clear reason when this build cannot open them.
/// </summary>
internal static class CameraSpec
{
    public static IFrameSource Open(string spec, out int sceneCount)
    {
        int colon = spec.IndexOf(':');
        if (colon <= 0) throw new ArgumentException($"camera '{spec}': expected KIND:ARGUMENT (files:DIR, sim-arducam:DIR, sim-ov7670:DIR, v4l2:/dev/video0)");
        string kind = spec.Substring(0, colon);
        var parts = spec.Substring(colon + 1).Split(',');
        string argument = parts[0];
        var options = new SpecOptions(spec, parts.AsSpan(1).ToArray());
        switch (kind)
        {
            case "files":
                options.RejectUnused("none");
                var files = new FileCamera(argument);
                sceneCount = files.Count;
                return files;
            case "sim-arducam":
            {
                bool realTime = options.Flag("realtime");
                options.RejectUnused("realtime");
                var arducam = new SimulatedArduCam(argument, realTime);
                sceneCount = arducam.Count;
                return arducam;
            }
            case "sim-ov7670":
            {
                bool realTime = options.Flag("realtime");
                var format = options.Choice("rgb565", "rgb565", "yuyv") == "yuyv" ? PixelFormat.Yuyv : PixelFormat.Rgb565;
                options.RejectUnused("realtime, rgb565, yuyv");
                var ov7670 = new SimulatedOv7670(argument, realTime, format);
                sceneCount = ov7670.Count;
                return ov7670;
            }
            case "v4l2":
                throw new NotSupportedException($"camera '{spec}': V4L2 capture is not in this build yet (planned: boards/Embedded.Boards.V4L2)");
            case "arducam":
            case "ov7670":
                throw new NotSupportedException($"camera '{spec}': wired sensors need the board adapters, built with -p:BoardPackages=true on the board");
            default:
                throw new ArgumentException($"camera '{spec}': unknown kind '{kind}' (files, sim-arducam, sim-ov7670, v4l2, arducam, ov7670)");
        }
    }
}
