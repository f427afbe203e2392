using System;
using System.Globalization;
using System.IO;
using System.Linq;
using Embedded.Imaging;
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

    /// <summary>
    /// Checks before any work that <paramref name="output"/> can be written: not one of the <paramref name="inputs"/>
    /// (which it would overwrite), not a folder, in a folder that exists and takes a new file.
    /// </summary>
    public static void CheckWritable(FileInfo output, string option, params FileInfo?[] inputs)
    {
        string path = Path.GetFullPath(output.FullName);
        foreach (var input in inputs)
            if (input is not null && string.Equals(Path.GetFullPath(input.FullName), path, OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"{option} {path} is also an input; give another file (it would be overwritten)");
        if (Directory.Exists(path)) throw new ArgumentException($"{option} {path} is a folder; give a file name");
        string folder = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{option}: folder {folder} does not exist");
        try
        {
            if (File.Exists(path))
            {
                using var existing = new FileStream(path, FileMode.Open, FileAccess.Write);
            }
            else
            {
                using var probe = new FileStream(Path.Combine(folder, $".emb-write-check-{Environment.ProcessId}-{Guid.NewGuid():N}"), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new ArgumentException($"{option} {path} cannot be written ({e.Message})", e);
        }
    }

    /// <summary>
    /// Up to <paramref name="most"/> of <paramref name="files"/> decoded and prepared (in parallel, order kept). A file
    /// that cannot be read (corrupt, unsupported, unreadable) is skipped with one warning line and counted.
    /// </summary>
    public static (string[] files, byte[][] pixels) LoadImages(string[] files, int most, Func<RgbImage, byte[]> prepare, TextWriter warnings, string what)
    {
        var kept = new System.Collections.Generic.List<(string file, byte[] pixels)>();
        int skipped = 0;
        // Batches of the still-needed count: a skipped file makes room for the next one.
        for (int next = 0; next < files.Length && kept.Count < most;)
        {
            var batch = files.Skip(next).Take(Math.Min(most - kept.Count, files.Length - next)).ToArray();
            next += batch.Length;
            var results = new (byte[]? pixels, string? problem)[batch.Length];
            System.Threading.Tasks.Parallel.For(0, batch.Length, i =>
            {
                try { results[i] = (prepare(ImageLoader.Load(batch[i])), null); }
                catch (Exception e) when (e is ImageFormatException or IOException or UnauthorizedAccessException) { results[i] = (null, e.Message); }
            });
            for (int i = 0; i < batch.Length; i++)
            {
                if (results[i].pixels is { } p) kept.Add((batch[i], p));
                else
                {
                    skipped++;
                    warnings.WriteLine($"warning: skipped {what} {Path.GetFileName(batch[i])}: {results[i].problem}");
                }
            }
        }
        if (skipped > 0) warnings.WriteLine($"warning: {skipped} {what}{(skipped == 1 ? "" : "s")} skipped, {kept.Count} used");
        return (kept.Select(k => k.file).ToArray(), kept.Select(k => k.pixels).ToArray());
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
