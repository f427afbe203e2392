using System;
using System.CommandLine;
using System.IO;
using Embedded.Converter.Cli.Commands;

namespace Embedded.Converter.Cli;

/// <summary>The `emb` command line: one subcommand per file in Commands/.</summary>
public static class Program
{
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs the CLI with explicit writers (what tests call).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var verbose = new Option<bool>("--verbose") { Description = "Show stack traces on errors", Recursive = true };
        var root = new RootCommand("Embedded: convert float CNNs to int8 .emb models and run them")
        {
            verbose,
        };
        root.Subcommands.Add(DemoCommand.Create(output, error, verbose));
        root.Subcommands.Add(InspectCommand.Create(output, error, verbose));
        root.Subcommands.Add(ConvertCommand.Create(output, error, verbose));
        root.Subcommands.Add(RunCommand.Create(output, error, verbose));
        root.Subcommands.Add(EvalCommand.Create(output, error, verbose));
        root.Subcommands.Add(VerifyCommand.Create(output, error, verbose));
        root.Subcommands.Add(BenchCommand.Create(output, error, verbose));
        root.Subcommands.Add(SelftestCommand.Create(output, error, verbose));
        root.Subcommands.Add(ClassifyCommand.Create(output, error, verbose));
        root.Subcommands.Add(DetectCommand.Create(output, error, verbose));
        root.Subcommands.Add(SegmentCommand.Create(output, error, verbose));
        root.Subcommands.Add(DeployCommand.Create(output, error, verbose));
        return Embedded.Firmware.CommandLine.CommandLineRules.Invoke(root, args, output, error, "emb");
    }
}
