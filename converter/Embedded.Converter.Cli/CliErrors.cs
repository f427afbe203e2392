using System;
using System.IO;
using Embedded.Runtime.Format;

namespace Embedded.Converter.Cli;

/// <summary>Turns library exceptions into one clear line and an exit code; --verbose adds the stack trace.</summary>
internal static class CliErrors
{
    public const int Ok = 0;
    /// <summary>Bad input: a malformed model, a missing file.</summary>
    public const int InputError = 2;
    /// <summary>A bug or an unexpected failure.</summary>
    public const int InternalError = 3;

    public static int Guard(TextWriter error, bool verbose, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is ModelFormatException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException
                                   or ArgumentException or FormatException or Embedded.Converter.Graph.GraphException or Embedded.Imaging.ImageFormatException
                                   or Deploy.DeployException or QuantizationQualityException)
        {
            error.WriteLine($"error: {e.Message}");
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
