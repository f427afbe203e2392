using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using Embedded.Converter.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Firmware.Tests;

/// <summary>
/// emb-board follows emb's rules (CommandLineRules): options out of range and lines that do not parse are exit 2 with
/// the option named, never clamped; an unreadable image in a `files:` folder is skipped with a warning and counted.
/// </summary>
[TestClass]
public sealed class BadInputTests
{
    private static string Model => Path.Combine(CameraAgreementTests.RepoRoot(), "firmware", "samples", "models", "mobilenet_v3_small_int8.emb");
    private static string Samples => Path.Combine(CameraAgreementTests.RepoRoot(), "firmware", "samples", "images");

    private static (int code, string output, string error) Board(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = Program.Run(args, output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    [TestMethod]
    [DataRow("run", "--frames", "-1", "--frames -1: must be at least 1")]
    [DataRow("run", "--frames", "0", "--frames 0: must be at least 1")]
    [DataRow("run", "--top", "0", "--top 0: must be at least 1")]
    [DataRow("run", "--threads", "0", "--threads 0: must be 1..256")]
    [DataRow("run", "--top", "three", "'--top' as a whole number")]
    [DataRow("bench", "--iterations", "0", "--iterations 0: must be 1..1000000")]
    [DataRow("bench", "--threads", "0", "--threads 0: must be 1..256")]
    public void OptionsOutOfRange_AreRefusedAsEmbRefusesThem_NotClamped(string command, string option, string value, string message)
    {
        var args = command == "run" ? new[] { "run", "--model", Model, "--camera", "files:" + Samples, option, value } : new[] { "bench", "--model", Model, option, value };
        var (code, output, error) = Board(args);
        Assert.AreEqual(2, code, error + output);
        StringAssert.Contains(error, message);
        Assert.IsFalse(error.Contains("System."), error);
        Assert.AreEqual("", output, "nothing ran");
    }

    [TestMethod]
    public void FilesCamera_SkipsAnUnreadableImage_WithAWarning_AndCountsIt()
    {
        string dir = Directory.CreateTempSubdirectory("emb-board-bad-").FullName;
        try
        {
            foreach (var f in Directory.GetFiles(Samples).OrderBy(f => f, StringComparer.Ordinal).Take(2)) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
            File.WriteAllBytes(Path.Combine(dir, "b_corrupt.jpg"), new byte[] { 0xFF, 0xD8, 0xFF, 0xDB, 0, 1 });
            File.WriteAllBytes(Path.Combine(dir, "c_corrupt.png"), new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A });
            var json = Board("run", "--model", Model, "--camera", "files:" + dir, "--json");
            Assert.AreEqual(0, json.code, json.error);
            var lines = json.output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.HasCount(2, lines, "the two readable images, as pure JSON");
            foreach (var line in lines) using (JsonDocument.Parse(line)) { }
            StringAssert.Contains(json.error, "b_corrupt.jpg) skipped");
            StringAssert.Contains(json.error, "c_corrupt.png");

            var text = Board("run", "--model", Model, "--camera", "files:" + dir);
            Assert.AreEqual(0, text.code, text.error);
            StringAssert.Contains(text.output, "4 frames (2 unreadable, skipped)");

            foreach (var f in Directory.GetFiles(dir, "n*")) File.Delete(f);
            var none = Board("run", "--model", Model, "--camera", "files:" + dir);
            Assert.AreEqual(2, none.code, none.error);
            StringAssert.Contains(none.error, "none of the 2 frames could be decoded");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
