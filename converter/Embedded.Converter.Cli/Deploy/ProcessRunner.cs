using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;

namespace Embedded.Converter.Cli.Deploy;

/// <summary>Runs a tool (dotnet, ssh, scp) with an argument list, a time limit and captured output; failure is a <see cref="DeployException"/>.</summary>
internal static class ProcessRunner
{
    public static string Run(string step, string program, IEnumerable<string> arguments, TimeSpan limit, string? hint = null)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // closed at once: a tool that wants to ask something gets EOF, never a hang
            UseShellExecute = false,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new DeployException($"{step}: could not start {program}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new DeployException($"{step}: cannot run '{program}' ({e.Message}){(hint is null ? "" : " — " + hint)}");
        }
        using (process)
        {
            process.StandardInput.Close();
            var output = new StringBuilder();
            var error = new StringBuilder();
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (error) error.AppendLine(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!process.WaitForExit(limit))
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                throw new DeployException($"{step}: '{program}' did not finish within {limit.TotalSeconds:F0} s and was stopped");
            }
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                string printed = Tail(error.ToString().Trim().Length > 0 ? error.ToString() : output.ToString(), 20);
                throw new DeployException($"{step}: {program} exited with {process.ExitCode}{(hint is null ? "" : " — " + hint)}\n{printed}");
            }
            return output.ToString();
        }
    }

    private static string Tail(string text, int lines)
    {
        var all = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)).Select(l => "  " + l.TrimEnd()));
    }

    /// <summary>The dotnet host: the one running this process when it is dotnet, else DOTNET_ROOT's, else PATH's.</summary>
    public static string Dotnet()
    {
        string? self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        string? root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        if (root is not null && File.Exists(Path.Combine(root, "dotnet"))) return Path.Combine(root, "dotnet");
        return "dotnet";
    }
}
