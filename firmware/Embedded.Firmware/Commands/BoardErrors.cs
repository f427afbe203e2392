using System;
using System.IO;
using Embedded.Boards.Cameras;
using Embedded.Firmware.CommandLine;

namespace Embedded.Firmware.Commands;

/// <summary>
/// Turns failures into one clear line and the shared exit codes (<see cref="CommandLineRules"/>): a camera or bus
/// fault 3, the user's input (options, model, images, files) 2, anything else an internal error, 1.
/// </summary>
internal static class BoardErrors
{
    public const int Ok = CommandLineRules.Ok;

    public static int Guard(TextWriter error, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (CameraException e)
        {
            error.WriteLine($"emb-board: camera error: {CommandLineRules.OneLine(e)}");
            return CommandLineRules.DeviceFault;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or InvalidDataException
                                      or Embedded.Imaging.ImageFormatException or Embedded.Runtime.Format.ModelFormatException)
        {
            error.WriteLine($"emb-board: {CommandLineRules.OneLine(e)}");
            return CommandLineRules.UserError;
        }
        catch (Exception e)
        {
            error.WriteLine($"emb-board: internal error: {e.GetType().Name}: {e.Message}");
            error.WriteLine(e);
            return CommandLineRules.InternalError;
        }
    }
}
