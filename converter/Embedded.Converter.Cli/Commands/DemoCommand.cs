using System;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Embedded.Runtime.Building;
using Embedded.Runtime.Execution;
using Embedded.Runtime.Format;

using Embedded.Firmware.CommandLine;

namespace Embedded.Converter.Cli.Commands;

/// <summary>
/// `emb demo`: the no-files end-to-end check. Generates a MobileNetV3-Small-shaped int8 model with random
/// weights, writes it as .emb, loads it back, runs it on a synthetic image and prints the summary, top-5 and
/// latency. Until the converter lands this is the README's main command.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(TextWriter output, TextWriter error, Option<bool> verbose)
    {
        var resolution = new Option<int>("--resolution") { Description = "Input size (224 = MobileNetV3-Small)", DefaultValueFactory = _ => 224 }.InRange(32, 1024);
        var runs = new Option<int>("--runs") { Description = "Timed inferences", DefaultValueFactory = _ => 5 }.InRange(1, 10_000);
        var save = new Option<FileInfo?>("--out") { Description = "Also keep the generated .emb here" };
        var command = new Command("demo", "Generate, save, load and run a MobileNetV3-Small-shaped int8 model (random weights)") { resolution, runs, save };
        command.SetAction(parse => CliErrors.Guard(error, parse.GetValue(verbose), () =>
            Run(output, parse.GetValue(resolution), parse.GetValue(runs), parse.GetValue(save))));
        return command;
    }

    internal static int Run(TextWriter o, int resolution, int runs, FileInfo? save)
    {
        if (resolution < 32 || resolution > 1024) throw new ArgumentOutOfRangeException(nameof(resolution), resolution, "--resolution must lie in [32, 1024]");
        if (runs < 1 || runs > 10_000) throw new ArgumentOutOfRangeException(nameof(runs), runs, "--runs must lie in [1, 10000]");
        var definition = SyntheticMobileNetV3.Build(new SyntheticMobileNetV3.Options { Resolution = resolution });
        byte[] file = ModelWriter.Write(definition);
        string path = save?.FullName ?? Path.Combine(Path.GetTempPath(), $"emb-demo-{Environment.ProcessId}.emb");
        File.WriteAllBytes(path, file);
        try
        {
            var model = EmbeddedModel.Load(path);
            InspectCommand.WriteText(o, model, file.Length);
            var interpreter = model.CreateInterpreter();
            FillTestImage(interpreter.Input(0).Bytes, resolution);

            var times = new double[runs];
            interpreter.Invoke(); // first run includes JIT
            for (int i = 0; i < runs; i++)
            {
                long start = Stopwatch.GetTimestamp();
                interpreter.Invoke();
                times[i] = (Stopwatch.GetTimestamp() - start) * 1000.0 / Stopwatch.Frequency;
            }
            Array.Sort(times);
            byte[] probabilities = interpreter.Output(0).Bytes.ToArray();
            o.WriteLine();
            o.WriteLine("top-5 on a synthetic test image (random weights: the classes mean nothing):");
            foreach (int k in Enumerable.Range(0, probabilities.Length).OrderByDescending(k => probabilities[k]).ThenBy(k => k).Take(5))
                o.WriteLine($"  {k,5}  {model.Metadata.Labels[k],-12} {probabilities[k] / 256.0:F3}");
            o.WriteLine();
            o.WriteLine($"reference kernels, 1 thread: median {times[runs / 2]:F1} ms, min {times[0]:F1} ms over {runs} runs");
            o.WriteLine(save is null ? $"model written to and loaded from a temporary file ({file.Length:N0} bytes)" : $"model saved to {path}");
        }
        finally
        {
            if (save is null) File.Delete(path);
        }
        return CliErrors.Ok;
    }

    /// <summary>A deterministic RGB test card: gradients and a checkerboard, so every channel varies.</summary>
    internal static void FillTestImage(Span<byte> rgb, int size)
    {
        for (int y = 0; y < size; y++)
        for (int x = 0; x < size; x++)
        {
            int i = (y * size + x) * 3;
            rgb[i] = (byte)(x * 255 / (size - 1));
            rgb[i + 1] = (byte)(y * 255 / (size - 1));
            rgb[i + 2] = (byte)(((x / 16 + y / 16) & 1) == 0 ? 40 : 215);
        }
    }
}
