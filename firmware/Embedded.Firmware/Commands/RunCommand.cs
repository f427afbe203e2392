using System;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using Embedded.Boards.Cameras;
using Embedded.Firmware.Cameras;
using Embedded.Firmware.Classification;
using Embedded.Firmware.Outputs;
using Embedded.Runtime.Execution;

using Embedded.Firmware.CommandLine;

namespace Embedded.Firmware.Commands;

/// <summary>
/// `emb-board run --model M.emb --camera SPEC [--frames N] [--top K] [--threads T] [--json]`: classify camera frames
/// until N frames (default: one pass over a folder's images; endless for live cameras) or Ctrl+C / SIGTERM.
/// </summary>
internal static class RunCommand
{
    public static readonly TimeSpan CaptureTimeout = TimeSpan.FromSeconds(5);

    public static Command Create(TextWriter output, TextWriter error, CancellationToken stop)
    {
        var model = new Option<FileInfo>("--model") { Description = "The .emb model", Required = true };
        var camera = new Option<string>("--camera") { Description = "files:DIR, sim-arducam:DIR[,realtime], sim-ov7670:DIR[,realtime][,rgb565|yuyv], v4l2:/dev/videoN[,WxH][,yuyv|mjpeg]", Required = true };
        var frames = new Option<long?>("--frames") { Description = "Frames to classify (default: each image once for folder cameras, endless otherwise)" }.InRange(1);
        var top = new Option<int>("--top") { Description = "Classes to print per frame", DefaultValueFactory = _ => 3 }.InRange(1);
        var threads = new Option<int>("--threads") { Description = "Inference threads", DefaultValueFactory = _ => 1 }.InRange(1, 256);
        var json = new Option<bool>("--json") { Description = "One JSON object per frame" };
        var labels = new Option<FileInfo?>("--labels") { Description = "Class names, one per line (default: the model's own)" };
        var minScore = new Option<float>("--min-score") { Description = "Detection models: report detections scoring at least this", DefaultValueFactory = _ => 0.5f };
        var on = new Option<string[]>("--on") { Description = "Drive a GPIO pin while a class scores above a threshold: " + TriggerRule.Syntax + " (repeatable)" };
        var stats = new Option<int>("--stats") { Description = "Every N frames, one JSON line on stderr: managed heap, GC counts, working set, threads, handles (0: none)" }.InRange(0);
        var display = new Option<string?>("--display") { Description = "Show the top class on a character LCD or an OLED: " + DisplaySpec.Syntax };
        var command = new Command("run", "Classify camera frames (or detect objects, or segment, as the model's outputs say)") { model, camera, frames, top, threads, json, labels, minScore, on, display, stats };
        command.SetAction(parse => BoardErrors.Guard(error, () =>
        {
            var m = EmbeddedModel.Load(parse.GetValue(model)!.FullName);
            var labelFile = parse.GetValue(labels);
            var task = FrameAnalyzer.TaskOf(m);
            if (task != FrameTask.Classification)
            {
                if ((parse.GetValue(on) ?? Array.Empty<string>()).Length > 0 || parse.GetValue(display) is not null)
                    throw new ArgumentException($"--on and --display act on class scores: this is a {task.ToString().ToLowerInvariant()} model, not a classifier");
                float threshold = parse.GetValue(minScore);
                if (!(threshold >= 0 && threshold <= 1)) throw new ArgumentOutOfRangeException("--min-score", $"--min-score {threshold} must lie in [0, 1]");
                using var analyzer = new FrameAnalyzer(m, task, parse.GetValue(threads), labelFile is null ? null : LabelFile.Read(labelFile.FullName));
                using var frames2 = CameraSpec.Open(parse.GetValue(camera)!, out long count);
                return RunTask(analyzer, frames2, parse.GetValue(frames) ?? count, threshold, parse.GetValue(json), output, stop, error);
            }
            using var classifier = new FrameClassifier(m, parse.GetValue(threads), labelFile is null ? null : LabelFile.Read(labelFile.FullName, m.Outputs[0].ElementCount));
            // Output rules are checked (labels found) before the camera and the pins open.
            var rules = Array.ConvertAll(parse.GetValue(on) ?? Array.Empty<string>(), TriggerRule.Parse);
            var classes = Array.ConvertAll(rules, r => r.Resolve(classifier.Labels, m.Outputs[0].ElementCount));
            for (int i = 1; i < rules.Length; i++)
                if (Array.FindIndex(rules, 0, i, r => r.Pin == rules[i].Pin) >= 0) throw new ArgumentException($"--on: gpio={rules[i].Pin} is driven by two rules");
            string? displaySpec = parse.GetValue(display);
            if (displaySpec is not null) DisplaySpec.Parse(displaySpec);
            using var source = CameraSpec.Open(parse.GetValue(camera)!, out long scenes);
            using var pins = rules.Length == 0 && displaySpec is null ? null : WiredCameras.BusProvider(Embedded.Boards.RaspberryPi.PiGpioDriver.Auto, 0);
            var screen = displaySpec is null ? null : DisplaySpec.Open(displaySpec, pins as Embedded.Boards.RaspberryPi.RaspberryPiBuses
                ?? throw new NotSupportedException("--display: this board's buses have no I2C display"));
            var gpio = rules.Length == 0 ? null : pins!.OpenGpio();
            var triggers = new PinTrigger[rules.Length];
            for (int i = 0; i < rules.Length; i++) triggers[i] = new PinTrigger(rules[i], classes[i], gpio!);
            long limit = parse.GetValue(frames) ?? scenes;
            return Run(classifier, source, limit, Math.Min(parse.GetValue(top), m.Outputs[0].ElementCount), parse.GetValue(json), output, stop, triggers, screen, error, parse.GetValue(stats));
        }));
        return command;
    }

    internal static int Run(FrameClassifier classifier, Boards.Frames.IFrameSource source, long limit, int k, bool json, TextWriter output, CancellationToken stop,
        PinTrigger[]? triggers = null, Embedded.Boards.Hardware.ITextDisplay? display = null, TextWriter? warnings = null, long statsEvery = 0)
    {
        var unreadable = new UnreadableFrames(warnings ?? TextWriter.Null);
        var statistics = new RunStatistics(statsEvery, warnings ?? TextWriter.Null);
        triggers ??= Array.Empty<PinTrigger>();
        Span<char> text = stackalloc char[32];
        Span<int> best = stackalloc int[Math.Min(k, 64)];
        var line = new StringBuilder(256);
        source.Start();
        if (!json) output.WriteLine($"camera {source.Name}; model {classifier.Model.Metadata.Name}, {classifier.Interpreter.Path} kernels, {classifier.Interpreter.Threads} thread(s)");
        var total = Stopwatch.StartNew();
        long frame = 0;
        try
        {
            for (; frame < limit && !stop.IsCancellationRequested; frame++)
            {
                long start = Stopwatch.GetTimestamp();
                Boards.Frames.Frame? captured = null;
                int n;
                double captureMs;
                try
                {
                    captured = source.Capture(CaptureTimeout, stop);
                    captureMs = (Stopwatch.GetTimestamp() - start) * 1000.0 / Stopwatch.Frequency;
                    n = classifier.Classify(captured, best);
                }
                catch (Embedded.Imaging.ImageFormatException e) { unreadable.Skip(frame, captured?.Source ?? "", e); continue; }
                unreadable.Decoded();
                // The pins follow this frame's scores before its line is written, so the line shows them as they are.
                ulong changed = 0;   // one bit per rule: at most 64, one per pin below 64
                for (int t = 0; t < triggers.Length; t++) if (triggers[t].Update(classifier.Scores[triggers[t].ClassIndex], total.Elapsed)) changed |= 1UL << t;
                line.Clear();
                if (json) WriteJson(line, frame, captured.Source, best.Slice(0, n), classifier, captureMs, triggers);
                else
                {
                    WriteText(line, frame, captured.Source, best.Slice(0, n), classifier, captureMs, (frame + 1) / total.Elapsed.TotalSeconds);
                    for (int t = 0; t < triggers.Length; t++)
                        if ((changed & 1UL << t) != 0)
                            line.Append("gpio ").Append(triggers[t].Rule.Pin.ToString(CultureInfo.InvariantCulture)).Append(triggers[t].Active ? " on: " : " off: ")
                                .Append(triggers[t].Rule.Label).Append(' ').Append(classifier.Scores[triggers[t].ClassIndex].ToString("F3", CultureInfo.InvariantCulture)).Append('\n');
                }
                output.Write(line);
                output.Flush();
                if (display is not null) Show(display, classifier, best.Slice(0, n), (frame + 1) / total.Elapsed.TotalSeconds, text);
                statistics.After(frame);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
        finally
        {
            source.Stop();
            foreach (var trigger in triggers) trigger.Release();
        }
        unreadable.CheckAnyDecoded(frame);
        if (!json)
        {
            var inv = CultureInfo.InvariantCulture;
            long managed = GC.GetTotalMemory(forceFullCollection: true);
            using var process = Process.GetCurrentProcess();
            output.WriteLine($"{frame} frames{(unreadable.Skipped > 0 ? $" ({unreadable.Skipped} unreadable, skipped)" : "")} in {total.Elapsed.TotalSeconds.ToString("F1", inv)} s; managed heap {(managed / 1048576.0).ToString("F1", inv)} MB, peak working set {(process.PeakWorkingSet64 / 1048576.0).ToString("F0", inv)} MB");
        }
        return BoardErrors.Ok;
    }

    /// <summary>The detection / segmentation loop: one line (text) or JSON object per frame with what the frame holds.</summary>
    internal static int RunTask(FrameAnalyzer analyzer, Boards.Frames.IFrameSource source, long limit, float minScore, bool json, TextWriter output, CancellationToken stop, TextWriter? warnings = null)
    {
        var unreadable = new UnreadableFrames(warnings ?? TextWriter.Null);
        var inv = CultureInfo.InvariantCulture;
        var line = new StringBuilder(512);
        source.Start();
        if (!json) output.WriteLine($"camera {source.Name}; model {analyzer.Model.Metadata.Name} ({analyzer.Task.ToString().ToLowerInvariant()}), {analyzer.Interpreter.Path} kernels, {analyzer.Interpreter.Threads} thread(s)");
        long frame = 0;
        try
        {
            for (; frame < limit && !stop.IsCancellationRequested; frame++)
            {
                Boards.Frames.Frame? captured = null;
                try
                {
                    captured = source.Capture(CaptureTimeout, stop);
                    analyzer.Analyze(captured);
                }
                catch (Embedded.Imaging.ImageFormatException e) { unreadable.Skip(frame, captured?.Source ?? "", e); continue; }
                unreadable.Decoded();
                line.Clear();
                if (json) { line.Append("{\"frame\":").Append(inv, $"{frame}").Append(",\"source\":"); JsonText.AppendString(line, captured.Source); }
                else line.Append("frame ").Append(inv, $"{frame}").Append("  ").Append(captured.Source.Length > 0 ? captured.Source : "-")
                    .Append("  infer ").Append(inv, $"{analyzer.InferMs:F1}").Append(" ms\n");
                if (analyzer.Task == FrameTask.Detection) AppendDetections(line, analyzer, minScore, json);
                else AppendShares(line, analyzer, json);
                if (json) line.Append(",\"ms\":{\"preprocess\":").Append(inv, $"{analyzer.PreprocessMs:F3}").Append(",\"infer\":").Append(inv, $"{analyzer.InferMs:F3}").Append("}}\n");
                output.Write(line);
                output.Flush();
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
        finally
        {
            source.Stop();
        }
        unreadable.CheckAnyDecoded(frame);
        return BoardErrors.Ok;
    }

    private static void AppendDetections(StringBuilder s, FrameAnalyzer a, float minScore, bool json)
    {
        var inv = CultureInfo.InvariantCulture;
        if (json) s.Append(",\"detections\":[");
        bool first = true;
        for (int k = 0; k < a.DetectionCount; k++)
        {
            var (cls, score, ymin, xmin, ymax, xmax) = a.Detection(k);
            if (score < minScore) continue;
            if (json)
            {
                if (!first) s.Append(',');
                s.Append("{\"class\":").Append(inv, $"{cls}").Append(",\"label\":");
                JsonText.AppendString(s, a.Label(cls));
                s.Append(",\"score\":").Append(inv, $"{score:R}").Append(",\"box\":[").Append(inv, $"{ymin:R}").Append(',').Append(inv, $"{xmin:R}")
                 .Append(',').Append(inv, $"{ymax:R}").Append(',').Append(inv, $"{xmax:R}").Append("]}");
            }
            else s.Append("  ").Append(inv, $"{score:F3}").Append(' ').Append(inv, $"{cls,4}").Append("  ").Append(a.Label(cls))
                  .Append("  [").Append(inv, $"{xmin:F3}").Append(", ").Append(inv, $"{ymin:F3}").Append(", ").Append(inv, $"{xmax:F3}").Append(", ").Append(inv, $"{ymax:F3}").Append("]\n");
            first = false;
        }
        if (json) s.Append(']');
    }

    /// <summary>Classes covering at least 1 % of the map, largest first (a selection over the counts, no sorting buffer).</summary>
    private static void AppendShares(StringBuilder s, FrameAnalyzer a, bool json)
    {
        var inv = CultureInfo.InvariantCulture;
        if (json) s.Append(",\"classes\":[");
        var counts = a.PixelCounts;
        int pixels = a.MapPixels, previous = int.MaxValue, previousClass = -1;
        bool first = true;
        while (true)
        {
            int best = -1;
            for (int c = 0; c < counts.Length; c++)
                if ((counts[c] < previous || (counts[c] == previous && c > previousClass)) && (best < 0 || counts[c] > counts[best])) best = c;
            if (best < 0 || counts[best] * 100L < pixels) break;
            double share = (double)counts[best] / pixels;
            if (json)
            {
                if (!first) s.Append(',');
                s.Append("{\"class\":").Append(inv, $"{best}").Append(",\"label\":");
                JsonText.AppendString(s, a.Label(best));
                s.Append(",\"share\":").Append(inv, $"{Math.Round(share, 4):R}").Append('}');
            }
            else s.Append("  ").Append(share.ToString("P1", inv).PadLeft(7)).Append(' ').Append(inv, $"{best,4}").Append("  ").Append(a.Label(best)).Append('\n');
            first = false;
            previous = counts[best];
            previousClass = best;
        }
        if (json) s.Append(']');
    }

    private static void WriteText(StringBuilder s, long frame, string source, ReadOnlySpan<int> best, FrameClassifier c, double captureMs, double fps)
    {
        var inv = CultureInfo.InvariantCulture;
        s.Append("frame ").Append(inv, $"{frame}").Append("  ").Append(source.Length > 0 ? source : "-")
         .Append("  capture ").Append(inv, $"{captureMs:F1}").Append(" ms  preprocess ").Append(inv, $"{c.PreprocessMs:F1}")
         .Append(" ms  infer ").Append(inv, $"{c.InferMs:F1}").Append(" ms  ").Append(inv, $"{fps:F1}").Append(" fps\n");
        foreach (int i in best)
            s.Append("  ").Append(inv, $"{c.Scores[i]:F3}").Append(' ').Append(inv, $"{i,5}").Append("  ").Append(c.Label(i)).Append('\n');
    }

    /// <summary>
    /// The display: the best class's first name, then its score and the frame rate (on a 20×4, the second class too).
    /// Formatted into <paramref name="text"/>, so a frame allocates nothing here.
    /// </summary>
    private static void Show(Embedded.Boards.Hardware.ITextDisplay display, FrameClassifier c, ReadOnlySpan<int> best, double fps, Span<char> text)
    {
        var inv = CultureInfo.InvariantCulture;
        for (int k = 0; k < display.Rows / 2 && k < best.Length; k++)
        {
            string label = c.Label(best[k]);
            int comma = label.IndexOf(',');
            if (label.Length == 0)
            {
                // No labels: the class number, "#417".
                text[0] = '#';
                best[k].TryFormat(text.Slice(1), out int digits, default, inv);
                display.Show(2 * k, text.Slice(0, 1 + digits));
            }
            else display.Show(2 * k, comma > 0 ? label.AsSpan(0, comma) : label.AsSpan());
            c.Scores[best[k]].TryFormat(text, out int used, "F2", inv);
            if (k == 0)
            {
                " ".AsSpan().CopyTo(text.Slice(used++));
                fps.TryFormat(text.Slice(used), out int more, "F1", inv);
                used += more;
                " fps".AsSpan().CopyTo(text.Slice(used));
                used += 4;
            }
            display.Show(2 * k + 1, text.Slice(0, used));
        }
    }

    private static void WriteJson(StringBuilder s, long frame, string source, ReadOnlySpan<int> best, FrameClassifier c, double captureMs, PinTrigger[] triggers)
    {
        var inv = CultureInfo.InvariantCulture;
        s.Append("{\"frame\":").Append(inv, $"{frame}").Append(",\"source\":");
        JsonText.AppendString(s, source);
        s.Append(",\"top\":[");
        for (int j = 0; j < best.Length; j++)
        {
            if (j > 0) s.Append(',');
            s.Append("{\"index\":").Append(inv, $"{best[j]}").Append(",\"label\":");
            JsonText.AppendString(s, c.Label(best[j]));
            s.Append(",\"score\":").Append(inv, $"{c.Scores[best[j]]:R}").Append('}');
        }
        s.Append("],\"ms\":{\"capture\":").Append(inv, $"{captureMs:F3}").Append(",\"preprocess\":").Append(inv, $"{c.PreprocessMs:F3}")
         .Append(",\"infer\":").Append(inv, $"{c.InferMs:F3}").Append('}');
        if (triggers.Length > 0)
        {
            // Each rule's pin after this frame: "17":true while it drives its pin active.
            s.Append(",\"gpio\":{");
            for (int j = 0; j < triggers.Length; j++)
            {
                var t = triggers[j];
                if (j > 0) s.Append(',');
                s.Append('"').Append(inv, $"{t.Rule.Pin}").Append("\":").Append(t.Active ? "true" : "false");
            }
            s.Append('}');
        }
        s.Append("}\n");
    }
}
