using System;
using System.CommandLine;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using Embedded.Firmware.Commands;

namespace Embedded.Firmware;

/// <summary>emb-board: the on-board classifier (run, bench, selftest). Ctrl+C and SIGTERM stop a run after the current frame.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        using var stop = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; stop.Cancel(); };
        Console.CancelKeyPress += onCancel;
        using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
        try
        {
            return Run(args, Console.Out, Console.Error, stop.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    public static int Run(string[] args, TextWriter output, TextWriter error, CancellationToken stop)
    {
        var root = new RootCommand("emb-board: classify camera frames with an int8 .emb model on the board")
        {
            RunCommand.Create(output, error, stop),
            BenchCommand.Create(output, error),
            SelftestCommand.Create(output, error),
        };
        return CommandLine.CommandLineRules.Invoke(root, args, output, error, "emb-board");
    }
}
