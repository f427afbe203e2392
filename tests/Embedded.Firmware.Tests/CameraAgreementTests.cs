using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using Embedded.Converter.Tests.Support;
using Embedded.Firmware.Cameras;
using Embedded.Firmware.Classification;
using Embedded.Imaging;
using Embedded.Runtime.Execution;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Firmware.Tests;

/// <summary>
/// The sensor path must not change the answer beyond its pixel format: emb-board on emulated cameras against the
/// image files classified the way `emb run` does (decode, resize, crop, infer), on the 200 shared dev images.
/// </summary>
[TestClass]
public sealed class CameraAgreementTests
{
    private static string Images => SharedFixtures.Fixture("images", "imagenet-dev");
    private static string BundledModel => Path.Combine(RepoRoot(), "firmware", "samples", "models", "mobilenet_v3_small_int8.emb");

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Embedded.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("Embedded.sln not found above the test assembly");
    }

    /// <summary>Top-1 per image file, computed as `emb run` does (once for both tests: 200 inferences).</summary>
    private static readonly Lazy<(string file, int top)[]> FilesTop1 = new(() => FileTop1(EmbeddedModel.Load(BundledModel)));

    private static (string file, int top)[] FileTop1(EmbeddedModel model)
    {
        using var interpreter = model.CreateInterpreter();
        var scores = new ClassScores(model);
        Span<int> best = stackalloc int[1];
        var files = Directory.GetFiles(Images).Where(ImageLoader.IsImageFile).OrderBy(f => f, StringComparer.Ordinal).ToArray();
        var result = new (string, int)[files.Length];
        for (int i = 0; i < files.Length; i++)
        {
            var input = model.Inputs[0];
            ClassifierInput.Prepare(ImageLoader.Load(files[i]), input.Shape[2], input.Shape[1], model.Metadata.Preprocessing.ResizeShorterSide).CopyTo(interpreter.Input(0).Bytes);
            interpreter.Invoke();
            scores.Update(interpreter.Output(0));
            scores.Top(best);
            result[i] = (Path.GetFileName(files[i]), best[0]);
        }
        return result;
    }

    private static (string source, int top)[] BoardTop1(string camera)
    {
        var model = EmbeddedModel.Load(BundledModel);
        using var classifier = new FrameClassifier(model, threads: 1);
        using var source = CameraSpec.Open(camera, out long count);
        var output = new StringWriter();
        Commands.RunCommand.Run(classifier, source, count, 2, json: true, output, CancellationToken.None);
        return output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            Assert.AreEqual(2, root.GetProperty("top").GetArrayLength());
            foreach (var key in new[] { "capture", "preprocess", "infer" }) Assert.IsTrue(root.GetProperty("ms").GetProperty(key).GetDouble() >= 0);
            return (root.GetProperty("source").GetString()!, root.GetProperty("top")[0].GetProperty("index").GetInt32());
        }).ToArray();
    }

    [TestMethod]
    public void SimArduCam_Jpeg_GivesTheSameTop1AsTheFiles()
    {
        var expected = FilesTop1.Value;
        var board = BoardTop1("sim-arducam:" + Images);
        Assert.AreEqual(200, expected.Length);
        CollectionAssert.AreEqual(expected, board, "JPEG frames carry the files' bytes: every image must agree");
    }

    /// <summary>The true class of each dev image (manifest.csv), in the model's numbering (1000 or 1001 classes).</summary>
    private static int[] Truth(int classes)
    {
        var lines = File.ReadAllLines(Path.Combine(Images, "manifest.csv")).Skip(1).Select(l => l.Split(','))
            .ToDictionary(c => c[0], c => int.Parse(classes == 1001 ? c[3] : c[2], System.Globalization.CultureInfo.InvariantCulture));
        return FilesTop1.Value.Select(e => lines[e.file]).ToArray();
    }

    /// <summary>
    /// The OV7670's RGB565 and YUYV frames lose information by design (5–6 bits per channel; chroma shared by two
    /// pixels; images framed to the sensor), so per-image agreement with the files is not the measure: top-1 accuracy
    /// against the labels through the sensor path must stay within 2 points of the file path's.
    /// </summary>
    [TestMethod]
    [DataRow("rgb565")]
    [DataRow("yuyv")]
    public void SimOv7670_Top1Accuracy_IsWithinTwoPointsOfTheFiles(string format)
    {
        var expected = FilesTop1.Value;
        var board = BoardTop1("sim-ov7670:" + Images + "," + format);
        CollectionAssert.AreEqual(expected.Select(e => e.file).ToArray(), board.Select(b => b.source).ToArray());
        var truth = Truth(EmbeddedModel.Load(BundledModel).Outputs[0].Shape[^1]);
        double files = 100.0 * expected.Where((e, i) => e.top == truth[i]).Count() / expected.Length;
        double sensor = 100.0 * board.Where((b, i) => b.top == truth[i]).Count() / board.Length;
        int agree = expected.Zip(board).Count(p => p.First.top == p.Second.top);
        Console.WriteLine($"{format} through the emulated OV7670: top-1 {sensor:F1} % (files {files:F1} %); the same answer as the file on {agree}/{expected.Length} images");
        Assert.IsTrue(Math.Abs(sensor - files) <= 2.0, $"top-1 {sensor:F1} % through the sensor vs {files:F1} % from the files");
    }
}
