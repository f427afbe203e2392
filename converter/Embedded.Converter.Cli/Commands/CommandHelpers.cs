using System;
using System.Globalization;
using System.IO;
using System.Linq;
using Spectre.Console;

namespace Embedded.Converter.Cli.Commands;

/// <summary>Small pieces several commands share: option parsing, file listing, console rendering.</summary>
internal static class CommandHelpers
{
    public static float[]? ParseTriple(string? text, string option)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var parts = text.Split(',');
        var values = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!float.TryParse(parts[i].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
                throw new ArgumentOutOfRangeException(option, text, $"{option} takes comma-separated numbers, e.g. 127.5,127.5,127.5");
        if (values.Length != 3) throw new ArgumentOutOfRangeException(option, text, $"{option} takes one value per RGB channel");
        return values;
    }

    /// <summary>Input files of a folder in name order (images, .u8, .f32); other files are skipped.</summary>
    public static string[] InputFiles(string directory) =>
        Directory.Exists(directory)
            ? Directory.GetFiles(directory).Where(Models.Classifier.IsInputFile).OrderBy(f => f, StringComparer.Ordinal).ToArray()
            : throw new DirectoryNotFoundException($"folder '{directory}' does not exist");

    /// <summary>A Spectre console writing plain text to <paramref name="writer"/> (no colours, no cursor tricks): scriptable output.</summary>
    public static IAnsiConsole Console(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 200; // tables stay one row per operator when piped into files
        return console;
    }

    public static int ArgMax(float[] values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }

    public static int[] TopK(float[] values, int k) =>
        Enumerable.Range(0, values.Length).OrderByDescending(i => values[i]).ThenBy(i => i).Take(k).ToArray();

    public static string F(double v, string format = "F2") => v.ToString(format, CultureInfo.InvariantCulture);
}
