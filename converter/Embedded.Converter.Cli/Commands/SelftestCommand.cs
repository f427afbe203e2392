using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using Embedded.Runtime.Diagnostics;
using Embedded.Runtime.Kernels;

using Embedded.Firmware.CommandLine;

namespace Embedded.Converter.Cli.Commands;

/// <summary>`emb selftest [--cases N]`: every fast kernel on every supported path against the reference, with timings.</summary>
internal static class SelftestCommand
{
    public static Command Create(TextWriter output, TextWriter error, Option<bool> verbose)
    {
        var cases = new Option<int>("--cases") { Description = "Random cases per kernel", DefaultValueFactory = _ => 20 }.InRange(1, 100_000);
        var command = new Command("selftest", "Check every kernel path this CPU supports against the reference kernels") { cases };
        command.SetAction(parse => CliErrors.Guard(error, parse.GetValue(verbose), () =>
        {
            int n = parse.GetValue(cases);
            if (n < 1 || n > 10_000) throw new ArgumentOutOfRangeException("--cases", n, "--cases must be 1..10000");
            return Write(output, KernelSelfTest.Run(n));
        }));
        return command;
    }

    /// <summary>Prints the table; exit code 1 when any path differs from the reference.</summary>
    internal static int Write(TextWriter o, System.Collections.Generic.IReadOnlyList<KernelCheck> checks)
    {
        o.WriteLine($"paths: {string.Join(", ", KernelPaths.Available)}{(KernelPaths.HasVnni ? " (AVX-VNNI)" : "")}; {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}");
        o.WriteLine($"{"kernel",-30} {"path",-10} {"result",-8} {"cases",6} {"µs/call",10}");
        foreach (var c in checks)
            o.WriteLine($"{c.Kernel,-30} {c.Path,-10} {(c.Passed ? "pass" : "FAIL"),-8} {c.Cases,6} {c.MicrosecondsPerCall.ToString("F1", CultureInfo.InvariantCulture),10}");
        int failed = checks.Count(c => !c.Passed);
        o.WriteLine(failed == 0 ? $"all {checks.Count} checks passed" : $"{failed} of {checks.Count} checks FAILED: a fast path differs from the reference");
        return failed == 0 ? CliErrors.Ok : 1;
    }
}
