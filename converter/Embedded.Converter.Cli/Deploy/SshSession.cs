using System;
using System.Collections.Generic;
using System.Linq;

namespace Embedded.Converter.Cli.Deploy;

/// <summary>
/// ssh and scp to one board, never interactive: BatchMode (no password prompts), a connect timeout, and a time limit
/// per step, so a board that does not answer ends the deploy with an error instead of a hang.
/// </summary>
internal sealed class SshSession
{
    private readonly DeployTarget _target;
    private readonly string? _config;
    private readonly int? _port;
    private readonly string? _identity;

    public SshSession(DeployTarget target, string? config, int? port, string? identity)
    {
        _target = target;
        _config = config;
        _port = port;
        _identity = identity;
    }

    private List<string> Common(string portFlag)
    {
        var arguments = new List<string>();
        if (_config is not null) arguments.AddRange(new[] { "-F", _config });
        if (_port is not null) arguments.AddRange(new[] { portFlag, _port.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        if (_identity is not null) arguments.AddRange(new[] { "-i", _identity });
        arguments.AddRange(new[] { "-o", "BatchMode=yes", "-o", "ConnectTimeout=15" });
        return arguments;
    }

    /// <summary>Runs a POSIX shell command on the board and returns what it printed.</summary>
    public string Run(string step, string command, string? hint = null)
    {
        var arguments = Common("-p");
        arguments.Add(_target.Destination);
        arguments.Add(command);
        return ProcessRunner.Run($"{step} (ssh {_target.Destination})", "ssh", arguments, TimeSpan.FromMinutes(2),
            hint ?? "check that `ssh " + _target.Destination + "` logs in without a password (ssh-copy-id)");
    }

    /// <summary>Copies local files and directories into a directory on the board.</summary>
    public void Copy(IEnumerable<string> localPaths, string remoteDirectory)
    {
        var arguments = Common("-P");
        arguments.AddRange(new[] { "-r", "-p", "-q" });
        arguments.AddRange(localPaths);
        arguments.Add($"{_target.Destination}:{remoteDirectory}/");
        ProcessRunner.Run($"copy (scp to {_target.Destination})", "scp", arguments, TimeSpan.FromMinutes(10));
    }

    /// <summary>A single-quoted POSIX shell word.</summary>
    public static string Quote(string text) => "'" + text.Replace("'", "'\\''") + "'";
}
