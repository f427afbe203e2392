using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Embedded.Converter.Tests.Support;
using Embedded.Runtime.Kernels;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static Embedded.Converter.Cli.Tests.Support.EmbCli;

namespace Embedded.Converter.Cli.Tests;

/// <summary>
/// The bad and unusual inputs of issue #23, one by one: each ends in exit 2 with one line naming the option or file
/// (checked before long work, nothing lost), or, where the input is fine but unusual, in the right answer — never
/// in an internal error or a silent wrong answer.
/// </summary>
[TestClass]
public sealed class BadInputTests
{
    private string _dir = "";

    [TestInitialize]
    public void Setup() => _dir = Directory.CreateTempSubdirectory("emb-bad-").FullName;

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    /// <summary>Exit 2, one "error:" line containing <paramref name="words"/>, no internal error.</summary>
    private static void Refused((int code, string output, string error) r, string words, string what)
    {
        Assert.AreEqual(2, r.code, $"{what}: {r.error}{r.output}");
        StringAssert.Contains(r.error, words, what);
        Assert.IsFalse(r.error.Contains("internal error"), what);
        Assert.IsFalse(r.error.Contains("System."), $"{what}: {r.error}");
    }

    private static string Bundled => Path.Combine(Repo(), "firmware", "samples", "models", "mobilenet_v3_small_int8.emb");
    private static string Tench => Path.Combine(Repo(), "firmware", "samples", "images", "n01440764_tench.jpg");
    private static string Samples => Path.Combine(Repo(), "firmware", "samples", "images");

    /// <summary>A small float classifier: 1×1 conv, pool, flatten, Gemm to <paramref name="classes"/> logits (converts in seconds).</summary>
    private string TinyOnnx(int classes = 10, long batch = 1, long side = 16, string name = "tiny.onnx")
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, new OnnxBuilder(13)
            .Input("x", batch, 3, side, side)
            .Initializer("w", new long[] { 4, 3, 1, 1 }, OnnxBuilder.Range(12))
            .Initializer("fc", new long[] { classes, 4 }, OnnxBuilder.Range(4 * classes))
            .Node("Conv", new[] { "x", "w" }, new[] { "c" }, "conv")
            .Node("GlobalAveragePool", new[] { "c" }, new[] { "p" }, "gap")
            .Node("Flatten", new[] { "p" }, new[] { "f" }, "flatten")
            .Node("Gemm", new[] { "f", "fc" }, new[] { "y" }, "fc", OnnxBuilder.Int("transB", 1))
            .Output("y").Metadata("preprocess.mean", "128,128,128").Metadata("preprocess.std", "64,64,64").Bytes());
        return path;
    }

    private string Calibration(int count = 4, string? corrupt = null)
    {
        string calib = Directory.CreateDirectory(Path.Combine(_dir, "calib")).FullName;
        foreach (var f in Directory.GetFiles(SharedFixtures.Fixture("images", "imagenet-dev"), "*.JPEG").OrderBy(f => f, StringComparer.Ordinal).Take(count))
            File.Copy(f, Path.Combine(calib, Path.GetFileName(f)));
        if (corrupt is not null) File.WriteAllBytes(Path.Combine(calib, corrupt), new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3 });
        return calib;
    }

    [TestMethod]
    public void Convert_LabelsOfTheWrongCount_AreRefusedBeforeWork_ForOnnxAndTflite()
    {
        string labels = Path.Combine(_dir, "labels.txt");
        File.WriteAllLines(labels, Enumerable.Range(0, 1000).Select(i => $"class {i}"));
        string uint8 = SharedFixtures.Model("v3-small_224_1.0_uint8.tflite");
        var tflite = Emb("convert", uint8, "-o", Path.Combine(_dir, "t.emb"), "--labels", labels);
        Refused(tflite, "labels.txt has 1000 lines; the model has 1001 classes", "uint8 tflite, 1000 labels");
        Assert.IsFalse(File.Exists(Path.Combine(_dir, "t.emb")));

        var onnx = Emb("convert", TinyOnnx(10), "-o", Path.Combine(_dir, "o.emb"), "--calib", Calibration(), "--labels", labels);
        Refused(onnx, "has 1000 lines; the model has 10 classes", "onnx, 1000 labels for 10 classes");
        Assert.IsFalse(onnx.output.Contains("calibration:"), "refused before calibrating");
    }

    [TestMethod]
    public void Convert_OutputPaths_AreCheckedBeforeWork_AndNeverOverwriteTheInput()
    {
        string model = TinyOnnx();
        byte[] before = File.ReadAllBytes(model);
        string calib = Calibration();
        Refused(Emb("convert", model, "-o", model, "--calib", calib), "is also an input", "-o = the model");
        CollectionAssert.AreEqual(before, File.ReadAllBytes(model), "the source model is untouched");
        Refused(Emb("convert", model, "-o", "/proc/emb-cannot-write.emb", "--calib", calib), "cannot be written", "-o in an unwritable folder");
        Refused(Emb("convert", model, "-o", Path.Combine(_dir, "missing", "m.emb"), "--calib", calib), "does not exist", "-o in a missing folder");
        Refused(Emb("convert", model, "-o", _dir, "--calib", calib), "is a folder", "-o a folder");
        string emb = Path.Combine(_dir, "m.emb");
        var report = Emb("convert", model, "-o", emb, "--calib", calib, "--report", "/proc/emb-report.md");
        Refused(report, "--report /proc/emb-report.md cannot be written", "unwritable --report");
        Assert.IsFalse(File.Exists(emb), "the .emb is not written when the report cannot be");
        Refused(Emb("convert", model, "-o", emb, "--calib", calib, "--report", Path.Combine(_dir, "r.txt")), "give a .md or .json file", "--report .txt");
        string uint8 = SharedFixtures.Model("v3-small_224_1.0_uint8.tflite");
        Refused(Emb("convert", uint8, "-o", uint8), "is also an input", "tflite -o = the model");
    }

    [TestMethod]
    public void Convert_NumericOptionsAndNormalization_AreRefusedWithTheirName()
    {
        string model = TinyOnnx(), calib = Calibration(), emb = Path.Combine(_dir, "m.emb");
        Refused(Emb("convert", model, "-o", emb, "--calib", calib, "--calib-count", "0"), "--calib-count 0: must be at least 1", "--calib-count 0");
        Refused(Emb("convert", model, "-o", emb, "--calib", calib, "--calib-count", "-3"), "--calib-count -3: must be at least 1", "--calib-count -3");
        Refused(Emb("convert", model, "-o", emb, "--calib", calib, "--calib-count", "many"), "as a whole number", "--calib-count many");
        var units = Emb("convert", model, "-o", emb, "--calib", calib, "--mean", "0.485,0.456,0.406", "--std", "0.229,0.224,0.225");
        Refused(units, "looks like 0–1 units", "mean/std in 0–1");
        StringAssert.Contains(units.error, "multiply by 255");
        Refused(Emb("convert", model, "-o", emb, "--calib", calib, "--std", "58,0,57"), "must be above 0", "--std 0");
        Assert.IsFalse(File.Exists(emb));
        // Pixel units are fine, and so is mean 0 / std 1 (a model that takes raw pixels).
        var ok = Emb("convert", model, "-o", emb, "--calib", calib, "--mean", "0,0,0", "--std", "1,1,1", "--calib-count", "2");
        Assert.AreEqual(0, ok.code, ok.error);
    }

    [TestMethod]
    public void Convert_AnUnreadableCalibrationImage_IsSkippedWithAWarning_AndCounted()
    {
        var r = Emb("convert", TinyOnnx(), "-o", Path.Combine(_dir, "m.emb"), "--calib", Calibration(4, corrupt: "broken.jpg"));
        Assert.AreEqual(0, r.code, r.error);
        StringAssert.Contains(r.error, "warning: skipped calibration image broken.jpg");
        StringAssert.Contains(r.error, "1 calibration image skipped, 4 used");
        StringAssert.Contains(r.output, "calibration: 4 images");
    }

    [TestMethod]
    public void Convert_ABatch2OrHugeInputModel_IsRefusedBeforeAnyAllocation()
    {
        string calib = Calibration(2);
        Refused(Emb("convert", TinyOnnx(batch: 2, name: "b2.onnx"), "-o", Path.Combine(_dir, "b.emb"), "--calib", calib), "input batch 2", "batch 2");
        Refused(Emb("convert", TinyOnnx(side: 1_000_000, name: "huge.onnx"), "-o", Path.Combine(_dir, "h.emb"), "--calib", calib), "outside 1..4096 pixels a side", "huge input");
    }

    [TestMethod]
    public void Classify_AnImportedUint8Tflite_ShowsItsSoftmaxAsProbabilities_AsEmbBoardDoes()
    {
        string uint8 = SharedFixtures.Model("v3-small_224_1.0_uint8.tflite");
        var direct = Emb("classify", uint8, "--image", Tench, "--top", "3");
        Assert.AreEqual(0, direct.code, direct.error);
        string emb = Path.Combine(_dir, "v3.emb");
        Assert.AreEqual(0, Emb("convert", uint8, "-o", emb).code);
        var converted = Emb("classify", emb, "--image", Tench, "--top", "3");
        Assert.AreEqual(0, converted.code, converted.error);
        var lines = direct.output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var convertedLines = converted.output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        CollectionAssert.AreEqual(convertedLines.Skip(1).ToArray(), lines.Skip(1).ToArray(), "the .tflite and its .emb give the same classes and scores");
        double top = double.Parse(lines[1].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        // The model's own softmax output for its top class (a softmax over probabilities would squash it to ~0.002).
        Assert.IsGreaterThan(0.3, top, lines[1]);
        int index = int.Parse(lines[1].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        Assert.AreEqual(1, index, "tench is class 1 of the 1001");

        // The same probability as emb-board's ClassScores on the same model.
        var model = Embedded.Runtime.Execution.EmbeddedModel.Load(emb);
        Assert.IsTrue(new Embedded.Runtime.Execution.ClassScores(model).OutputIsProbabilities);
    }

    [TestMethod]
    public void Eval_AModelWhoseClassesTheManifestDoesNotNumber_IsRefused_NotScoredZero()
    {
        var r = Emb("eval", TinyOnnx(10), "--images", SharedFixtures.Fixture("images", "imagenet-dev"));
        Refused(r, "no 'class_index' column for a 10-class model", "10 classes vs ImageNet manifest");
        string manifest = Path.Combine(_dir, "manifest.csv");
        File.WriteAllLines(manifest, new[] { "file,class_index", "n01440764_tench.jpg,12" });
        Refused(Emb("eval", TinyOnnx(10), "--images", Samples, "--manifest", manifest), "class 12 is outside the model's 10 classes", "class out of range");
    }

    [TestMethod]
    public void Eval_Json_IsPureJson_AndUnreadableImagesAreSkippedAndCounted()
    {
        string images = Directory.CreateDirectory(Path.Combine(_dir, "images")).FullName;
        foreach (var f in Directory.GetFiles(Samples)) File.Copy(f, Path.Combine(images, Path.GetFileName(f)));
        File.WriteAllBytes(Path.Combine(images, "n00000000_broken.jpg"), new byte[] { 0xFF, 0xD8, 0xFF, 0xDB, 0, 1 });
        var names = Directory.GetFiles(images).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        File.WriteAllLines(Path.Combine(images, "manifest.csv"), new[] { "file,wnid,class_index_1000,class_index_1001" }
            .Concat(names.Select(n => n!.Contains("tench") ? $"{n},n01440764,0,1" : $"{n},n0,5,6")));
        var r = Emb("eval", Bundled, "--images", images, "--json");
        Assert.AreEqual(0, r.code, r.error);
        using var json = JsonDocument.Parse(r.output);
        Assert.AreEqual(names.Length - 1, json.RootElement.GetProperty("n").GetInt32());
        Assert.AreEqual(1, json.RootElement.GetProperty("skipped").GetInt32());
        StringAssert.Contains(r.error, "warning: skipped n00000000_broken.jpg");
        StringAssert.Contains(r.error, "top-1");
    }

    [TestMethod]
    public void Verify_AnUnrelatedOrSwappedModel_IsRefused_AndCountZeroToo()
    {
        string onnx = TinyOnnx();
        Refused(Emb("verify", onnx, Bundled, "--images", Samples), "was converted from another model", "unrelated float model");
        Refused(Emb("verify", Bundled, onnx, "--images", Samples), "the arguments are swapped", "swapped");
        Refused(Emb("verify", onnx, Bundled, "--images", Samples, "--count", "0"), "--count 0: must be at least 1", "--count 0");

        // The model it came from passes the check.
        string emb = Path.Combine(_dir, "m.emb");
        Assert.AreEqual(0, Emb("convert", onnx, "-o", emb, "--calib", Calibration(2)).code);
        var same = Emb("verify", onnx, emb, "--images", Samples, "--count", "2");
        Assert.AreEqual(0, same.code, same.error);
        StringAssert.Contains(same.output, "2 images: top-1 agreement");
    }

    [TestMethod]
    public void RunAndClassify_RefuseFileAndFolderModesAtOnce_AndRunSkipsUnreadableInputs()
    {
        Refused(Emb("classify", Bundled, "--image", Tench, "--images", Samples), "not both", "classify both");
        Refused(Emb("run", Bundled, "--input", Tench, "--output", Path.Combine(_dir, "o.u8"), "--inputs", Samples, "--outputs", _dir), "not both", "run both");
        Refused(Emb("run", Bundled, "--input", Tench, "--output", Tench), "is also an input", "run --output = --input");

        string inputs = Directory.CreateDirectory(Path.Combine(_dir, "in")).FullName;
        File.Copy(Tench, Path.Combine(inputs, "a.jpg"));
        File.WriteAllBytes(Path.Combine(inputs, "b.png"), new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0 });
        string outputs = Path.Combine(_dir, "out");
        var run = Emb("run", Bundled, "--inputs", inputs, "--outputs", outputs);
        Assert.AreEqual(0, run.code, run.error);
        StringAssert.Contains(run.output, "1 outputs written");
        StringAssert.Contains(run.output, "1 unreadable input skipped");
        StringAssert.Contains(run.error, "warning: skipped b.png");
        Assert.HasCount(1, Directory.GetFiles(outputs, "a.*"), "the readable input's output");
    }

    [TestMethod]
    public void AnImageOfExtremeAspect_IsAClearError()
    {
        string thin = Path.Combine(_dir, "thin.ppm");
        var header = System.Text.Encoding.ASCII.GetBytes("P6\n1 3000\n255\n");
        File.WriteAllBytes(thin, header.Concat(new byte[3 * 3000]).ToArray());
        var r = Emb("classify", Bundled, "--image", thin);
        Refused(r, "thin.ppm", "1×3000 image");
    }

    [TestMethod]
    public void ParseErrors_NameTheOptionInWords_AndExit2()
    {
        var top = Emb("classify", Bundled, "--image", Tench, "--top", "abc");
        Refused(top, "'--top' as a whole number", "--top abc");
        Refused(Emb("classify", Bundled, "--image", Tench, "--top", "0"), "--top 0: must be at least 1", "--top 0");
        Refused(Emb("classify", Bundled, "--imagez", Tench), "--imagez", "unknown option");
        Refused(Emb("bench", Bundled, "--iterations", "0"), "--iterations 0: must be 1..1000000", "bench --iterations 0");
    }

    [TestMethod]
    public void Bench_AnUnsupportedPath_IsRefused_AndJsonIsPureJson()
    {
        var missing = Enum.GetValues<KernelPath>().Where(p => !KernelPaths.IsSupported(p)).ToArray();
        if (missing.Length > 0)
            Refused(Emb("bench", Bundled, "--path", missing[0].ToString().ToLowerInvariant(), "--iterations", "1"), "this CPU does not support it", $"--path {missing[0]}");
        var r = Emb("bench", Bundled, "--iterations", "3", "--json");
        Assert.AreEqual(0, r.code, r.error);
        foreach (var line in r.output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            using (var doc = JsonDocument.Parse(line)) Assert.AreEqual(JsonValueKind.Number, doc.RootElement.GetProperty("median_ms").ValueKind);
        StringAssert.Contains(r.error, "latency");
    }
}
