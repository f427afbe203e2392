using System;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Embedded.Runtime.Execution;

using Embedded.Firmware.CommandLine;

namespace Embedded.Firmware.Commands;

/// <summary>`emb-board bench --model M.emb [--threads N] [--iterations K] [--json]`: inference latency on this board.</summary>
internal static class BenchCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var model = new Option<FileInfo>("--model") { Description = "The .emb model", Required = true };
        var threads = new Option<int>("--threads") { Description = "Inference threads", DefaultValueFactory = _ => 1 }.InRange(1, 256);
        var iterations = new Option<int>("--iterations") { Description = "Timed runs", DefaultValueFactory = _ => 50 }.InRange(1, 1_000_000);
        var json = new Option<bool>("--json") { Description = "Print {\"median_ms\":…,\"p90_ms\":…,\"threads\":…} as the last line" };
        var command = new Command("bench", "Measure inference latency") { model, threads, iterations, json };
        command.SetAction(parse => BoardErrors.Guard(error, () =>
        {
            var m = EmbeddedModel.Load(parse.GetValue(model)!.FullName);
            int n = parse.GetValue(iterations);
            using var interpreter = m.CreateInterpreter(new InterpreterOptions { Threads = parse.GetValue(threads) });
            var input = interpreter.Input(0).Bytes;
            var random = new Random(1);
            var times = new double[n];
            for (int i = -Math.Max(3, n / 10); i < n; i++)
            {
                random.NextBytes(input);   // the plan reuses the input's bytes: write it before every run
                long start = Stopwatch.GetTimestamp();
                interpreter.Invoke();
                if (i >= 0) times[i] = (Stopwatch.GetTimestamp() - start) * 1000.0 / Stopwatch.Frequency;
            }
            Array.Sort(times);
            var inv = CultureInfo.InvariantCulture;
            double median = times[n / 2], p90 = times[Math.Min(n - 1, (int)Math.Ceiling(0.9 * n) - 1)];
            output.WriteLine($"model {m.Metadata.Name}; {interpreter.Path} kernels, {interpreter.Threads} thread(s); {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}");
            output.WriteLine($"latency median {median.ToString("F3", inv)} ms  p90 {p90.ToString("F3", inv)} ms  min {times[0].ToString("F3", inv)} ms  ({n} runs)");
            if (parse.GetValue(json))
                output.WriteLine($"{{\"median_ms\":{median.ToString("F4", inv)},\"p90_ms\":{p90.ToString("F4", inv)},\"threads\":{interpreter.Threads}}}");
            return BoardErrors.Ok;
        }));
        return command;
    }
}
