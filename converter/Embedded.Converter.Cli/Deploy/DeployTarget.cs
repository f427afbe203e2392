using System;
using System.Text.RegularExpressions;

namespace Embedded.Converter.Cli.Deploy;

/// <summary>
/// `--host [user@]host[:path]`: where the bundle goes. The path is relative to the login directory unless absolute
/// (default `emb-board`); a leading `~/` means the same. Host and user are checked so they cannot smuggle ssh options
/// or shell syntax; the path is always single-quoted in remote commands.
/// </summary>
public sealed partial record DeployTarget(string? User, string Host, string Path)
{
    public const string DefaultPath = "emb-board";

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9._-]*$")]
    private static partial Regex NamePattern();

    public static DeployTarget Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new ArgumentException("--host needs [user@]host[:path]");
        string? user = null;
        string rest = text;
        int at = rest.IndexOf('@');
        if (at >= 0) { user = rest.Substring(0, at); rest = rest.Substring(at + 1); }
        string host = rest, path = DefaultPath;
        int colon = rest.IndexOf(':');
        if (colon >= 0) { host = rest.Substring(0, colon); path = rest.Substring(colon + 1); }
        if (user is not null && !NamePattern().IsMatch(user)) throw new ArgumentException($"--host '{text}': user '{user}' is not a plain user name");
        if (!NamePattern().IsMatch(host)) throw new ArgumentException($"--host '{text}': host '{host}' is not a host name or IPv4 address");
        if (path.StartsWith("~/", StringComparison.Ordinal)) path = path.Substring(2);
        if (path.Length == 0 || path == "~") path = DefaultPath;
        if (path.Contains('\n') || path.Contains('\0')) throw new ArgumentException($"--host '{text}': the path has control characters");
        return new DeployTarget(user, host, path);
    }

    /// <summary>What ssh and scp take: user@host or host.</summary>
    public string Destination => User is null ? Host : $"{User}@{Host}";

    public override string ToString() => $"{Destination}:{Path}";
}
