using System;
using System.IO;
using System.Text.Json;
using Embedded.Converter.Cli;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static Embedded.Converter.Cli.Tests.Support.EmbCli;

namespace Embedded.Converter.Cli.Tests;

[TestClass]
public sealed class CliTests
{

    private static string TempPath(string name) => Path.Combine(Path.GetTempPath(), $"emb-cli-test-{Environment.ProcessId}-{name}");

    [TestMethod]
    public void Demo_GeneratesSavesLoadsAndRunsAModel()
    {
        string path = TempPath("demo.emb");
        try
        {
            var (code, output, error) = Emb("demo", "--resolution", "32", "--runs", "2", "--out", path);
            Assert.AreEqual(0, code, error);
            StringAssert.Contains(output, "top-5");
            StringAssert.Contains(output, "median");
            StringAssert.Contains(output, "DepthwiseConv2D");
            Assert.IsTrue(File.Exists(path));

            var (inspectCode, text, _) = Emb("inspect", path);
            Assert.AreEqual(0, inspectCode);
            StringAssert.Contains(text, "synthetic-mobilenet-v3-small");
            StringAssert.Contains(text, "arena");

            var (jsonCode, json, _) = Emb("inspect", path, "--json");
            Assert.AreEqual(0, jsonCode);
            using var doc = JsonDocument.Parse(json);
            Assert.AreEqual(32, doc.RootElement.GetProperty("inputs")[0].GetProperty("shape")[1].GetInt32());
            Assert.IsTrue(doc.RootElement.GetProperty("macs").GetInt64() > 0);
            Assert.AreEqual(new FileInfo(path).Length, doc.RootElement.GetProperty("file_bytes").GetInt64());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void Inspect_OfACorruptModel_PrintsOneClearLineAndExitsWith2()
    {
        string path = TempPath("corrupt.emb");
        try
        {
            Assert.AreEqual(0, Emb("demo", "--resolution", "32", "--runs", "1", "--out", path).code);
            var bytes = File.ReadAllBytes(path);
            bytes[bytes.Length / 3] ^= 0x55;
            File.WriteAllBytes(path, bytes);
            var (code, output, error) = Emb("inspect", path);
            Assert.AreEqual(2, code);
            Assert.AreEqual("", output);
            StringAssert.StartsWith(error, "error: header.crc32");
            Assert.AreEqual(1, error.Trim().Split('\n').Length, error);

            var verbose = Emb("inspect", path, "--verbose");
            StringAssert.Contains(verbose.error, "ModelFormatException");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [TestMethod]
    public void MissingFilesAndBadOptions_AreReportedNotThrown()
    {
        var missing = Emb("inspect", TempPath("missing.emb"));
        Assert.AreEqual(2, missing.code);
        StringAssert.StartsWith(missing.error, "error: ");

        var badResolution = Emb("demo", "--resolution", "7");
        Assert.AreNotEqual(0, badResolution.code);
        StringAssert.Contains(badResolution.error, "--resolution");

        Assert.AreNotEqual(0, Emb("no-such-command").code);
    }
}
