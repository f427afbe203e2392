using System;
using System.IO;
using Embedded.Firmware.CommandLine;
using Embedded.Runtime.Format;

namespace Embedded.Converter.Cli;

/// <summary>Turns library exceptions into one clear line and an exit code; --verbose adds the stack trace.</summary>
internal static class CliErrors
{
    public const int Ok = CommandLineRules.Ok;
    /// <summary>Bad input: an option, a malformed model, a missing file (the same codes as emb-board: CommandLineRules).</summary>
    public const int InputError = CommandLineRules.UserError;
    /// <summary>A bug or an unexpected failure.</summary>
    public const int InternalError = CommandLineRules.InternalError;

    public static int Guard(TextWriter error, bool verbose, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is ModelFormatException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException
                                   or ArgumentException or FormatException or Embedded.Converter.Graph.GraphException or Embedded.Imaging.ImageFormatException
                                   or Deploy.DeployException or QuantizationQualityException)
        {
            error.WriteLine($"error: {CommandLineRules.OneLine(e)}");
            if (verbose) error.WriteLine(e);
            return InputError;
        }
        catch (Exception e)
        {
            error.WriteLine($"internal error: {e.GetType().Name}: {e.Message}");
            if (verbose) error.WriteLine(e);
            return InternalError;
        }
    }
}
