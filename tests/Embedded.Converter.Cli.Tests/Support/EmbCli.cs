using System;
using System.IO;

namespace Embedded.Converter.Cli.Tests.Support;

/// <summary>Runs `emb` in process and finds the repository (shared by every command-line test class).</summary>
internal static class EmbCli
{
    /// <summary>`emb ARGS…`: the exit code and what it wrote to stdout and stderr.</summary>
    public static (int code, string output, string error) Emb(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>The repository root: the folder holding Embedded.sln above the test assembly.</summary>
    public static string Repo()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Embedded.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
