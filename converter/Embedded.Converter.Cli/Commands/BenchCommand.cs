using System;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Embedded.Runtime.Execution;
using Embedded.Runtime.Kernels;
using Embedded.Runtime.Model;

namespace Embedded.Converter.Cli.Commands;

/// <summary>
/// `emb bench MODEL [--threads N] [--iterations K] [--path P] [--json]`: latency distribution of Invoke (after a
/// warm-up) and the time per operator type, on a fixed pseudo-random input.
/// </summary>
internal static class BenchCommand
{
    public static Command Create(TextWriter output, TextWriter error, Option<bool> verbose)
    {
        var model = new Argument<FileInfo>("model") { Description = "The .emb model file" };
        var threads = new Option<int>("--threads") { Description = "Worker threads per inference", DefaultValueFactory = _ => 1 };
        var iterations = new Option<int>("--iterations") { Description = "Timed inferences", DefaultValueFactory = _ => 200 };
        var path = new Option<string?>("--path") { Description = $"Kernel path: {string.Join(", ", Enum.GetNames(typeof(KernelPath)).Select(n => n.ToLowerInvariant()))} (default: fastest supported)" };
        var json = new Option<bool>("--json") { Description = "End with one JSON line {\"median_ms\",\"p90_ms\",\"min_ms\",\"threads\",\"path\"}" };
        var top = new Option<int>("--top") { Description = "How many of the slowest operators to list (0 = all)", DefaultValueFactory = _ => 5 };
        var command = new Command("bench", "Measure inference latency and the time per operator") { model, threads, iterations, path, top, json };
        command.SetAction(parse => CliErrors.Guard(error, parse.GetValue(verbose), () =>
            Run(output, parse.GetValue(model)!, parse.GetValue(threads), parse.GetValue(iterations), parse.GetValue(path), parse.GetValue(top), parse.GetValue(json))));
        return command;
    }

    private static int Run(TextWriter o, FileInfo file, int threads, int iterations, string? pathText, int top, bool json)
    {
        if (top < 0) throw new ArgumentOutOfRangeException("--top", top, "--top must be 0 (all) or more");
        if (threads < 1 || threads > 64) throw new ArgumentOutOfRangeException("--threads", threads, "--threads must be 1..64");
        if (iterations < 1 || iterations > 1_000_000) throw new ArgumentOutOfRangeException("--iterations", iterations, "--iterations must be 1..1000000");
        KernelPath? path = pathText is null ? null
            : Enum.TryParse<KernelPath>(pathText, ignoreCase: true, out var p) ? p
            : throw new ArgumentOutOfRangeException("--path", pathText, $"--path must be one of {string.Join(", ", Enum.GetNames(typeof(KernelPath)))}");
        var model = EmbeddedModel.Load(file.FullName);
        using var interpreter = model.CreateInterpreter(new InterpreterOptions { Path = path, Threads = threads });
        var random = new Random(1);
        foreach (var input in Enumerable.Range(0, interpreter.InputCount).Select(interpreter.Input))
            if (input.Type == ElementType.Float32) { var f = input.AsSpan<float>(); for (int i = 0; i < f.Length; i++) f[i] = (float)random.NextDouble(); }
            else random.NextBytes(input.Bytes);

        // Warm-up: 10 % of the runs (3..50) and at least one second. .NET starts kernels as quickly jitted code and
        // swaps in the optimized code only after ~100 ms of calls plus a background compile; a shorter warm-up timed
        // a mix of the two (medians 40 % apart from one process to the next).
        int warmup = 0, minimumWarmup = Math.Max(3, Math.Min(50, iterations / 10));
        var warming = Stopwatch.StartNew();
        while (warmup < minimumWarmup || warming.Elapsed < WarmupTime) { interpreter.Invoke(); warmup++; }
        var ops = model.Definition.Operators;
        var ticks = new long[ops.Count];
        var samples = new double[iterations];
        for (int i = 0; i < iterations; i++)
        {
            long start = Stopwatch.GetTimestamp();
            interpreter.Invoke();
            samples[i] = (Stopwatch.GetTimestamp() - start) * 1000.0 / Stopwatch.Frequency;
        }
        // The breakdown comes from separate profiled runs so timing each operator does not inflate the latency figures.
        int profiled = Math.Min(iterations, 50);
        for (int i = 0; i < profiled; i++) interpreter.InvokeProfiled(ticks);
        Array.Sort(samples);
        double median = Percentile(samples, 0.5), p90 = Percentile(samples, 0.9), min = samples[0];
        string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);

        o.WriteLine($"model    {model.Metadata.Name} ({ops.Count} operators, {ops.Sum(op => ModelStatistics.MultiplyAccumulates(op, model.Definition.Tensors)) / 1e6:F1} M MACs)");
        o.WriteLine($"machine  {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}, .NET {Environment.Version}; path {interpreter.Path}{(interpreter.Path.UsesAvx2() && KernelPaths.HasVnni ? " (AVX-VNNI)" : "")}, threads {threads}");
        o.WriteLine($"latency  median {F(median)} ms   p90 {F(p90)} ms   min {F(min)} ms   ({iterations} runs after {warmup} warm-up)");
        o.WriteLine();
        o.WriteLine($"{"operator",-20} {"count",5} {"ms/inference",12} {"share",7}");
        double total = ticks.Sum() * 1000.0 / Stopwatch.Frequency / profiled;
        foreach (var group in ops.Select((op, i) => (op.Code, ms: ticks[i] * 1000.0 / Stopwatch.Frequency / profiled)).GroupBy(x => x.Code).OrderByDescending(g => g.Sum(x => x.ms)))
        {
            double ms = group.Sum(x => x.ms);
            o.WriteLine($"{group.Key,-20} {group.Count(),5} {F(ms),12} {ms / total,7:P1}");
        }
        o.WriteLine($"{"total",-20} {ops.Count,5} {F(total),12}");
        o.WriteLine();
        o.WriteLine("slowest operators:");
        foreach (int i in Enumerable.Range(0, ops.Count).OrderByDescending(i => ticks[i]).Take(top == 0 ? ops.Count : top))
        {
            var outTensor = model.Definition.Tensors[ops[i].Outputs[0]];
            double ms = ticks[i] * 1000.0 / Stopwatch.Frequency / profiled;
            long macs = ModelStatistics.MultiplyAccumulates(ops[i], model.Definition.Tensors);
            string rate = macs > 0 && ms > 0 ? $"{macs / ms / 1e6,6:F1} GMAC/s" : new string(' ', 13);
            o.WriteLine($"  #{i,-3} {ops[i].Code,-16} {F(ms),8} ms {rate}  {outTensor.Type}[{string.Join("×", outTensor.Shape)}] {ops[i].Name}");
        }
        if (json)
            o.WriteLine($"{{\"median_ms\":{F(median)},\"p90_ms\":{F(p90)},\"min_ms\":{F(min)},\"threads\":{threads},\"path\":\"{interpreter.Path.ToString().ToLowerInvariant()}\"}}");
        return CliErrors.Ok;
    }

    /// <summary>Shortest warm-up: long enough for the JIT's tier-up of every kernel the model runs.</summary>
    private static readonly TimeSpan WarmupTime = TimeSpan.FromSeconds(1);

    private static double Percentile(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
}
