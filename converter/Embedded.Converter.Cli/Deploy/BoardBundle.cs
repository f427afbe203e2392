using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Embedded.Runtime.Execution;

namespace Embedded.Converter.Cli.Deploy;

/// <summary>
/// The directory `emb deploy` produces and copies to a board:
/// <code>
/// app/                 framework-dependent emb-board (dotnet publish -r RID --self-contained false, no apphost)
/// MODEL.emb            the model
/// labels.txt           class names, one per line (given with --labels, else the model's own)
/// run.sh               finds the .NET runtime and runs emb-board on the camera (EMB_CAMERA overrides it)
/// emb-board.service    systemd unit running run.sh from the bundle's directory on the board
/// README.txt, .emb-bundle
/// </code>
/// No apphost and AnyCPU IL mean no RID-specific pack is needed to build it, and the same bytes run on arm64, arm and
/// x64 (the RID still selects RID-specific assets of packages, should one ever carry native code).
/// </summary>
internal static class BoardBundle
{
    public static readonly string[] Rids = { "linux-arm64", "linux-arm", "linux-x64" };
    public const string Marker = ".emb-bundle";
    public const string ServiceName = "emb-board.service";
    private const string FirmwareProject = "firmware/Embedded.Firmware/Embedded.Firmware.csproj";

    /// <summary>The firmware project: the one given, else found above the working directory or this program.</summary>
    public static string FindFirmwareProject(string? given)
    {
        if (given is not null)
        {
            if (!File.Exists(given)) throw new FileNotFoundException($"--firmware-project {given} does not exist");
            return Path.GetFullPath(given);
        }
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, FirmwareProject);
                if (File.Exists(candidate)) return candidate;
            }
        }
        throw new FileNotFoundException($"cannot find {FirmwareProject} above {Directory.GetCurrentDirectory()}; run emb deploy inside the Embedded repository or pass --firmware-project");
    }

    /// <summary>Refuses to write into a directory that holds something else than an earlier bundle.</summary>
    public static void PrepareDirectory(DirectoryInfo output)
    {
        if (File.Exists(output.FullName)) throw new ArgumentException($"--out {output.FullName} is a file; give a new or empty directory");
        if (output.Exists && output.EnumerateFileSystemInfos().Any() && !File.Exists(Path.Combine(output.FullName, Marker)))
            throw new ArgumentException($"--out {output.FullName} is not empty and is not an emb-board bundle; give a new or empty directory");
        output.Create();
        string app = Path.Combine(output.FullName, "app");
        if (Directory.Exists(app)) Directory.Delete(app, recursive: true); // no stale assemblies from an older build
    }

    public static void Publish(string project, string rid, string appDirectory, TextWriter log)
    {
        string artifacts = Directory.CreateTempSubdirectory("emb-deploy-").FullName;
        try
        {
            var arguments = new List<string>
            {
                "publish", project, "-c", "Release", "-r", rid, "--self-contained", "false", "-p:UseAppHost=false", "-p:PlatformTarget=AnyCPU",
                "--artifacts-path", artifacts, "-o", appDirectory, "--nologo", "-v", "quiet",
            };
            log.WriteLine($"building emb-board for {rid} (framework-dependent)…");
            ProcessRunner.Run("build", ProcessRunner.Dotnet(), arguments, TimeSpan.FromMinutes(10), "the .NET 10 SDK is needed to build the bundle");
            if (!File.Exists(Path.Combine(appDirectory, "emb-board.dll"))) throw new DeployException($"build: dotnet publish left no emb-board.dll in {appDirectory}");
        }
        finally
        {
            try { Directory.Delete(artifacts, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Class names for labels.txt: the file given (one per class) or the model's own; null when there are none.</summary>
    public static string[]? Labels(EmbeddedModel model, FileInfo? file)
    {
        int classes = model.Outputs[0].ElementCount;
        if (file is null) return model.Metadata.Labels.Length == classes ? model.Metadata.Labels : null;
        return LabelFile.Read(file.FullName, classes);
    }

    /// <summary>The model's name in the bundle: its own when plain (it goes into a shell script), else model.emb.</summary>
    public static string ModelFileName(FileInfo model) =>
        model.Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-') && !model.Name.StartsWith('.') ? model.Name : "model.emb";

    /// <summary>Camera specs go into the run script in single quotes: no quotes or control characters.</summary>
    /// <summary>The spec as emb-board parses it (kind, options, values; not the board's devices), with no characters the run script cannot quote.</summary>
    public static string CheckCamera(string camera)
    {
        if (!(camera.Length > 0 && camera.All(c => c >= ' ' && c != '\'' && c != '\x7F'))) throw new ArgumentException($"--camera '{camera}' has quote or control characters");
        try
        {
            Embedded.Firmware.Cameras.CameraSpec.Check(camera);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException("--camera: " + e.Message, e);
        }
        return camera;
    }

    /// <summary>Writes the model, labels, run script, unit and notes next to app/.</summary>
    public static void WriteFiles(DirectoryInfo output, FileInfo model, string[]? labels, string camera, string rid, string boardDirectory, string user)
    {
        string dir = output.FullName;
        string modelName = ModelFileName(model);
        File.Copy(model.FullName, Path.Combine(dir, modelName), overwrite: true);
        string labelsPath = Path.Combine(dir, "labels.txt");
        if (labels is not null) File.WriteAllText(labelsPath, string.Join('\n', labels) + "\n");
        else if (File.Exists(labelsPath)) File.Delete(labelsPath);
        WriteUnix(Path.Combine(dir, "run.sh"), RunScript(modelName, labels is not null, CheckCamera(camera)));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(Path.Combine(dir, "run.sh"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        WriteUnix(Path.Combine(dir, ServiceName), ServiceUnit(boardDirectory, user));
        WriteUnix(Path.Combine(dir, "README.txt"), Readme(modelName, camera, rid));
        WriteUnix(Path.Combine(dir, Marker), $"rid={rid}\nmodel={modelName}\n");
    }

    private static void WriteUnix(string path, string text) => File.WriteAllText(path, text.Replace("\r\n", "\n"), new UTF8Encoding(false));

    internal static string RunScript(string modelFile, bool hasLabels, string camera) => $$"""
        #!/bin/sh
        # Runs the on-board classifier from this bundle (made by `emb deploy`).
        #   ./run.sh [emb-board run options…]     e.g. ./run.sh --frames 10 --json
        #   EMB_CAMERA=v4l2:/dev/video1 ./run.sh  another camera (default: {{camera}})
        #   ./run.sh selftest | ./run.sh bench     the kernel self-test and the latency benchmark
        set -eu
        here="$(cd "$(dirname "$0")" && pwd)"
        dotnet="${DOTNET:-}"
        if [ -z "$dotnet" ]; then
          if command -v dotnet >/dev/null 2>&1; then dotnet="$(command -v dotnet)"
          elif [ -x "${DOTNET_ROOT:-$HOME/.dotnet}/dotnet" ]; then dotnet="${DOTNET_ROOT:-$HOME/.dotnet}/dotnet"
          else
            echo "run.sh: the .NET 10 runtime is not installed. Install it with:" >&2
            echo "  curl -sSL https://dot.net/v1/dotnet-install.sh | bash -s -- --channel 10.0 --runtime dotnet" >&2
            exit 127
          fi
        fi
        app="$here/app/emb-board.dll"
        model="$here/{{modelFile}}"
        default_camera='{{camera}}'
        case "${1:-}" in
          selftest) shift; exec "$dotnet" "$app" selftest "$@" ;;
          bench) shift; exec "$dotnet" "$app" bench --model "$model" "$@" ;;
        esac
        exec "$dotnet" "$app" run --model "$model"{{(hasLabels ? " --labels \"$here/labels.txt\"" : "")}} --camera "${EMB_CAMERA:-$default_camera}" "$@"

        """;

    internal static string ServiceUnit(string boardDirectory, string user) => $"""
        [Unit]
        Description=Embedded on-board classifier (emb-board)
        After=network.target

        [Service]
        Type=simple
        User={user}
        SupplementaryGroups=video
        WorkingDirectory={boardDirectory}
        ExecStart=/bin/sh "{boardDirectory}/run.sh"
        Restart=on-failure
        RestartSec=5
        Environment=DOTNET_CLI_TELEMETRY_OPTOUT=1

        [Install]
        WantedBy=multi-user.target

        """;

    private static string Readme(string modelFile, string camera, string rid) => $"""
        emb-board bundle ({rid}, framework-dependent: the board needs the .NET 10 runtime)

          ./run.sh                      classify frames from {camera} until Ctrl+C
          ./run.sh --frames 20 --json   20 frames, one JSON object each
          ./run.sh selftest             check every kernel path of this CPU against the reference
          ./run.sh bench                latency of {modelFile} on this board

        As a service (what `emb deploy --host … --service` does):
          sudo install -m 644 emb-board.service /etc/systemd/system/ && sudo systemctl daemon-reload
          sudo systemctl enable --now emb-board.service && journalctl -u emb-board -f

        """;
}
