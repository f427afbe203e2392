using System;
using System.IO;
using Embedded.Boards.Cameras;

namespace Embedded.Firmware.Commands;

/// <summary>Turns expected failures (bad model, camera fault, bad arguments) into one clear line and an exit code.</summary>
internal static class BoardErrors
{
    public const int Ok = 0, Failed = 1, CameraFailed = 3;

    public static int Guard(TextWriter error, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (CameraException e)
        {
            error.WriteLine($"emb-board: camera error: {e.Message}");
            return CameraFailed;
        }
        catch (Exception e) when (e is IOException or ArgumentException or NotSupportedException or InvalidDataException or InvalidOperationException
                                      or Embedded.Imaging.ImageFormatException or Embedded.Runtime.Format.ModelFormatException)
        {
            error.WriteLine($"emb-board: {e.Message}");
            return Failed;
        }
    }
}
