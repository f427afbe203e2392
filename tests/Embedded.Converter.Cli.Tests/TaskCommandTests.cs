using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Embedded.Converter.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using static Embedded.Converter.Cli.Tests.Support.EmbCli;

namespace Embedded.Converter.Cli.Tests;

/// <summary>emb detect and emb segment on the trained TFLite models: JSON that matches TFLite's outputs, and pictures.</summary>
[TestClass]
public sealed class TaskCommandTests
{

    private static string Work(string name)
    {
        string path = Path.Combine(Path.GetTempPath(), $"emb-task-{Environment.ProcessId}-{name}");
        Directory.CreateDirectory(path);
        return path;
    }

    private static string Convert(string model, string labels, string dir)
    {
        string emb = Path.Combine(dir, model + ".emb");
        var convert = Emb("convert", SharedFixtures.Model(model + ".tflite"), "-o", emb, "--labels", SharedFixtures.Fixture("labels", labels));
        Assert.AreEqual(0, convert.code, convert.error);
        return emb;
    }

    [TestMethod]
    public void Detect_ReportsTflitesBoxesWithLabels_AndDrawsThem()
    {
        string dir = Work("detect");
        string emb = Convert("coco_ssd_mobilenet_v1_1.0_quant", "coco_ssd_labelmap.txt", dir);
        string name = "n01440764_tench";
        string png = Path.Combine(dir, "tench.png");
        var detect = Emb("detect", emb, "--image", SharedFixtures.Fixture("golden", "inputs-300", name + ".u8"), "--min-score", "0.2", "--annotate", png);
        Assert.AreEqual(0, detect.code, detect.error);
        using var json = JsonDocument.Parse(detect.output);
        var detections = json.RootElement.GetProperty("detections").EnumerateArray().ToArray();
        string golden = SharedFixtures.Fixture("golden", "tflite-builtin", "coco_ssd_mobilenet_v1_1.0_quant");
        var boxes = SharedFixtures.ReadFloats(Path.Combine(golden, name + ".out0.f32"));
        var classes = SharedFixtures.ReadFloats(Path.Combine(golden, name + ".out1.f32"));
        var scores = SharedFixtures.ReadFloats(Path.Combine(golden, name + ".out2.f32"));
        var labels = File.ReadAllLines(SharedFixtures.Fixture("labels", "coco_ssd_labelmap.txt"));
        var expected = Enumerable.Range(0, scores.Length).Where(k => scores[k] >= 0.2f).ToArray();
        Assert.HasCount(expected.Length, detections, "every TFLite detection scoring ≥ 0.2");
        for (int i = 0; i < expected.Length; i++)
        {
            int k = expected[i];
            Assert.AreEqual((int)classes[k], detections[i].GetProperty("class").GetInt32());
            Assert.AreEqual(labels[(int)classes[k]], detections[i].GetProperty("label").GetString());
            Assert.AreEqual(Math.Round(scores[k], 4), detections[i].GetProperty("score").GetDouble(), 1e-9);
            Assert.AreEqual(Math.Round(boxes[4 * k + 1], 4), detections[i].GetProperty("box").GetProperty("xmin").GetDouble(), 1e-9);
            Assert.AreEqual(Math.Round(boxes[4 * k + 2], 4), detections[i].GetProperty("box").GetProperty("ymax").GetDouble(), 1e-9);
        }
        var picture = Embedded.Imaging.ImageLoader.Load(png);
        Assert.AreEqual(300, picture.Width);
        // Boxes were drawn: the picture differs from the input pixels.
        Assert.IsFalse(picture.Pixels.SequenceEqual(File.ReadAllBytes(SharedFixtures.Fixture("golden", "inputs-300", name + ".u8"))));
    }

    [TestMethod]
    public void Segment_ReportsPixelSharesOfTflitesClassMap_AndBlendsTheMask()
    {
        string dir = Work("segment");
        string emb = Convert("deeplabv3_mnv2_dm05_pascal_quant", "pascal_voc21.txt", dir);
        string name = "n01440764_tench";
        string png = Path.Combine(dir, "tench.png");
        var segment = Emb("segment", emb, "--image", SharedFixtures.Fixture("golden", "inputs-513", name + ".u8"), "--annotate", png);
        Assert.AreEqual(0, segment.code, segment.error);
        var golden = File.ReadAllBytes(SharedFixtures.Fixture("golden", "tflite-builtin", "deeplabv3_mnv2_dm05_pascal_quant", name + ".i64"));
        var counts = Enumerable.Range(0, golden.Length / 8).GroupBy(p => BitConverter.ToInt64(golden, 8 * p)).ToDictionary(g => (int)g.Key, g => g.Count());
        using var json = JsonDocument.Parse(segment.output);
        var classes = json.RootElement.GetProperty("classes").EnumerateArray().ToArray();
        Assert.HasCount(counts.Count, classes);
        var labels = File.ReadAllLines(SharedFixtures.Fixture("labels", "pascal_voc21.txt"));
        foreach (var c in classes)
        {
            int cls = c.GetProperty("class").GetInt32();
            Assert.AreEqual(Math.Round((double)counts[cls] / (513 * 513), 4), c.GetProperty("share").GetDouble(), 1e-9, $"class {cls}");
            Assert.AreEqual(labels[cls], c.GetProperty("label").GetString());
        }
        Assert.AreEqual(513, Embedded.Imaging.ImageLoader.Load(png).Height);
    }

    [TestMethod]
    public void TaskCommands_RefuseModelsOfAnotherTask_AndBadTargets_BeforeWork()
    {
        string dir = Work("refuse");
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Embedded.sln"))) root = root.Parent;
        string classifier = Path.Combine(root!.FullName, "firmware", "samples", "models", "mobilenet_v3_small_int8.emb");
        string image = SharedFixtures.Fixture("images", "imagenet-dev", "n01440764_tench.JPEG");
        var wrongTarget = Emb("detect", classifier, "--image", image, "--annotate", Path.Combine(dir, "out.jpg"));
        Assert.AreEqual(2, wrongTarget.code, wrongTarget.error);
        StringAssert.Contains(wrongTarget.error, ".png");
        var both = Emb("segment", classifier, "--image", image, "--images", dir);
        Assert.AreEqual(2, both.code, both.error);
        var notDetector = Emb("detect", classifier, "--image", image);
        Assert.AreEqual(2, notDetector.code, notDetector.error);
        StringAssert.Contains(notDetector.error, "not a detection model");
        var notSegmenter = Emb("segment", classifier, "--image", image);
        Assert.AreEqual(2, notSegmenter.code, notSegmenter.error);
        StringAssert.Contains(notSegmenter.error, "not a segmentation model");
        var notOnnx = Emb("detect", SharedFixtures.Model("squeezenet1_1.onnx"), "--image", image);
        Assert.AreEqual(2, notOnnx.code, notOnnx.error);
        StringAssert.Contains(notOnnx.error, "convert it first");
    }
}
