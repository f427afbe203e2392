using System;
using System.IO;
using Embedded.Converter.Cli.Microcontroller;
using Embedded.Converter.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static Embedded.Converter.Cli.Tests.Support.EmbCli;

namespace Embedded.Converter.Cli.Tests.Microcontroller;

/// <summary>`emb convert … --ram-budget`: the model's RAM on the microcontroller runtime, reported, and refused over budget.</summary>
[TestClass]
public sealed class RamBudgetTests
{
    private string _dir = "";

    [TestInitialize]
    public void Setup() => _dir = Directory.CreateTempSubdirectory("emb-ram-").FullName;

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    private static string Vww => SharedFixtures.Model("vww_96_int8.tflite");

    [TestMethod]
    public void VisualWakeWords_FitsIn96K_AndTheReportNamesEveryPart()
    {
        string output = Path.Combine(_dir, "vww.emb");
        var (code, stdout, stderr) = Emb("convert", Vww, "-o", output, "--match", "tflm", "--ram-budget", "96k");
        Assert.AreEqual(0, code, stderr);
        StringAssert.Contains(stdout, "microcontroller RAM: arena 55,296 B + scratch 0 B + interpreter ≈");
        StringAssert.Contains(stdout, "of the 98,304 B budget; flash: model ");
        Assert.IsTrue(File.Exists(output));
    }

    [TestMethod]
    public void UnderA64KBudget_TheFirstLayersAreStreamed_AndTheFileStillLoadsEverywhere()
    {
        string output = Path.Combine(_dir, "vww.emb");
        var (code, stdout, stderr) = Emb("convert", Vww, "-o", output, "--match", "tflm", "--ram-budget", "64k");
        Assert.AreEqual(0, code, stderr);
        StringAssert.Contains(stdout, "microcontroller RAM: arena 40,704 B + scratch 0 B");
        StringAssert.Contains(stdout, "the first 4 operators run row by row (rings of 3, 1, 3 rows)");
        // The main runtime skips the optional row-band section.
        var (inspect, text, error) = Emb("inspect", output);
        Assert.AreEqual(0, inspect, error);
        StringAssert.Contains(text, "arena     55,296 bytes");
    }

    /// <summary>`emb run` feeds an int8 image input as pixel − 128: the converted VWW gives TFLite Micro's bytes on its goldens.</summary>
    [TestMethod]
    public void TheStreamedVww_RunsOnItsGoldenInputs_WithTflmsBytes()
    {
        string model = Path.Combine(_dir, "vww.emb"), outputs = Path.Combine(_dir, "out");
        Assert.AreEqual(0, Emb("convert", Vww, "-o", model, "--match", "tflm", "--ram-budget", "64k").code);
        var (code, _, stderr) = Emb("run", model, "--inputs", SharedFixtures.Fixture("golden", "inputs-96"), "--outputs", outputs);
        Assert.AreEqual(0, code, stderr);
        string golden = SharedFixtures.Fixture("golden", "tflm-reference", "vww_96_int8");
        var files = Directory.GetFiles(golden, "*.i8");
        Assert.HasCount(8, files);
        foreach (string expected in files)
            CollectionAssert.AreEqual(File.ReadAllBytes(expected), File.ReadAllBytes(Path.Combine(outputs, Path.GetFileName(expected))), expected);
    }

    [TestMethod]
    public void MobileNetV1_025_128_FitsIn96K_OnlyStreamed()
    {
        string output = Path.Combine(_dir, "v1.emb");
        var (code, stdout, stderr) = Emb("convert", SharedFixtures.Model("mobilenet_v1_0.25_128_quant.tflite"), "-o", output, "--ram-budget", "96k");
        Assert.AreEqual(0, code, stderr);
        StringAssert.Contains(stdout, "arena 70,144 B");
        StringAssert.Contains(stdout, "the first 8 operators run row by row");
    }

    [TestMethod]
    public void OverBudget_IsRefused_NamingThePeak_AndNothingIsWritten()
    {
        string output = Path.Combine(_dir, "vww.emb");
        var (code, _, stderr) = Emb("convert", Vww, "-o", output, "--ram-budget", "48k");
        Assert.AreEqual(2, code, stderr);
        StringAssert.Contains(stderr, "over the 49,152 B of --ram-budget; nothing written");
        // Even streamed, the whole 96×96×3 input and the chain's 24×24×16 output live together.
        StringAssert.Contains(stderr, "the first 4 operators, streamed row by row: 'input_1_int8' [1×96×96×3] 27,648 B + ");
        StringAssert.Contains(stderr, "[1×24×24×16] 9,216 B");
        Assert.IsFalse(File.Exists(output));
        OneLine(stderr);
    }

    [TestMethod]
    [DataRow("lots")]
    [DataRow("0")]
    [DataRow("-5k")]
    [DataRow("12q")]
    public void ABudgetThatIsNotASize_IsRefusedInOneLine(string budget)
    {
        string output = Path.Combine(_dir, "vww.emb");
        var (code, stdout, stderr) = Emb("convert", Vww, "-o", output, "--ram-budget", budget);
        Assert.AreEqual(2, code, stderr);
        StringAssert.Contains(stderr, $"--ram-budget '{budget}' is not a size");
        Assert.AreEqual("", stdout, "refused before the import");
        Assert.IsFalse(File.Exists(output));
        OneLine(stderr);
    }

    [TestMethod]
    public void OperatorsTheMicrocontrollerRuntimeLacks_AreNamed()
    {
        string output = Path.Combine(_dir, "deeplab.emb");
        var (code, _, stderr) = Emb("convert", SharedFixtures.Model("deeplabv3_mnv2_dm05_pascal_quant.tflite"), "-o", output, "--ram-budget", "8m");
        Assert.AreEqual(2, code, stderr);
        StringAssert.Contains(stderr, "cannot run on the microcontroller runtime: it has no Resize, ArgMax");
        Assert.IsFalse(File.Exists(output));
        OneLine(stderr);
    }

    [TestMethod]
    public void Sizes_AreBytesOrBinaryKiloAndMega()
    {
        Assert.AreEqual(98_304, MicrocontrollerMemory.ParseBytes("96k"));
        Assert.AreEqual(98_304, MicrocontrollerMemory.ParseBytes("96 KB"));
        Assert.AreEqual(98_304, MicrocontrollerMemory.ParseBytes("96KiB"));
        Assert.AreEqual(98_304, MicrocontrollerMemory.ParseBytes("98304"));
        Assert.AreEqual(2_097_152, MicrocontrollerMemory.ParseBytes("2m"));
        Assert.AreEqual(500, MicrocontrollerMemory.ParseBytes("500b"));
    }

    private static void OneLine(string stderr)
    {
        Assert.AreEqual(1, stderr.TrimEnd().Split('\n').Length, stderr);
        Assert.IsFalse(stderr.Contains("(Parameter"), stderr);
        Assert.IsFalse(stderr.Contains("Actual value"), stderr);
    }
}
