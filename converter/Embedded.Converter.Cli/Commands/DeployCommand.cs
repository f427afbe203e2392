using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using Embedded.Converter.Cli.Deploy;
using Embedded.Runtime.Execution;

namespace Embedded.Converter.Cli.Commands;

/// <summary>
/// `emb deploy --model M.emb --out DIR [--rid linux-arm64|linux-arm|linux-x64] [--host [user@]host[:path]] [--service]`:
/// builds the board bundle (<see cref="BoardBundle"/>) and with --host copies it over ssh/scp and (re)starts the
/// systemd service.
/// </summary>
internal static class DeployCommand
{
    public static Command Create(TextWriter output, TextWriter error, Option<bool> verbose)
    {
        var model = new Option<FileInfo>("--model") { Description = "The .emb model to deploy", Required = true };
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Directory for the bundle (new, empty, or an earlier bundle)", Required = true };
        var rid = new Option<string>("--rid") { Description = "Target: linux-arm64 (Pi 3/4/5, 64-bit OS), linux-arm (32-bit OS), linux-x64", DefaultValueFactory = _ => "linux-arm64" };
        var host = new Option<string?>("--host") { Description = "Copy to [user@]host[:path] over ssh/scp (path relative to the login directory; default emb-board)" };
        var service = new Option<bool>("--service") { Description = "Install and (re)start the emb-board systemd service on the host (needs passwordless sudo there)" };
        var camera = new Option<string>("--camera") { Description = "Camera the bundle runs with", DefaultValueFactory = _ => "v4l2:/dev/video0" };
        var labels = new Option<FileInfo?>("--labels") { Description = "Class names, one per line (default: the model's own)" };
        var port = new Option<int?>("--port") { Description = "ssh port" };
        var identity = new Option<string?>("--identity") { Description = "ssh private key file" };
        var sshConfig = new Option<string?>("--ssh-config") { Description = "ssh configuration file (ssh -F)" };
        var project = new Option<string?>("--firmware-project") { Description = "Path to Embedded.Firmware.csproj (default: found above the working directory)" };
        var command = new Command("deploy", "Build the on-board classifier bundle and copy it to a Raspberry Pi")
        {
            model, outDir, rid, host, service, camera, labels, port, identity, sshConfig, project,
        };
        command.SetAction(parse => CliErrors.Guard(error, parse.GetValue(verbose), () =>
        {
            string target = parse.GetValue(rid)!;
            if (!BoardBundle.Rids.Contains(target)) throw new ArgumentException($"--rid {target}: expected one of {string.Join(", ", BoardBundle.Rids)}");
            var modelFile = parse.GetValue(model)!;
            var loaded = EmbeddedModel.Load(modelFile.FullName); // a corrupt model stops here, not on the board
            var names = BoardBundle.Labels(loaded, parse.GetValue(labels));
            string cameraSpec = BoardBundle.CheckCamera(parse.GetValue(camera)!);
            var remote = parse.GetValue(host) is { } h ? DeployTarget.Parse(h) : null;
            if (parse.GetValue(service) && remote is null) throw new ArgumentException("--service installs the service on the board given by --host; without --host see the bundle's README.txt");
            int? sshPort = parse.GetValue(port);
            if (sshPort is < 1 or > 65535) throw new ArgumentException($"--port {sshPort} is not a TCP port");
            string firmware = BoardBundle.FindFirmwareProject(parse.GetValue(project));

            var bundle = parse.GetValue(outDir)!;
            BoardBundle.PrepareDirectory(bundle);
            // Reach the board before the build: a wrong host or key fails in seconds, not after a minute of compiling.
            var ssh = remote is null ? null : new SshSession(remote, parse.GetValue(sshConfig), sshPort, parse.GetValue(identity));
            var (boardDirectory, user) = ssh is null ? (bundle.FullName, Environment.UserName) : Prepare(ssh, remote!);
            BoardBundle.Publish(firmware, target, Path.Combine(bundle.FullName, "app"), output);
            BoardBundle.WriteFiles(bundle, modelFile, names, cameraSpec, target, boardDirectory, user);
            output.WriteLine($"bundle {bundle.FullName} ({target}, {SizeOf(bundle) / 1024.0:F0} KiB)");
            if (ssh is not null) Install(ssh, remote!, boardDirectory, bundle, parse.GetValue(service), output);
            return CliErrors.Ok;
        }));
        return command;
    }

    private static long SizeOf(DirectoryInfo dir) => dir.EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

    /// <summary>Creates the directory on the board; returns its absolute path and the login user (both go into the unit).</summary>
    private static (string directory, string user) Prepare(SshSession ssh, DeployTarget remote)
    {
        string quoted = SshSession.Quote(remote.Path);
        var where = ssh.Run("prepare", $"mkdir -p {quoted} && cd {quoted} && pwd && id -un").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (where.Length < 2) throw new DeployException($"prepare: the board answered '{string.Join(" ", where)}' instead of its directory and user");
        return (where[^2].Trim(), where[^1].Trim());
    }

    private static void Install(SshSession ssh, DeployTarget remote, string directory, DirectoryInfo bundle, bool service, TextWriter output)
    {
        string dir = SshSession.Quote(directory);

        if (service) ssh.Run("stop the service", $"sudo -n systemctl stop {BoardBundle.ServiceName} 2>/dev/null || true");
        ssh.Run("clear the old app", $"rm -rf {dir}/app");
        var files = bundle.EnumerateFileSystemInfos().Select(f => f.FullName).OrderBy(f => f, StringComparer.Ordinal);
        ssh.Copy(files, directory);
        ssh.Run("check the copy", $"chmod +x {dir}/run.sh && test -f {dir}/app/emb-board.dll");
        output.WriteLine($"copied to {remote.Destination}:{directory}");
        if (!service) return;
        string unit = $"/etc/systemd/system/{BoardBundle.ServiceName}";
        ssh.Run("install the service",
            $"sudo -n install -m 644 {dir}/{BoardBundle.ServiceName} {unit} && sudo -n systemctl daemon-reload && " +
            $"sudo -n systemctl enable {BoardBundle.ServiceName} && sudo -n systemctl restart {BoardBundle.ServiceName}",
            "installing the service needs passwordless sudo for this user on the board (Raspberry Pi OS's first user has it)");
        output.WriteLine($"service {BoardBundle.ServiceName} enabled and restarted on {remote.Host} (journalctl -u emb-board -f)");
    }
}
