using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using Embedded.Runtime.Diagnostics;
using Embedded.Runtime.Kernels;

using Embedded.Firmware.CommandLine;

namespace Embedded.Firmware.Commands;

/// <summary>`emb-board selftest`: every kernel on every path this CPU supports against the reference, as a pass/fail table.</summary>
internal static class SelftestCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var cases = new Option<int>("--cases") { Description = "Random cases per kernel", DefaultValueFactory = _ => 20 }.InRange(1, 100_000);
        var command = new Command("selftest", "Check every fast kernel path against the reference kernels") { cases };
        command.SetAction(parse => BoardErrors.Guard(error, () =>
        {
            output.WriteLine($"paths on this CPU: {string.Join(", ", KernelPaths.Available)}");
            var checks = KernelSelfTest.Run(parse.GetValue(cases));
            output.WriteLine($"{"kernel",-22} {"path",-10} {"cases",6} {"result",-8} {"µs/call",10}");
            foreach (var c in checks)
                output.WriteLine($"{c.Kernel,-22} {c.Path,-10} {c.Cases,6} {(c.Passed ? "pass" : $"FAIL {c.Mismatches}"),-8} {c.MicrosecondsPerCall.ToString("F1", CultureInfo.InvariantCulture),10}");
            int failed = checks.Count(c => !c.Passed);
            output.WriteLine(failed == 0 ? $"all {checks.Count} checks passed" : $"{failed} of {checks.Count} checks FAILED");
            return failed == 0 ? BoardErrors.Ok : CommandLine.CommandLineRules.InternalError;
        }));
        return command;
    }
}
