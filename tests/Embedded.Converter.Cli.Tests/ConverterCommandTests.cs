using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Embedded.Converter.Cli;
using Embedded.Converter.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static Embedded.Converter.Cli.Tests.Support.EmbCli;

namespace Embedded.Converter.Cli.Tests;

/// <summary>convert, run, eval, verify and classify on real models and images.</summary>
[TestClass]
public sealed class ConverterCommandTests
{

    private static string Work(string name)
    {
        string path = Path.Combine(Path.GetTempPath(), $"emb-cli-{Environment.ProcessId}-{name}");
        Directory.CreateDirectory(path);
        return path;
    }

    [TestMethod]
    public void Classify_TheBundledSamples_WithTheBundledModel()
    {
        string repo = Repo();
        var (code, output, error) = Emb("classify", Path.Combine(repo, "firmware/samples/models/mobilenet_v3_small_int8.emb"), "--images", Path.Combine(repo, "firmware/samples/images"), "--top", "3");
        Assert.AreEqual(0, code, error);
        foreach (string expected in new[] { "tench, Tinca tinca", "airship, dirigible", "trombone", "Shih-Tzu" })
            StringAssert.Contains(output, expected);
        // The top-1 of each of these images is its true class.
        var lines = output.Split('\n');
        foreach (var (file, label) in new[] { ("n01440764_tench.jpg", "tench"), ("n02692877_airship.jpg", "airship"), ("n04487394_trombone.jpg", "trombone"), ("n02086240_Shih-Tzu.jpg", "Shih-Tzu") })
        {
            int at = Array.FindIndex(lines, l => l.StartsWith(file, StringComparison.Ordinal));
            StringAssert.Contains(lines[at + 1], label);
        }
    }

    [TestMethod]
    public void Convert_Run_Eval_Verify_EndToEnd()
    {
        string calib = Work("calib"), outDir = Work("out"), inputs = Work("inputs");
        var names = SharedFixtures.GoldenNames();
        foreach (string n in names.Take(6)) File.Copy(SharedFixtures.Fixture("images", "imagenet-dev", n + ".JPEG"), Path.Combine(calib, n + ".JPEG"), true);
        File.WriteAllLines(Path.Combine(calib, "manifest.csv"), File.ReadAllLines(SharedFixtures.Fixture("images", "imagenet-dev", "manifest.csv")).Take(1)
            .Concat(File.ReadAllLines(SharedFixtures.Fixture("images", "imagenet-dev", "manifest.csv")).Where(l => names.Take(6).Any(n => l.StartsWith(n + ".JPEG", StringComparison.Ordinal)))));
        File.WriteAllText(Path.Combine(calib, "notes.txt"), "not an image: skipped");
        foreach (string n in names.Skip(6).Take(3)) File.Copy(SharedFixtures.Fixture("golden", "inputs", n + ".u8"), Path.Combine(inputs, n + ".u8"), true);
        string onnx = SharedFixtures.Model("mobilenet_v3_small_torch.onnx");
        string emb = Path.Combine(outDir, "model.emb"), report = Path.Combine(outDir, "report.json");

        var convert = Emb("convert", onnx, "-o", emb, "--calib", calib, "--calib-count", "6", "--labels", SharedFixtures.Fixture("labels", "imagenet_labels_1001.txt"), "--report", report);
        Assert.AreEqual(0, convert.code, convert.error);
        StringAssert.Contains(convert.output, "SQNR dB");
        StringAssert.Contains(convert.output, "arena");
        using (var json = JsonDocument.Parse(File.ReadAllText(report)))
        {
            Assert.IsTrue(json.RootElement.GetProperty("layers").GetArrayLength() > 50);
            Assert.AreEqual(6, json.RootElement.GetProperty("calibration_images").GetInt32());
        }

        // run: a single .u8 input and a folder; outputs are float32 logits named after the inputs.
        string first = Directory.GetFiles(inputs).OrderBy(f => f).First();
        var single = Emb("run", emb, "--input", first, "--output", Path.Combine(outDir, "single.f32"));
        Assert.AreEqual(0, single.code, single.error);
        Assert.AreEqual(1001 * 4, new FileInfo(Path.Combine(outDir, "single.f32")).Length);
        var folder = Emb("run", emb, "--inputs", inputs, "--outputs", Path.Combine(outDir, "logits"));
        Assert.AreEqual(0, folder.code, folder.error);
        CollectionAssert.AreEquivalent(names.Skip(6).Take(3).Select(n => n + ".f32").ToArray(), Directory.GetFiles(Path.Combine(outDir, "logits")).Select(Path.GetFileName).ToArray());
        var onnxRun = Emb("run", onnx, "--input", first, "--output", Path.Combine(outDir, "float.f32"));
        Assert.AreEqual(0, onnxRun.code, onnxRun.error);

        // eval: the last line is JSON with n, top1, top5.
        var eval = Emb("eval", emb, "--images", calib, "--json");
        Assert.AreEqual(0, eval.code, eval.error);
        using (var json = JsonDocument.Parse(eval.output.Trim().Split('\n').Last()))
        {
            Assert.AreEqual(6, json.RootElement.GetProperty("n").GetInt32());
            Assert.IsTrue(json.RootElement.GetProperty("top5").GetDouble() >= 50);
        }

        var verify = Emb("verify", onnx, emb, "--images", calib, "--count", "3");
        Assert.AreEqual(0, verify.code, verify.error);
        StringAssert.Contains(verify.output, "top-1 agreement");
    }

    /// <summary>A model with two outputs (a feature map and pooled features): `run` writes NAME.out0 and NAME.out1, ONNX and .emb.</summary>
    [TestMethod]
    public void Run_ModelWithSeveralOutputs_WritesEveryOne_NamedOutK()
    {
        string dir = Work("multi"), inputs = Work("multi-in");
        var random = new Random(7);
        float[] R(int n, float scale) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1) * scale).ToArray();
        string onnx = Path.Combine(dir, "two.onnx");
        File.WriteAllBytes(onnx, new OnnxBuilder(18)
            .Input("x", 1, 3, 8, 8)
            .Initializer("w", new long[] { 4, 3, 3, 3 }, R(108, 0.4f))
            .Node("Conv", new[] { "x", "w" }, new[] { "feat" }, "conv", OnnxBuilder.Ints("pads", 1, 1, 1, 1))
            .Node("GlobalAveragePool", new[] { "feat" }, new[] { "p" }, "gap")
            .Node("Flatten", new[] { "p" }, new[] { "pooled" }, "flatten")
            .Output("feat").Output("pooled")
            .Metadata("preprocess.mean", "128,128,128").Metadata("preprocess.std", "64,64,64")
            .Bytes());
        var pixels = new byte[8 * 8 * 3];
        random.NextBytes(pixels);
        string input = Path.Combine(inputs, "img.u8");
        File.WriteAllBytes(input, pixels);

        var single = Emb("run", onnx, "--input", input, "--output", Path.Combine(dir, "float.f32"));
        Assert.AreEqual(0, single.code, single.error);
        Assert.AreEqual(4 * 8 * 8 * 4, new FileInfo(Path.Combine(dir, "float.out0.f32")).Length);
        Assert.AreEqual(4 * 4, new FileInfo(Path.Combine(dir, "float.out1.f32")).Length);
        Assert.IsFalse(File.Exists(Path.Combine(dir, "float.f32")), "several outputs are named .outK");
        // The pooled output is the mean of the feature map per channel.
        var feat = SharedFixtures.ReadFloats(Path.Combine(dir, "float.out0.f32"));
        var pooled = SharedFixtures.ReadFloats(Path.Combine(dir, "float.out1.f32"));
        for (int c = 0; c < 4; c++) Assert.AreEqual(feat.Skip(c * 64).Take(64).Average(), pooled[c], 1e-5, $"channel {c}");

        string emb = Path.Combine(dir, "two.emb");
        var convert = Emb("convert", onnx, "-o", emb, "--calib", SharedFixtures.Fixture("images", "imagenet-dev"), "--calib-count", "8");
        Assert.AreEqual(0, convert.code, convert.error);
        var folder = Emb("run", emb, "--inputs", inputs, "--outputs", Path.Combine(dir, "q"));
        Assert.AreEqual(0, folder.code, folder.error);
        Assert.IsTrue(File.Exists(Path.Combine(dir, "q", "img.out0.f32")) || File.Exists(Path.Combine(dir, "q", "img.out0.i8")) || File.Exists(Path.Combine(dir, "q", "img.out0.i16")),
            string.Join(", ", Directory.GetFiles(Path.Combine(dir, "q")).Select(Path.GetFileName)));
        Assert.AreEqual(2, Directory.GetFiles(Path.Combine(dir, "q"), "img.out*").Length);
    }

    /// <summary>
    /// The output SQNR gate: below --min-sqnr a conversion warns on stderr and still writes the file (exit 0); with
    /// --strict it fails with exit 2 and writes nothing. (A tiny model reaches ~30–50 dB; 99 dB is out of its reach.)
    /// </summary>
    [TestMethod]
    public void Convert_BelowTheOutputSqnrThreshold_Warns_AndWithStrictFailsWithoutWriting()
    {
        string dir = Work("gate");
        var random = new Random(8);
        string onnx = Path.Combine(dir, "tiny.onnx");
        File.WriteAllBytes(onnx, new OnnxBuilder(13)
            .Input("x", 1, 3, 8, 8)
            .Initializer("w", new long[] { 4, 3, 3, 3 }, Enumerable.Range(0, 108).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray())
            .Node("Conv", new[] { "x", "w" }, new[] { "c" }, "conv", OnnxBuilder.Ints("pads", 1, 1, 1, 1))
            .Node("GlobalAveragePool", new[] { "c" }, new[] { "p" }, "gap")
            .Node("Flatten", new[] { "p" }, new[] { "y" }, "flatten")
            .Output("y").Metadata("preprocess.mean", "128,128,128").Metadata("preprocess.std", "64,64,64").Bytes());
        string calib = SharedFixtures.Fixture("images", "imagenet-dev");

        string fine = Path.Combine(dir, "fine.emb");
        var plain = Emb("convert", onnx, "-o", fine, "--calib", calib, "--calib-count", "8");
        Assert.AreEqual(0, plain.code, plain.error);
        StringAssert.Contains(plain.output, "output SQNR");
        // The default (auto) keeps 8 bits: they hold the default --min-sqnr on the held-out images.
        StringAssert.Contains(plain.output, "activations: 8 bits, whose output SQNR");
        StringAssert.Contains(plain.output, "int8[1×8×8×4]");
        Assert.DoesNotContain("warning", plain.error);

        // Below --min-sqnr, auto widens (up to --target-sqnr); still below it, a warning.
        string warned = Path.Combine(dir, "warned.emb");
        var warn = Emb("convert", onnx, "-o", warned, "--calib", calib, "--calib-count", "8", "--min-sqnr", "99");
        Assert.AreEqual(0, warn.code, warn.error);
        StringAssert.Contains(warn.output, "in 16 bits for a 15.0 dB output SQNR target");
        StringAssert.Contains(warn.error, "warning: tiny.onnx: the quantized output's SQNR");
        Assert.DoesNotContain("--activations auto", warn.error);
        Assert.IsTrue(File.Exists(warned));
        var narrow = Emb("convert", onnx, "-o", Path.Combine(dir, "narrow.emb"), "--calib", calib, "--calib-count", "8", "--activations", "int8", "--min-sqnr", "99");
        Assert.AreEqual(0, narrow.code, narrow.error);

        string refused = Path.Combine(dir, "refused.emb");
        var strict = Emb("convert", onnx, "-o", refused, "--calib", calib, "--calib-count", "8", "--min-sqnr", "99", "--strict");
        Assert.AreEqual(2, strict.code, strict.output);
        StringAssert.Contains(strict.error, "--strict: nothing written");
        Assert.IsFalse(File.Exists(refused));

        // 16-bit activations: said in the log, and the warning's advice is gone.
        string wide = Path.Combine(dir, "wide.emb");
        var int16 = Emb("convert", onnx, "-o", wide, "--calib", calib, "--calib-count", "8", "--activations", "int16", "--min-sqnr", "99");
        Assert.AreEqual(0, int16.code, int16.error);
        StringAssert.Contains(int16.output, "activations: 16 bits throughout");
        StringAssert.Contains(int16.output, "int16[1×8×8×4]");
        Assert.DoesNotContain("--activations auto", int16.error);
        StringAssert.Contains(narrow.error, "--activations auto keeps the noisiest activations in 16 bits");

        var auto = Emb("convert", onnx, "-o", Path.Combine(dir, "auto.emb"), "--calib", calib, "--calib-count", "8", "--activations", "auto", "--target-sqnr", "99");
        Assert.AreEqual(0, auto.code, auto.error);
        StringAssert.Contains(auto.output, "for a 99.0 dB output SQNR target");

        var bad = Emb("convert", onnx, "-o", Path.Combine(dir, "bad.emb"), "--calib", calib, "--activations", "int4");
        Assert.AreEqual(2, bad.code);
        StringAssert.Contains(bad.error, "--activations must be auto, int8 or int16");
    }

    /// <summary>A model whose output is a class-score map reports, besides the SQNR, the share of pixels classed as in float.</summary>
    [TestMethod]
    public void Convert_ASegmentationHead_ReportsPixelsClassedAsInFloat()
    {
        string dir = Work("classmap");
        var random = new Random(12);
        string onnx = Path.Combine(dir, "seg.onnx");
        File.WriteAllBytes(onnx, new OnnxBuilder(13)
            .Input("x", 1, 3, 8, 8)
            .Initializer("w", new long[] { 5, 3, 3, 3 }, Enumerable.Range(0, 135).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray())
            .Node("Conv", new[] { "x", "w" }, new[] { "logits" }, "conv", OnnxBuilder.Ints("pads", 1, 1, 1, 1))
            .Output("logits").Metadata("preprocess.mean", "128,128,128").Metadata("preprocess.std", "64,64,64").Bytes());
        var run = Emb("convert", onnx, "-o", Path.Combine(dir, "seg.emb"), "--calib", SharedFixtures.Fixture("images", "imagenet-dev"), "--calib-count", "8");
        Assert.AreEqual(0, run.code, run.error);
        StringAssert.Contains(run.output, "95 % of every image's pixels classed as in float");
        StringAssert.Matches(run.output, new System.Text.RegularExpressions.Regex(@"pixels classed as in float \d+\.\d % \(worst image\)"));
    }

    [TestMethod]
    public void ConvertTflite_ThenRun_GivesTflitesBytes()
    {
        string dir = Work("tflite"), inputs = Work("tflite-in");
        string emb = Path.Combine(dir, "v3u8.emb");
        var convert = Emb("convert", SharedFixtures.Model("v3-small_224_1.0_uint8.tflite"), "-o", emb, "--labels", SharedFixtures.Fixture("labels", "imagenet_labels_1001.txt"));
        Assert.AreEqual(0, convert.code, convert.error);
        StringAssert.Contains(convert.output, "matching TFLite's builtin kernels");
        var names = SharedFixtures.GoldenNames().Take(2).ToArray();
        foreach (string n in names) File.Copy(SharedFixtures.Fixture("golden", "inputs", n + ".u8"), Path.Combine(inputs, n + ".u8"), true);
        var run = Emb("run", emb, "--inputs", inputs, "--outputs", Path.Combine(dir, "out"));
        Assert.AreEqual(0, run.code, run.error);
        foreach (string n in names)
            CollectionAssert.AreEqual(File.ReadAllBytes(SharedFixtures.Fixture("golden", "tflite-builtin", "v3-small_224_1.0_uint8", n + ".u8")),
                File.ReadAllBytes(Path.Combine(dir, "out", n + ".u8")), n);
        var uint8Tflm = Emb("convert", SharedFixtures.Model("v3-small_224_1.0_uint8.tflite"), "-o", emb, "--match", "tflm");
        Assert.AreEqual(2, uint8Tflm.code);
        StringAssert.Contains(uint8Tflm.error, "TFLite Micro has no uint8");
    }

    [TestMethod]
    public void ConvertTflite_MatchTflm_GivesTfliteMicrosBytes()
    {
        string dir = Work("tflm"), inputs = Work("tflm-in");
        string emb = Path.Combine(dir, "mlir.emb");
        // The float-interface model: .u8 inputs are fed as pixel / 255, outputs written as float32.
        const string model = "mobilenet_v3_small_int8_mlir";
        var convert = Emb("convert", SharedFixtures.Model(model + ".tflite"), "-o", emb, "--match", "tflm");
        Assert.AreEqual(0, convert.code, convert.error);
        StringAssert.Contains(convert.output, "matching TFLite Micro's reference kernels");
        var names = SharedFixtures.GoldenNames().Take(2).ToArray();
        foreach (string n in names) File.Copy(SharedFixtures.Fixture("golden", "inputs", n + ".u8"), Path.Combine(inputs, n + ".u8"), true);
        var run = Emb("run", emb, "--inputs", inputs, "--outputs", Path.Combine(dir, "out"));
        Assert.AreEqual(0, run.code, run.error);
        foreach (string n in names)
            CollectionAssert.AreEqual(File.ReadAllBytes(SharedFixtures.Fixture("golden", "tflm-reference", model, n + ".f32")),
                File.ReadAllBytes(Path.Combine(dir, "out", n + ".f32")), n);
    }

    [TestMethod]
    public void Bench_PrintsLatencyBreakdown_AndWithJsonOnlyJsonOnStdout_OnEveryPath()
    {
        string model = Path.Combine(Repo(), "firmware/samples/models/mobilenet_v3_small_int8.emb");
        foreach (var path in Embedded.Runtime.Kernels.KernelPaths.Available)
        {
            var (code, output, error) = Emb("bench", model, "--iterations", "3", "--path", path.ToString().ToLowerInvariant(), "--json");
            Assert.AreEqual(0, code, error);
            // The human report goes to stderr with --json; stdout is the JSON line alone.
            StringAssert.Contains(error, "Conv2D");
            StringAssert.Contains(error, "slowest operators");
            using var json = System.Text.Json.JsonDocument.Parse(output);
            Assert.AreEqual(System.Text.Json.JsonValueKind.Number, json.RootElement.GetProperty("median_ms").ValueKind);
            Assert.IsTrue(json.RootElement.GetProperty("p90_ms").GetDouble() >= json.RootElement.GetProperty("median_ms").GetDouble());
            Assert.AreEqual(1, json.RootElement.GetProperty("threads").GetInt32());
            Assert.AreEqual(path.ToString().ToLowerInvariant(), json.RootElement.GetProperty("path").GetString());
        }
        var badPath = Emb("bench", model, "--path", "neon-on-x64");
        Assert.AreEqual(2, badPath.code);
        StringAssert.Contains(badPath.error, "--path");

        // Thread counts side by side: one JSON line each, the later ones with their speedup over the first.
        var compared = Emb("bench", model, "--iterations", "20", "--threads", "1,2", "--json");
        Assert.AreEqual(0, compared.code, compared.error);
        StringAssert.Contains(compared.output, "speedup");
        var lines = compared.output.Trim().Split('\n');
        Assert.HasCount(2, lines, compared.output);
        using var one = System.Text.Json.JsonDocument.Parse(lines[^2]);
        using var two = System.Text.Json.JsonDocument.Parse(lines[^1]);
        Assert.AreEqual(1, one.RootElement.GetProperty("threads").GetInt32());
        Assert.AreEqual(2, two.RootElement.GetProperty("threads").GetInt32());
        Assert.AreEqual(System.Text.Json.JsonValueKind.Number, two.RootElement.GetProperty("speedup").ValueKind);
        // The machine's own two-thread gauge, measured between the same batches.
        StringAssert.Contains(compared.error, "probe    2 threads: a register-only vector loop ran ×");
        StringAssert.Contains(compared.error, "a cache line crossed cores in");
        // Measured values are reported, never judged here: a loaded test machine makes any timing bound flaky.
        Assert.AreEqual(System.Text.Json.JsonValueKind.Number, two.RootElement.GetProperty("probe_speedup").ValueKind);
        Assert.AreEqual(System.Text.Json.JsonValueKind.Number, two.RootElement.GetProperty("line_transfer_ns").ValueKind);
        Assert.IsFalse(one.RootElement.TryGetProperty("probe_speedup", out _));
        // The same count twice (an A/A check) has no second thread to probe with: no probe line, no crash.
        var same = Emb("bench", model, "--iterations", "3", "--threads", "1,1", "--json");
        Assert.AreEqual(0, same.code, same.output + same.error);
        Assert.IsFalse(same.error.Contains("probe "), same.error);
        using (var again = System.Text.Json.JsonDocument.Parse(same.output.Trim().Split('\n')[^1]))
        {
            Assert.AreEqual(System.Text.Json.JsonValueKind.Number, again.RootElement.GetProperty("speedup").ValueKind);
            Assert.IsFalse(again.RootElement.TryGetProperty("probe_speedup", out _));
        }
        foreach (var bad in new[] { "0,2", "1,x", "65", "" })
        {
            var refused = Emb("bench", model, "--threads", bad);
            Assert.AreEqual(2, refused.code, $"--threads '{bad}': {refused.output}");
            StringAssert.Contains(refused.error, "--threads");
        }
    }

    [TestMethod]
    public void Selftest_PassesOnEveryPathOfThisMachine()
    {
        var (code, output, error) = Emb("selftest", "--cases", "4");
        Assert.AreEqual(0, code, output + error);
        StringAssert.Contains(output, "checks passed");
        foreach (var path in Embedded.Runtime.Kernels.KernelPaths.Available) StringAssert.Contains(output, path.ToString());
    }

    [TestMethod]
    public void BadInputs_GiveOneLineErrors()
    {
        string onnx = SharedFixtures.Model("mobilenet_v3_small_tf.onnx");
        var badMethod = Emb("convert", onnx, "-o", Path.Combine(Work("bad"), "x.emb"), "--calib", SharedFixtures.Fixture("images", "imagenet-dev"), "--method", "magic");
        Assert.AreEqual(2, badMethod.code);
        StringAssert.Contains(badMethod.error, "--method");
        var noCalib = Emb("convert", onnx, "-o", Path.Combine(Work("bad"), "x.emb"), "--calib", Path.Combine(Work("bad"), "missing"));
        Assert.AreEqual(2, noCalib.code);
        string broken = Path.Combine(Work("broken"), "broken.jpg");
        File.WriteAllBytes(broken, File.ReadAllBytes(SharedFixtures.Fixture("images", "imagenet-dev", "n01440764_tench.JPEG")).Take(5000).ToArray());
        var truncated = Emb("classify", Path.Combine(Repo(), "firmware/samples/models/mobilenet_v3_small_int8.emb"), "--image", broken);
        Assert.AreEqual(2, truncated.code);
        StringAssert.Contains(truncated.error, "broken.jpg: JPEG");
        StringAssert.Contains(truncated.error, "truncated");
        var notOnnx = Emb("eval", broken.Replace(".jpg", ".onnx"), "--images", Work("broken"));
        Assert.AreEqual(2, notOnnx.code);
    }
}
