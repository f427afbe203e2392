using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using Embedded.Converter.Cli.Deploy;
using Embedded.Converter.Cli.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static Embedded.Converter.Cli.Tests.Support.EmbCli;

namespace Embedded.Converter.Cli.Tests;

/// <summary>`emb deploy`: the bundle, its copy to a real sshd on 127.0.0.1, the service steps, and the copied bundle running on x64.</summary>
[TestClass]
public sealed class DeployTests
{

    private static string Model => Path.Combine(Repo(), "firmware", "samples", "models", "mobilenet_v3_small_int8.emb");

    [TestMethod]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Deploy_ToLocalSshd_CopiesInstallsTheServiceAndTheCopyRuns()
    {
        using var server = new LocalSshServer();
        string bundle = Path.Combine(server.Directory, "bundle"), remote = Path.Combine(server.Directory, "board", "emb-board");
        var (code, output, error) = Emb("deploy", "--model", Model, "--out", bundle, "--rid", "linux-arm64", "--host", $"board:{remote}",
            "--ssh-config", server.ClientConfig, "--service", "--firmware-project", Path.Combine(Repo(), "firmware/Embedded.Firmware/Embedded.Firmware.csproj"));
        Assert.AreEqual(0, code, error + server.Log);
        StringAssert.Contains(output, $"copied to board:{remote}");

        // What arrived on the "board".
        foreach (var file in new[] { "app/emb-board.dll", "app/Embedded.Runtime.dll", "app/emb-board.runtimeconfig.json", "mobilenet_v3_small_int8.emb", "labels.txt", "run.sh", "emb-board.service" })
            Assert.IsTrue(File.Exists(Path.Combine(remote, file)), file);
        CollectionAssert.AreEqual(File.ReadAllBytes(Model), File.ReadAllBytes(Path.Combine(remote, "mobilenet_v3_small_int8.emb")));
        Assert.AreEqual(1001, File.ReadAllLines(Path.Combine(remote, "labels.txt")).Length);
        Assert.IsTrue(File.GetUnixFileMode(Path.Combine(remote, "run.sh")).HasFlag(UnixFileMode.UserExecute));
        string unit = File.ReadAllText(Path.Combine(remote, "emb-board.service"));
        StringAssert.Contains(unit, $"WorkingDirectory={remote}\n");
        StringAssert.Contains(unit, $"ExecStart=/bin/sh \"{remote}/run.sh\"\n");
        StringAssert.Contains(unit, $"User={server.User}\n");

        // The service steps, in order, as the board's sudo received them.
        CollectionAssert.AreEqual(new[]
        {
            "systemctl stop emb-board.service",
            $"install -m 644 {remote}/emb-board.service /etc/systemd/system/emb-board.service",
            "systemctl daemon-reload",
            "systemctl enable emb-board.service",
            "systemctl restart emb-board.service",
        }, File.ReadAllLines(server.SudoLog));

        // The copied bundle runs here (x64) from its directory: emulated ArduCam on the bundled sample images.
        var run = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = "/" };
        foreach (var a in new[] { Path.Combine(remote, "run.sh"), "--frames", "2", "--json", "--top", "1" }) run.ArgumentList.Add(a);
        run.Environment["EMB_CAMERA"] = "sim-arducam:" + Path.Combine(Repo(), "firmware", "samples", "images");
        using var process = Process.Start(run)!;
        string printed = process.StandardOutput.ReadToEnd(), failed = process.StandardError.ReadToEnd();
        Assert.IsTrue(process.WaitForExit(120_000), "run.sh did not finish");
        Assert.AreEqual(0, process.ExitCode, failed);
        var frames = printed.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.AreEqual(2, frames.Length, printed);
        Assert.AreEqual("n01440764_tench.jpg", frames[0].GetProperty("source").GetString());
        StringAssert.Contains(frames[0].GetProperty("top")[0].GetProperty("label").GetString(), "tench");
    }

    [TestMethod]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void UnreachableBoard_FailsFast_BeforeBuilding()
    {
        string bundle = Path.Combine(Path.GetTempPath(), $"emb-deploy-{Environment.ProcessId}-unreachable");
        var (code, output, error) = Emb("deploy", "--model", Model, "--out", bundle, "--host", "pi@127.0.0.1", "--port", LocalSshServer.FreePort().ToString());
        Assert.AreEqual(2, code, output);
        StringAssert.Contains(error, "prepare (ssh pi@127.0.0.1)");
        Assert.IsFalse(output.Contains("building"), "no build before the board answered");
        Directory.Delete(bundle, recursive: true);
    }

    [TestMethod]
    public void BadArguments_AreRefusedBeforeAnyWork()
    {
        string notEmpty = Directory.CreateTempSubdirectory("emb-deploy-").FullName;
        File.WriteAllText(Path.Combine(notEmpty, "thesis.tex"), "keep me");
        string labels = Path.Combine(notEmpty, "labels.txt");
        File.WriteAllLines(labels, new[] { "cat", "dog" });
        foreach (var (args, message) in new[]
        {
            (new[] { "--rid", "win-x64" }, "--rid win-x64: expected one of linux-arm64, linux-arm, linux-x64"),
            (new[] { "--service" }, "--service installs the service on the board given by --host"),
            (new[] { "--host", "pi@-oProxyCommand=x" }, "is not a host name"),
            (new[] { "--labels", labels }, "has 2 lines; the model has 1001 classes"),
            (new[] { "--camera", "v4l2:/dev/video0'; rm -rf ~" }, "has quote or control characters"),
            (new[] { "--camera", "usb0" }, "--camera: camera 'usb0': expected KIND:ARGUMENT"),
            (new[] { "--camera", "v4l2:/dev/video0,640x480,fps=30" }, "unknown option 'fps'"),
            (new[] { "--camera", "arducam:spi=0" }, "spi=0 is not BUS.CS"),
            (new[] { "--camera", "libcamera:641x480" }, "libcamera sizes are even"),
        })
        {
            var (code, _, error) = Emb(new[] { "deploy", "--model", Model, "--out", Path.Combine(notEmpty, "new") }.Concat(args).ToArray());
            Assert.AreEqual(2, code, string.Join(" ", args));
            StringAssert.Contains(error, message, string.Join(" ", args));
        }
        var onFile = Emb("deploy", "--model", Model, "--out", Path.Combine(notEmpty, "thesis.tex"));
        Assert.AreEqual(2, onFile.code, onFile.error);
        StringAssert.Contains(onFile.error, "thesis.tex is a file; give a new or empty directory");
        var refused = Emb("deploy", "--model", Model, "--out", notEmpty);
        StringAssert.Contains(refused.error, "is not empty and is not an emb-board bundle");
        Assert.AreEqual("keep me", File.ReadAllText(Path.Combine(notEmpty, "thesis.tex")));
        Directory.Delete(notEmpty, recursive: true);
    }

    [TestMethod]
    public void HostSpecs_Parse()
    {
        Assert.AreEqual(new DeployTarget("pi", "raspberrypi.local", "emb-board"), DeployTarget.Parse("pi@raspberrypi.local"));
        Assert.AreEqual(new DeployTarget("pi", "10.0.0.7", "apps/cam"), DeployTarget.Parse("pi@10.0.0.7:~/apps/cam"));
        Assert.AreEqual(new DeployTarget(null, "board", "/opt/emb"), DeployTarget.Parse("board:/opt/emb"));
        Assert.AreEqual("'it'\\''s'", SshSession.Quote("it's"));
        Assert.ThrowsExactly<ArgumentException>(() => DeployTarget.Parse("pi@host name"));
    }
}
