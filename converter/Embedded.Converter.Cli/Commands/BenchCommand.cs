using System;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Collections.Generic;
using System.Linq;
using Embedded.Converter.Cli.Bench;
using Embedded.Runtime.Execution;
using Embedded.Runtime.Kernels;
using Embedded.Runtime.Model;

using Embedded.Firmware.CommandLine;

namespace Embedded.Converter.Cli.Commands;

/// <summary>
/// `emb bench MODEL [--threads N[,M…]] [--iterations K] [--path P] [--json]`: latency distribution of Invoke (after a
/// warm-up) and the time per operator type, on a fixed pseudo-random input. Several thread counts run interleaved in
/// one process (short alternating batches), so a shared or throttled machine slows them alike and the speedup holds;
/// after each batch a <see cref="ParallelProbe"/> with the same thread count shows what the machine itself gives.
/// </summary>
internal static class BenchCommand
{
    public static Command Create(TextWriter output, TextWriter error, Option<bool> verbose)
    {
        var model = new Argument<FileInfo>("model") { Description = "The .emb model file" };
        var threads = new Option<string>("--threads") { Description = "Threads per inference, or a comma list (1,2) to compare counts side by side", DefaultValueFactory = _ => "1" };
        var iterations = new Option<int>("--iterations") { Description = "Timed inferences", DefaultValueFactory = _ => 200 }.InRange(1, 1_000_000);
        var path = new Option<string?>("--path") { Description = $"Kernel path: {string.Join(", ", Enum.GetNames(typeof(KernelPath)).Select(n => n.ToLowerInvariant()))} (default: fastest supported)" };
        var json = new Option<bool>("--json") { Description = "End with one JSON line per thread count {\"median_ms\",\"p90_ms\",\"min_ms\",\"threads\",\"path\"[,\"speedup\",\"probe_speedup\",\"line_transfer_ns\"]}" };
        var top = new Option<int>("--top") { Description = "How many of the slowest operators to list (0 = all)", DefaultValueFactory = _ => 5 }.InRange(0);
        var command = new Command("bench", "Measure inference latency and the time per operator") { model, threads, iterations, path, top, json };
        command.SetAction(parse => CliErrors.Guard(error, parse.GetValue(verbose), () =>
            Run(output, error, parse.GetValue(model)!, parse.GetValue(threads) ?? "1", parse.GetValue(iterations), parse.GetValue(path), parse.GetValue(top), parse.GetValue(json))));
        return command;
    }

    private static int Run(TextWriter output, TextWriter error, FileInfo file, string threadsText, int iterations, string? pathText, int top, bool json)
    {
        if (top < 0) throw new ArgumentOutOfRangeException("--top", top, "--top must be 0 (all) or more");
        // With --json, stdout carries the JSON lines alone; the human report goes to stderr.
        var o = json ? error : output;
        var counts = ParseThreads(threadsText);
        if (iterations < 1 || iterations > 1_000_000) throw new ArgumentOutOfRangeException("--iterations", iterations, "--iterations must be 1..1000000");
        KernelPath? path = pathText is null ? null
            : Enum.TryParse<KernelPath>(pathText, ignoreCase: true, out var p) ? p
            : throw new ArgumentOutOfRangeException("--path", pathText, $"--path must be one of {string.Join(", ", Enum.GetNames(typeof(KernelPath)))}");
        if (path is KernelPath wanted && !KernelPaths.IsSupported(wanted))
            throw new ArgumentOutOfRangeException("--path", pathText, $"--path {pathText}: this CPU does not support it (available: {string.Join(", ", KernelPaths.Available).ToLowerInvariant()})");
        var model = EmbeddedModel.Load(file.FullName);
        var interpreters = counts.Select(n => model.CreateInterpreter(new InterpreterOptions { Path = path, Threads = n })).ToArray();
        try
        {
            foreach (var interpreter in interpreters) FillInputs(interpreter);
            var interpreter0 = interpreters[0];

            // Warm-up: 10 % of the runs (3..50) and at least one second. .NET starts kernels as quickly jitted code and
            // swaps in the optimized code only after ~100 ms of calls plus a background compile; a shorter warm-up timed
            // a mix of the two (medians 40 % apart from one process to the next).
            int warmup = 0, minimumWarmup = Math.Max(3, Math.Min(50, iterations / 10));
            var warming = Stopwatch.StartNew();
            while (warmup < minimumWarmup || warming.Elapsed < WarmupTime) { foreach (var interpreter in interpreters) interpreter.Invoke(); warmup++; }
            var ops = model.Definition.Operators;
            var samples = counts.Select(_ => new double[iterations]).ToArray();
            // With several counts (one of them several threads), each batch is followed by the machine's probe with as many threads.
            using var probe = counts.Length > 1 && counts.Max() > 1 ? new ParallelProbe(counts.Max(), ProbeUnit) : null;
            int batches = (iterations + Batch - 1) / Batch;
            var probeSamples = counts.Select(_ => new double[probe is null ? 0 : batches]).ToArray();
            var transfers = new double[probe is null ? 0 : batches];
            // Thread counts take turns in batches of a few milliseconds: a noisy neighbour slows every count alike.
            for (int done = 0, batch = 0; done < iterations; done += Batch, batch++)
                for (int k = 0; k < interpreters.Length; k++)
                {
                    for (int i = done; i < Math.Min(iterations, done + Batch); i++)
                    {
                        long start = Stopwatch.GetTimestamp();
                        interpreters[k].Invoke();
                        samples[k][i] = (Stopwatch.GetTimestamp() - start) * 1000.0 / Stopwatch.Frequency;
                    }
                    if (probe is not null) probeSamples[k][batch] = probe.Run(counts[k]);
                    if (probe is not null && k == 0) transfers[batch] = probe.LineTransferNanoseconds();
                }
            // The breakdown comes from separate profiled runs so timing each operator does not inflate the latency figures;
            // each operator's time is its median over those runs (a noisy neighbour's pauses land on a few operators only).
            int profiled = Math.Min(iterations, 100);
            var runs = new long[profiled][];
            for (int i = 0; i < profiled; i++) interpreter0.InvokeProfiled(runs[i] = new long[ops.Count]);
            var ticks = new long[ops.Count];
            var column = new long[profiled];
            for (int op = 0; op < ops.Count; op++)
            {
                for (int i = 0; i < profiled; i++) column[i] = runs[i][op];
                Array.Sort(column);
                ticks[op] = column[profiled / 2] * profiled;   // the median, kept in the units of a sum over the runs
            }
            foreach (var s in samples) Array.Sort(s);
            foreach (var s in probeSamples) Array.Sort(s);
            Array.Sort(transfers);
            double Median(int k) => Percentile(samples[k], 0.5);
            // Every probe thread does one unit of work: k threads in time t do k units.
            double ProbeSpeedup(int k) => counts[k] * Percentile(probeSamples[0], 0.5) / (counts[0] * Percentile(probeSamples[k], 0.5));
            string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);

            o.WriteLine($"model    {model.Metadata.Name} ({ops.Count} operators, {ops.Sum(op => ModelStatistics.MultiplyAccumulates(op, model.Definition.Tensors)) / 1e6:F1} M MACs)");
            o.WriteLine($"machine  {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}, .NET {Environment.Version}; path {interpreter0.Path}{(interpreter0.Path.UsesAvx2() && KernelPaths.HasVnni ? " (AVX-VNNI)" : "")}, threads {string.Join(",", counts)}");
            for (int k = 0; k < counts.Length; k++)
            {
                string speedup = k == 0 ? "" : $"   speedup ×{Median(0) / Median(k):F2} over {counts[0]} thread{(counts[0] == 1 ? "" : "s")}";
                o.WriteLine($"latency  {(counts.Length > 1 ? $"{counts[k]} thread{(counts[k] == 1 ? "" : "s")}: " : "")}median {F(Median(k))} ms   p90 {F(Percentile(samples[k], 0.9))} ms   min {F(samples[k][0])} ms   ({iterations} runs after {warmup} warm-up{(counts.Length > 1 ? ", interleaved" : "")}){speedup}");
            }
            for (int k = 1; probe is not null && k < counts.Length; k++)
                o.WriteLine($"probe    {counts[k]} threads: a register-only vector loop ran ×{ProbeSpeedup(k):F2} over {counts[0]} thread{(counts[0] == 1 ? "" : "s")} between the same batches (×{(double)counts[k] / counts[0]:F2} = free cores); a cache line crossed cores in {Percentile(transfers, 0.5):F0} ns");
            o.WriteLine();
            // With several threads the per-operator times come from an operator-by-operator run (each operator split on
            // its own), not from the scheduled inference, whose parts overlap across operators.
            o.WriteLine($"{"operator",-20} {"count",5} {"ms/inference",12} {"share",7}{(counts[0] > 1 ? $"   ({counts[0]} threads, operator by operator)" : "")}");
            double total = ticks.Sum() * 1000.0 / Stopwatch.Frequency / profiled;
            foreach (var group in ops.Select((op, i) => (op.Code, ms: ticks[i] * 1000.0 / Stopwatch.Frequency / profiled)).GroupBy(x => x.Code).OrderByDescending(g => g.Sum(x => x.ms)))
            {
                double ms = group.Sum(x => x.ms);
                o.WriteLine($"{group.Key,-20} {group.Count(),5} {F(ms),12} {ms / total,7:P1}");
            }
            o.WriteLine($"{"total",-20} {ops.Count,5} {F(total),12}");
            WriteMacRates(o, ops, model.Definition.Tensors, op => ticks[op] * 1000.0 / Stopwatch.Frequency / profiled);
            o.WriteLine();
            o.WriteLine("slowest operators:");
            foreach (int i in Enumerable.Range(0, ops.Count).OrderByDescending(i => ticks[i]).Take(top == 0 ? ops.Count : top))
            {
                var outTensor = model.Definition.Tensors[ops[i].Outputs[0]];
                double ms = ticks[i] * 1000.0 / Stopwatch.Frequency / profiled;
                long macs = ModelStatistics.MultiplyAccumulates(ops[i], model.Definition.Tensors);
                string rate = macs > 0 && ms > 0 ? $"{macs / ms / 1e6,6:F1} GMAC/s" : new string(' ', 13);
                o.WriteLine($"  #{i,-3} {ops[i].Code,-16} {F(ms),8} ms {rate}  {outTensor.Type}[{string.Join("×", outTensor.Shape)}] {ShortName(ops[i].Name)}");
            }
            if (json)
                for (int k = 0; k < counts.Length; k++)
                    output.WriteLine($"{{\"median_ms\":{F(Median(k))},\"p90_ms\":{F(Percentile(samples[k], 0.9))},\"min_ms\":{F(samples[k][0])},\"threads\":{counts[k]},\"path\":\"{interpreter0.Path.ToString().ToLowerInvariant()}\"{(k == 0 ? "" : $",\"speedup\":{(Median(0) / Median(k)).ToString("F3", CultureInfo.InvariantCulture)}")}{(k == 0 || probe is null ? "" : $",\"probe_speedup\":{ProbeSpeedup(k).ToString("F3", CultureInfo.InvariantCulture)},\"line_transfer_ns\":{Percentile(transfers, 0.5).ToString("F0", CultureInfo.InvariantCulture)}")}}}");
            return CliErrors.Ok;
        }
        finally
        {
            foreach (var interpreter in interpreters) interpreter.Dispose();
        }
    }

    /// <summary>An operator's name cut to one line: TFLite names join every fused layer's name (hundreds of characters).</summary>
    private static string ShortName(string name) => name.Length <= 72 ? name : name.Substring(0, 71) + "…";

    /// <summary>Operators with fewer multiply-accumulates than this are timed mostly as call overhead, not as MAC rates.</summary>
    internal const long RatedMacs = 100_000;

    /// <summary>
    /// The slowest MAC rate among operators with at least <see cref="RatedMacs"/> MACs, and what the smaller ones (a
    /// squeeze-excite block's 1×1 convolutions: a few thousand MACs, timed mostly as call overhead) cost in all.
    /// </summary>
    private static void WriteMacRates(TextWriter o, IReadOnlyList<OperatorDefinition> ops, IReadOnlyList<TensorDefinition> tensors, Func<int, double> msOf)
    {
        var rated = Enumerable.Range(0, ops.Count).Select(i => (i, macs: ModelStatistics.MultiplyAccumulates(ops[i], tensors), ms: msOf(i))).Where(x => x.macs > 0).ToList();
        var large = rated.Where(x => x.macs >= RatedMacs && x.ms > 0).ToList();
        var small = rated.Where(x => x.macs < RatedMacs).ToList();
        if (large.Count == 0) return;
        var slowest = large.MinBy(x => x.macs / x.ms);
        o.WriteLine($"MAC rate slowest {slowest.macs / slowest.ms / 1e6:F1} GMAC/s (#{slowest.i} {ops[slowest.i].Code}) of the {large.Count} operators with ≥ {RatedMacs / 1000} k MACs"
            + (small.Count == 0 ? "" : $"; {small.Count} smaller ones ({small.Sum(x => x.macs) / 1e3:F0} k MACs) take {small.Sum(x => x.ms).ToString("F3", CultureInfo.InvariantCulture)} ms"));
    }

    /// <summary>Inferences per turn when several thread counts take turns.</summary>
    private const int Batch = 10;

    /// <summary>One thread's share of a probe: long against thread wake-ups, short against the batch.</summary>
    private static readonly TimeSpan ProbeUnit = TimeSpan.FromMilliseconds(1);

    private static int[] ParseThreads(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var counts = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out counts[i]) || counts[i] < 1 || counts[i] > 64)
                throw new ArgumentOutOfRangeException("--threads", text, "--threads must be 1..64, or a comma list of such counts (1,2)");
        if (counts.Length == 0 || counts.Length > 8) throw new ArgumentOutOfRangeException("--threads", text, "--threads needs 1 to 8 thread counts");
        return counts;
    }

    private static void FillInputs(Interpreter interpreter)
    {
        var random = new Random(1);
        foreach (var input in Enumerable.Range(0, interpreter.InputCount).Select(interpreter.Input))
            if (input.Type == ElementType.Float32) { var f = input.AsSpan<float>(); for (int i = 0; i < f.Length; i++) f[i] = (float)random.NextDouble(); }
            else random.NextBytes(input.Bytes);
    }

    /// <summary>Shortest warm-up: long enough for the JIT's tier-up of every kernel the model runs.</summary>
    private static readonly TimeSpan WarmupTime = TimeSpan.FromSeconds(1);

    private static double Percentile(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
}
