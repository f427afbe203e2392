using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Converter.Cli.Tests.Support;

/// <summary>
/// A real OpenSSH server on 127.0.0.1 for the current user, with its own host key, client key and configuration in a
/// temporary directory. Remote sessions find a recording `sudo` first on their PATH: it logs the command it was asked
/// to run (to <see cref="SudoLog"/>) instead of running it, so service installation is checked without touching
/// systemd. `.ci/run` installs openssh-server; without it these tests fail and say so.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class LocalSshServer : IDisposable
{
    private const string Sshd = "/usr/sbin/sshd";
    private readonly Process _process;
    private readonly StringWriter _log = new();

    public string Directory { get; }
    public int Port { get; }
    public string User { get; } = Environment.UserName;
    /// <summary>An ssh configuration whose host alias `board` reaches this server with the test key.</summary>
    public string ClientConfig { get; }
    public string SudoLog { get; }

    public LocalSshServer()
    {
        if (!OperatingSystem.IsLinux()) Assert.Inconclusive("the deploy test runs sshd on Linux");
        if (!File.Exists(Sshd)) Assert.Fail($"{Sshd} is missing: install openssh-server (.ci/run does: apt-get install openssh-server openssh-client)");
        Directory = System.IO.Directory.CreateTempSubdirectory("emb-sshd-").FullName;
        string bin = Path.Combine(Directory, "bin");
        System.IO.Directory.CreateDirectory(bin);
        SudoLog = Path.Combine(Directory, "sudo.log");
        File.WriteAllText(Path.Combine(bin, "sudo"), "#!/bin/sh\n[ \"$1\" = \"-n\" ] && shift\necho \"$*\" >> \"$SUDO_LOG\"\n");
        File.SetUnixFileMode(Path.Combine(bin, "sudo"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", Path.Combine(Directory, "host_key"));
        Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", Path.Combine(Directory, "client_key"));
        File.Copy(Path.Combine(Directory, "client_key.pub"), Path.Combine(Directory, "authorized_keys"));
        // Privilege separation needs its empty directory when sshd starts as root.
        if (Environment.UserName == "root") System.IO.Directory.CreateDirectory("/run/sshd");

        Port = FreePort();
        string sftp = File.Exists("/usr/lib/openssh/sftp-server") ? "/usr/lib/openssh/sftp-server" : "internal-sftp";
        File.WriteAllText(Path.Combine(Directory, "sshd_config"), $"""
            Port {Port}
            ListenAddress 127.0.0.1
            HostKey {Directory}/host_key
            PidFile {Directory}/sshd.pid
            AuthorizedKeysFile {Directory}/authorized_keys
            StrictModes no
            UsePAM no
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PermitRootLogin prohibit-password
            SetEnv PATH={bin}:/usr/local/bin:/usr/bin:/bin SUDO_LOG={SudoLog}
            Subsystem sftp {sftp}
            LogLevel ERROR

            """);
        ClientConfig = Path.Combine(Directory, "ssh_config");
        File.WriteAllText(ClientConfig, $"""
            Host board
              HostName 127.0.0.1
              Port {Port}
              User {User}
              IdentityFile {Directory}/client_key
              IdentitiesOnly yes
              StrictHostKeyChecking no
              UserKnownHostsFile /dev/null
              LogLevel ERROR

            """);

        var info = new ProcessStartInfo(Sshd) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { "-D", "-e", "-f", Path.Combine(Directory, "sshd_config") }) info.ArgumentList.Add(a);
        _process = Process.Start(info)!;
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_log) _log.WriteLine(e.Data); };
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!Accepts(Port))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline) Assert.Fail($"sshd did not start on port {Port}: {Log}");
            Thread.Sleep(50);
        }
    }

    public string Log { get { lock (_log) return _log.ToString(); } }

    private static bool Accepts(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    internal static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static void Run(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.AreEqual(0, process.ExitCode, $"{program}: {error}");
    }

    public void Dispose()
    {
        try { if (!_process.HasExited) _process.Kill(); _process.WaitForExit(5000); } catch (InvalidOperationException) { }
        _process.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
