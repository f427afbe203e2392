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
        string kind = spec.Substring(0, colon), argument = spec.Substring(colon + 1);
        bool realTime = false;
        if (argument.EndsWith(",realtime", StringComparison.Ordinal)) { realTime = true; argument = argument.Substring(0, argument.Length - ",realtime".Length); }
        switch (kind)
        {
            case "files":
                var files = new FileCamera(argument);
                sceneCount = files.Count;
                return files;
            case "sim-arducam":
                var arducam = new SimulatedArduCam(argument, realTime);
                sceneCount = arducam.Count;
                return arducam;
            case "sim-ov7670":
                var ov7670 = new SimulatedOv7670(argument, realTime);
                sceneCount = ov7670.Count;
                return ov7670;
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
