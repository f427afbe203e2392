using System;
using System.IO;

namespace Embedded.Boards.RaspberryPi;

/// <summary>The board's model string from the device tree ("Raspberry Pi 5 Model B Rev 1.0"), to choose and check drivers.</summary>
public static class PiBoardModel
{
    public const string DefaultPath = "/proc/device-tree/model";

    /// <summary>The model at <paramref name="path"/>, without the device tree's trailing NUL; empty when unreadable.</summary>
    public static string Read(string path = DefaultPath)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).TrimEnd('\0', '\n', ' ') : "";
        }
        catch (IOException) { return ""; }
        catch (UnauthorizedAccessException) { return ""; }
    }

    /// <summary>A Raspberry Pi 5 (or a board built on its RP1 I/O chip: Compute Module 5, Pi 500).</summary>
    public static bool IsPi5(string model) =>
        model.StartsWith("Raspberry Pi 5", StringComparison.Ordinal) || model.StartsWith("Raspberry Pi Compute Module 5", StringComparison.Ordinal)
        || model.StartsWith("Raspberry Pi 500", StringComparison.Ordinal);
}
