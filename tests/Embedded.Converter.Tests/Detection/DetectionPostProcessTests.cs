using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Embedded.Converter.Graph;
using Embedded.Converter.Quantization;
using Embedded.Converter.Tests.Support;
using Embedded.Runtime.Kernels;
using Embedded.Runtime.Model;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Converter.Tests.Detection;

/// <summary>
/// The runtime's detection post-processing against plain re-implementations of the two specifications (torchvision's
/// SSD postprocess_detections; TFLite's detection_postprocess.cc), written here the obvious way: list filters and
/// stable LINQ sorts, the same float32 operations. Outputs must be equal, not close.
/// </summary>
[TestClass]
public sealed class DetectionPostProcessTests
{
    private static QuantizedInput Floats(float[] values, params int[] shape)
    {
        var bytes = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return new QuantizedInput(bytes, ElementType.Float32, shape, Array.Empty<int>());
    }

    private static (float[] boxes, float[] classes, float[] scores, float count) Run(float[] encodings, float[] scores, float[] anchors, int classesPerAnchor, DetectionPostProcessParams p)
    {
        int n = anchors.Length / 4, slots = p.DetectionSlots;
        var work = new DetectionWork(n, classesPerAnchor, Math.Min(p.MaxClassesPerDetection, p.NumClasses), slots, DetectionWork.Survivors(n, p));
        var boxes = new float[slots * 4]; var classes = new float[slots]; var outScores = new float[slots]; var count = new float[1];
        DetectionPostProcess.Reference(Floats(encodings, 1, n, 4), Floats(scores, 1, n, classesPerAnchor), Floats(anchors, n, 4), (1f, 1f, 1f),
            boxes, classes, outScores, count, p, work);
        return (boxes, classes, outScores, count[0]);
    }

    // ---- torchvision SSD ----------------------------------------------------------------------------------

    private sealed record Detection(int Anchor, int Label, float Score);

    /// <summary>torchvision's SSD.postprocess_detections, directly.</summary>
    private static (float[] boxes, float[] classes, float[] scores, float count) Torchvision(float[] rel, float[] logits, float[] anchors, int classes, DetectionPostProcessParams p)
    {
        int n = anchors.Length / 4;
        var probabilities = new float[n * classes];
        var decoded = new float[n * 4];
        for (int i = 0; i < n; i++)
        {
            var row = logits.Skip(i * classes).Take(classes).ToArray();
            float max = row.Max();
            var e = row.Select(v => MathF.Exp(v - max)).ToArray();
            float sum = 0;
            foreach (float v in e) sum += v;
            for (int c = 0; c < classes; c++) probabilities[i * classes + c] = e[c] / sum;
            float wa = anchors[i * 4 + 2] - anchors[i * 4], ha = anchors[i * 4 + 3] - anchors[i * 4 + 1];
            float cxa = anchors[i * 4] + 0.5f * wa, cya = anchors[i * 4 + 1] + 0.5f * ha;
            float dx = rel[i * 4] / 10f, dy = rel[i * 4 + 1] / 10f, dw = Math.Min(rel[i * 4 + 2] / 5f, p.LogScaleClip), dh = Math.Min(rel[i * 4 + 3] / 5f, p.LogScaleClip);
            float cx = dx * wa + cxa, cy = dy * ha + cya, w = MathF.Exp(dw) * wa, h = MathF.Exp(dh) * ha;
            float Clip(float v, float limit) => Math.Min(Math.Max(v, 0f), limit);
            decoded[i * 4] = Clip(cy - 0.5f * h, p.ImageHeight); decoded[i * 4 + 1] = Clip(cx - 0.5f * w, p.ImageWidth);
            decoded[i * 4 + 2] = Clip(cy + 0.5f * h, p.ImageHeight); decoded[i * 4 + 3] = Clip(cx + 0.5f * w, p.ImageWidth);
        }
        float Iou(int a, int b)
        {
            float areaA = (decoded[a * 4 + 2] - decoded[a * 4]) * (decoded[a * 4 + 3] - decoded[a * 4 + 1]);
            float areaB = (decoded[b * 4 + 2] - decoded[b * 4]) * (decoded[b * 4 + 3] - decoded[b * 4 + 1]);
            float ih = Math.Max(Math.Min(decoded[a * 4 + 2], decoded[b * 4 + 2]) - Math.Max(decoded[a * 4], decoded[b * 4]), 0f);
            float iw = Math.Max(Math.Min(decoded[a * 4 + 3], decoded[b * 4 + 3]) - Math.Max(decoded[a * 4 + 1], decoded[b * 4 + 1]), 0f);
            return ih * iw / (areaA + areaB - ih * iw);
        }
        var all = new List<Detection>();
        for (int label = 1; label < classes; label++)
        {
            var candidates = Enumerable.Range(0, n).Where(i => probabilities[i * classes + label] > p.ScoreThreshold)
                .OrderByDescending(i => probabilities[i * classes + label]).Take(p.CandidatesPerClass).ToList();
            var kept = new List<int>();
            foreach (int c in candidates)
                if (kept.All(k => !(Iou(k, c) > p.IouThreshold))) kept.Add(c);
            all.AddRange(kept.Select(k => new Detection(k, label, probabilities[k * classes + label])));
        }
        var best = all.OrderByDescending(d => d.Score).Take(p.MaxDetections).ToList();
        var boxes = new float[p.MaxDetections * 4]; var labels = new float[p.MaxDetections]; var scores = new float[p.MaxDetections];
        for (int k = 0; k < best.Count; k++)
        {
            int a = best[k].Anchor;
            boxes[k * 4] = decoded[a * 4] / p.ImageHeight; boxes[k * 4 + 1] = decoded[a * 4 + 1] / p.ImageWidth;
            boxes[k * 4 + 2] = decoded[a * 4 + 2] / p.ImageHeight; boxes[k * 4 + 3] = decoded[a * 4 + 3] / p.ImageWidth;
            labels[k] = best[k].Label; scores[k] = best[k].Score;
        }
        return (boxes, labels, scores, best.Count);
    }

    /// <summary>SSDLite320's float head outputs (ONNX Runtime's goldens) and its anchors, decoded and suppressed both ways.</summary>
    [TestMethod]
    public void TorchvisionStyle_EqualsTheReference_OnTheSsdLiteFixture()
    {
        var (shape, anchors) = NpyArray.ReadFloats(File.ReadAllBytes(SharedFixtures.Model("ssdlite320_mobilenet_v3_large.anchors_xyxy.npy")), "anchors");
        CollectionAssert.AreEqual(new[] { 3234, 4 }, shape);
        string folder = SharedFixtures.Fixture("golden", "ort-float", "ssdlite320_mobilenet_v3_large");
        // The random-weight head scores everything alike; a higher threshold as well as torchvision's own keeps the test quick.
        foreach (float threshold in new[] { 0.001f, 0.02f })
        foreach (string file in Directory.GetFiles(folder, "*.out0.f32").OrderBy(f => f, StringComparer.Ordinal))
        {
            var rel = SharedFixtures.ReadFloats(file);
            var logits = SharedFixtures.ReadFloats(file.Replace(".out0.", ".out1."));
            var p = DetectionHead.Torchvision(anchors, 91, 320, 320, scoreThreshold: threshold).Params;
            var expected = Torchvision(rel, logits, anchors, 91, p);
            var actual = Run(rel, logits, anchors, 91, p);
            Assert.AreEqual(expected.count, actual.count, $"{Path.GetFileName(file)} @ {threshold}: detections");
            CollectionAssert.AreEqual(expected.boxes, actual.boxes, $"{Path.GetFileName(file)} @ {threshold}: boxes");
            CollectionAssert.AreEqual(expected.classes, actual.classes, $"{Path.GetFileName(file)} @ {threshold}: classes");
            CollectionAssert.AreEqual(expected.scores, actual.scores, $"{Path.GetFileName(file)} @ {threshold}: scores");
            Console.WriteLine($"{Path.GetFileName(file)} @ {threshold}: {actual.count} detections, best {actual.scores[0]:F3} class {actual.classes[0]}");
        }
    }

    // ---- TFLite -------------------------------------------------------------------------------------------

    /// <summary>TFLite's decoding (double, rounded to float) and its fast and regular NMS, directly.</summary>
    private static (float[] boxes, float[] classes, float[] scores, float count) Tflite(float[] enc, float[] scores, float[] anchors, int withBackground, DetectionPostProcessParams p)
    {
        int n = anchors.Length / 4, offset = withBackground - p.NumClasses;
        var decoded = new float[n * 4];
        for (int i = 0; i < n; i++)
        {
            float yc = (float)((double)enc[i * 4] / p.YScale * anchors[i * 4 + 2] + anchors[i * 4]);
            float xc = (float)((double)enc[i * 4 + 1] / p.XScale * anchors[i * 4 + 3] + anchors[i * 4 + 1]);
            float hh = (float)(0.5 * Math.Exp((double)enc[i * 4 + 2] / p.HScale) * anchors[i * 4 + 2]);
            float hw = (float)(0.5 * Math.Exp((double)enc[i * 4 + 3] / p.WScale) * anchors[i * 4 + 3]);
            decoded[i * 4] = yc - hh; decoded[i * 4 + 1] = xc - hw; decoded[i * 4 + 2] = yc + hh; decoded[i * 4 + 3] = xc + hw;
        }
        float Iou(int a, int b)
        {
            float areaA = (decoded[a * 4 + 2] - decoded[a * 4]) * (decoded[a * 4 + 3] - decoded[a * 4 + 1]);
            float areaB = (decoded[b * 4 + 2] - decoded[b * 4]) * (decoded[b * 4 + 3] - decoded[b * 4 + 1]);
            if (areaA <= 0 || areaB <= 0) return 0f;
            float ih = Math.Max(Math.Min(decoded[a * 4 + 2], decoded[b * 4 + 2]) - Math.Max(decoded[a * 4], decoded[b * 4]), 0f);
            float iw = Math.Max(Math.Min(decoded[a * 4 + 3], decoded[b * 4 + 3]) - Math.Max(decoded[a * 4 + 1], decoded[b * 4 + 1]), 0f);
            return ih * iw / (areaA + areaB - ih * iw);
        }
        List<int> Suppress(Func<int, float> score, int max)
        {
            var kept = new List<int>();
            foreach (int c in Enumerable.Range(0, n).Where(i => score(i) >= p.ScoreThreshold).OrderByDescending(score))
            {
                if (kept.Count >= max) break;
                if (kept.All(k => !(Iou(k, c) > p.IouThreshold))) kept.Add(c);
            }
            return kept;
        }
        int slots = p.DetectionSlots;
        var boxes = new float[slots * 4]; var classes = new float[slots]; var outScores = new float[slots];
        float Score(int anchor, int cls) => scores[anchor * withBackground + cls + offset];
        int count;
        if (!p.UseRegularNms)
        {
            int categories = Math.Min(p.MaxClassesPerDetection, p.NumClasses);
            int[] Top(int a) => Enumerable.Range(0, p.NumClasses).OrderByDescending(c => Score(a, c)).Take(categories).ToArray();
            var selected = Suppress(a => Score(a, Top(a)[0]), p.MaxDetections);
            for (int k = 0; k < selected.Count; k++)
            {
                var top = Top(selected[k]);
                for (int col = 0; col < categories; col++)
                {
                    int slot = p.MaxClassesPerDetection * k + col;
                    Array.Copy(decoded, selected[k] * 4, boxes, slot * 4, 4);
                    classes[slot] = top[col];
                    outScores[slot] = Score(selected[k], top[col]);
                }
            }
            count = selected.Count;
        }
        else
        {
            var merged = new List<(int anchor, int cls, float score)>();
            for (int cls = 0; cls < p.NumClasses; cls++)
                merged = merged.Concat(Suppress(a => Score(a, cls), p.DetectionsPerClass).Select(a => (a, cls, Score(a, cls))))
                    .OrderByDescending(d => d.Item3).Take(p.MaxDetections).ToList();
            for (int k = 0; k < merged.Count; k++)
            {
                Array.Copy(decoded, merged[k].anchor * 4, boxes, k * 4, 4);
                classes[k] = merged[k].cls;
                outScores[k] = merged[k].score;
            }
            count = merged.Count;
        }
        return (boxes, classes, outScores, count);
    }

    [TestMethod]
    public void TfliteStyle_FastAndRegularNms_EqualTheReference_OnRandomHeads()
    {
        var r = new Random(61);
        for (int i = 0; i < 60; i++)
        {
            int n = r.Next(1, 200), classes = r.Next(1, 12), background = r.Next(2);
            var anchors = Enumerable.Range(0, n).SelectMany(_ => new[] { (float)r.NextDouble(), (float)r.NextDouble(), 0.05f + (float)r.NextDouble() * 0.4f, 0.05f + (float)r.NextDouble() * 0.4f }).ToArray();
            var encodings = Enumerable.Range(0, n * 4).Select(_ => (float)(r.NextDouble() * 4 - 2)).ToArray();
            // Scores on a coarse grid: ties between anchors and classes are common.
            var scores = Enumerable.Range(0, n * (classes + background)).Select(_ => r.Next(0, 20) / 20f).ToArray();
            var p = new DetectionPostProcessParams
            {
                MaxDetections = r.Next(1, 15), MaxClassesPerDetection = r.Next(1, 4), DetectionsPerClass = r.Next(1, 20), UseRegularNms = i % 2 == 1,
                ScoreThreshold = r.Next(0, 10) / 20f, IouThreshold = 0.2f + (float)r.NextDouble() * 0.7f, NumClasses = classes,
                YScale = 10, XScale = 10, HScale = 5, WScale = 5,
            };
            if (p.UseRegularNms) p = new DetectionPostProcessParams
            {
                MaxDetections = p.MaxDetections, MaxClassesPerDetection = 1, DetectionsPerClass = p.DetectionsPerClass, UseRegularNms = true,
                ScoreThreshold = p.ScoreThreshold, IouThreshold = p.IouThreshold, NumClasses = classes, YScale = 10, XScale = 10, HScale = 5, WScale = 5,
            };
            var expected = Tflite(encodings, scores, anchors, classes + background, p);
            var actual = Run(encodings, scores, anchors, classes + background, p);
            string what = $"case {i} ({(p.UseRegularNms ? "regular" : "fast")}, {n} anchors, {classes}+{background} classes, {p.MaxClassesPerDetection} per detection)";
            Assert.AreEqual(expected.count, actual.count, what + ": count");
            CollectionAssert.AreEqual(expected.boxes, actual.boxes, what + ": boxes");
            CollectionAssert.AreEqual(expected.classes, actual.classes, what + ": classes");
            CollectionAssert.AreEqual(expected.scores, actual.scores, what + ": scores");
        }
    }
}
