using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using Embedded.Boards.Frames;
using Embedded.Converter.Tests.Support;
using Embedded.Imaging;
using Embedded.Runtime.Building;
using Embedded.Runtime.Execution;
using Embedded.Runtime.Format;
using Embedded.Runtime.Model;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Firmware.Tests;

/// <summary>
/// emb-board run with a detection model and a segmentation model (told by their outputs): per frame JSON with the
/// detections / class shares the model gives for the whole frame scaled to its input, the same as running it directly.
/// </summary>
[TestClass]
public sealed class TaskRunTests
{
    private static string Work(string name)
    {
        string path = Path.Combine(Path.GetTempPath(), $"emb-board-task-{Environment.ProcessId}-{name}");
        Directory.CreateDirectory(path);
        return path;
    }

    private static string Images()
    {
        string dir = Work("images");
        foreach (string f in Directory.GetFiles(SharedFixtures.Fixture("images", "imagenet-dev"), "*.JPEG").OrderBy(f => f, StringComparer.Ordinal).Take(3))
            File.Copy(f, Path.Combine(dir, Path.GetFileName(f)), overwrite: true);
        return dir;
    }

    /// <summary>Pixels [1,6,8,3] read as 36 boxes of 4: their own encodings and scores (3 classes + background), fixed anchors.</summary>
    private static string DetectionModel(string dir)
    {
        var b = new ModelBuilder();
        var q = QuantizationParams.PerTensor(0.02f, 128);
        int pixels = b.AddInput("pixels", ElementType.UInt8, new[] { 1, 6, 8, 3 }, q);
        int heads = b.AddActivation("heads", ElementType.UInt8, new[] { 1, 36, 4 }, q);
        b.AddOperator(OperatorCode.Reshape, "heads", new[] { pixels }, new[] { heads }, NoParams.Instance);
        var anchors = Enumerable.Range(0, 36).SelectMany(i => new[] { (i / 6 + 0.5f) / 6, (i % 6 + 0.5f) / 6, 0.3f, 0.3f }).ToArray();
        var bytes = new byte[anchors.Length * 4];
        Buffer.BlockCopy(anchors, 0, bytes, 0, bytes.Length);
        int anchorTensor = b.AddConstant("anchors", ElementType.Float32, new[] { 36, 4 }, null, bytes);
        var p = new DetectionPostProcessParams { MaxDetections = 5, MaxClassesPerDetection = 1, NumClasses = 3, ScoreThreshold = 0.5f, IouThreshold = 0.5f };
        var outputs = new[]
        {
            b.AddActivation("boxes", ElementType.Float32, new[] { 1, 5, 4 }, null), b.AddActivation("classes", ElementType.Float32, new[] { 1, 5 }, null),
            b.AddActivation("scores", ElementType.Float32, new[] { 1, 5 }, null), b.AddActivation("count", ElementType.Float32, new[] { 1 }, null),
        };
        b.AddOperator(OperatorCode.DetectionPostProcess, "detect", new[] { heads, heads, anchorTensor }, outputs, p);
        foreach (int o in outputs) b.MarkOutput(o);
        string path = Path.Combine(dir, "detect.emb");
        File.WriteAllBytes(path, ModelWriter.Write(b.Build(new ModelMetadata { Name = "tiny-detect", Labels = new[] { "red", "green", "blue" } })));
        return path;
    }

    /// <summary>Pixels [1,5,7,3] → ArgMax over R, G, B: each pixel's dominant colour channel as its class.</summary>
    private static string SegmentationModel(string dir)
    {
        var b = new ModelBuilder();
        int pixels = b.AddInput("pixels", ElementType.UInt8, new[] { 1, 5, 7, 3 }, QuantizationParams.PerTensor(1f, 0));
        int map = b.AddActivation("map", ElementType.Int64, new[] { 1, 5, 7 }, null);
        b.AddOperator(OperatorCode.ArgMax, "argmax", new[] { pixels }, new[] { map }, NoParams.Instance);
        b.MarkOutput(map);
        string path = Path.Combine(dir, "segment.emb");
        File.WriteAllBytes(path, ModelWriter.Write(b.Build(new ModelMetadata { Name = "tiny-segment", Labels = new[] { "red", "green", "blue" } })));
        return path;
    }

    /// <summary>What the model gives for an image file scaled whole to its input.</summary>
    private static Interpreter RunDirectly(string model, string image)
    {
        var m = EmbeddedModel.Load(model);
        var interpreter = m.CreateInterpreter();
        ClassifierInput.Stretch(ImageLoader.Load(image), m.Inputs[0].Shape[2], m.Inputs[0].Shape[1]).CopyTo(interpreter.Input(0).Bytes);
        interpreter.Invoke();
        return interpreter;
    }

    [TestMethod]
    public void Run_WithADetectionModel_PrintsEachFramesDetections()
    {
        string dir = Work("detect"), images = Images(), model = DetectionModel(dir);
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.AreEqual(0, Program.Run(new[] { "run", "--model", model, "--camera", "files:" + images, "--json", "--min-score", "0" }, output, error, CancellationToken.None), error.ToString());
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var files = Directory.GetFiles(images).OrderBy(f => f, StringComparer.Ordinal).ToArray();
        Assert.HasCount(files.Length, lines);
        // Two inference threads give the same detections (the post-processing's working memory is every thread's).
        var threaded = new StringWriter();
        Assert.AreEqual(0, Program.Run(new[] { "run", "--model", model, "--camera", "files:" + images, "--json", "--min-score", "0", "--threads", "2" }, threaded, error, CancellationToken.None), error.ToString());
        var threadedLines = threaded.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < lines.Length; i++)
        {
            using var json = JsonDocument.Parse(lines[i]);
            var detections = json.RootElement.GetProperty("detections").EnumerateArray().ToArray();
            using var again = JsonDocument.Parse(threadedLines[i]);
            Assert.AreEqual(json.RootElement.GetProperty("detections").GetRawText(), again.RootElement.GetProperty("detections").GetRawText(), "two threads");
            using var direct = RunDirectly(model, files[i]);
            int count = (int)direct.Output(3).AsSpan<float>()[0];
            Assert.HasCount(count, detections, Path.GetFileName(files[i]));
            for (int k = 0; k < count; k++)
            {
                Assert.AreEqual(direct.Output(2).AsSpan<float>()[k], detections[k].GetProperty("score").GetSingle());
                int cls = (int)direct.Output(1).AsSpan<float>()[k];
                Assert.AreEqual(new[] { "red", "green", "blue" }[cls], detections[k].GetProperty("label").GetString());
                var box = detections[k].GetProperty("box").EnumerateArray().Select(v => v.GetSingle()).ToArray();
                CollectionAssert.AreEqual(direct.Output(0).AsSpan<float>().Slice(4 * k, 4).ToArray(), box);
            }
        }
    }

    [TestMethod]
    public void Run_WithASegmentationModel_PrintsEachFramesClassShares()
    {
        string dir = Work("segment"), images = Images(), model = SegmentationModel(dir);
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.AreEqual(0, Program.Run(new[] { "run", "--model", model, "--camera", "files:" + images, "--json" }, output, error, CancellationToken.None), error.ToString());
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var files = Directory.GetFiles(images).OrderBy(f => f, StringComparer.Ordinal).ToArray();
        Assert.HasCount(files.Length, lines);
        for (int i = 0; i < lines.Length; i++)
        {
            using var json = JsonDocument.Parse(lines[i]);
            using var direct = RunDirectly(model, files[i]);
            var counts = direct.Output(0).AsSpan<long>().ToArray().GroupBy(c => c).ToDictionary(g => (int)g.Key, g => g.Count());
            var expected = counts.Where(kv => kv.Value * 100 >= 35).OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).ToArray();
            var classes = json.RootElement.GetProperty("classes").EnumerateArray().ToArray();
            Assert.HasCount(expected.Length, classes, Path.GetFileName(files[i]));
            for (int k = 0; k < expected.Length; k++)
            {
                Assert.AreEqual(expected[k].Key, classes[k].GetProperty("class").GetInt32());
                Assert.AreEqual(Math.Round(expected[k].Value / 35.0, 4), classes[k].GetProperty("share").GetDouble(), 1e-12);
            }
        }
    }
}
