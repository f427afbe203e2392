using System;
using System.CommandLine;
using System.IO;
using System.Text.Json;
using Embedded.Imaging;
using Embedded.Imaging.Drawing;
using Embedded.Runtime.Model;

namespace Embedded.Converter.Cli.Commands;

/// <summary>
/// `emb detect MODEL (--image FILE | --images DIR) [--min-score S] [--annotate OUT]`: a detection model's boxes as JSON
/// (label, score, box normalized and in the image's pixels), and optionally the image with the boxes drawn on it.
/// </summary>
internal static class DetectCommand
{
    public static Command Create(TextWriter output, TextWriter error, Option<bool> verbose)
    {
        var model = new Argument<FileInfo>("model") { Description = ".emb detection model (outputs: boxes, classes, scores, count)" };
        var image = new Option<FileInfo?>("--image") { Description = "One image" };
        var images = new Option<DirectoryInfo?>("--images") { Description = "Every image of a folder" };
        var minScore = new Option<float>("--min-score") { Description = "Report detections scoring at least this", DefaultValueFactory = _ => 0.5f };
        var labels = new Option<FileInfo?>("--labels") { Description = "Labels file (default: the model's own labels)" };
        var annotate = new Option<string?>("--annotate") { Description = "Write the image with its boxes: a .png file (--image) or a folder (--images)" };
        var command = new Command("detect", "Detect objects: boxes with labels and scores as JSON") { model, image, images, minScore, labels, annotate };
        command.SetAction(parse => CliErrors.Guard(error, parse.GetValue(verbose), () =>
        {
            float threshold = parse.GetValue(minScore);
            if (!(threshold >= 0 && threshold <= 1)) throw new ArgumentOutOfRangeException("--min-score", $"--min-score {threshold} must lie in [0, 1]");
            var files = TaskImages.Files(parse.GetValue(image), parse.GetValue(images));
            bool single = parse.GetValue(image) is not null;
            string? annotation = parse.GetValue(annotate);
            TaskImages.CheckAnnotationTarget(annotation, single);
            var detector = TaskImages.Open(parse.GetValue(model)!, "detect");
            CheckOutputs(detector);
            var names = TaskImages.Labels(parse.GetValue(labels), detector);

            using var stream = new MemoryStream();
            using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                if (!single) json.WriteStartArray();
                foreach (string file in files)
                {
                    var pixels = detector.LoadInput(file);
                    var picture = TaskImages.Picture(file, detector, pixels);
                    detector.Run(pixels);
                    var boxes = Floats(detector, 0);
                    var classes = Floats(detector, 1);
                    var scores = Floats(detector, 2);
                    int count = (int)Math.Min(Floats(detector, 3)[0], scores.Length);
                    json.WriteStartObject();
                    json.WriteString("image", Path.GetFileName(file));
                    json.WriteNumber("width", picture.Width);
                    json.WriteNumber("height", picture.Height);
                    json.WriteStartArray("detections");
                    for (int k = 0; k < count; k++)
                    {
                        if (scores[k] < threshold) continue;
                        int cls = (int)classes[k];
                        float ymin = boxes[4 * k], xmin = boxes[4 * k + 1], ymax = boxes[4 * k + 2], xmax = boxes[4 * k + 3];
                        json.WriteStartObject();
                        json.WriteNumber("class", cls);
                        json.WriteString("label", cls >= 0 && cls < names.Length ? names[cls] : "");
                        json.WriteNumber("score", Math.Round(scores[k], 4));
                        json.WriteStartObject("box");
                        json.WriteNumber("xmin", Math.Round(xmin, 4)); json.WriteNumber("ymin", Math.Round(ymin, 4));
                        json.WriteNumber("xmax", Math.Round(xmax, 4)); json.WriteNumber("ymax", Math.Round(ymax, 4));
                        json.WriteEndObject();
                        int left = (int)Math.Round(xmin * picture.Width), top = (int)Math.Round(ymin * picture.Height);
                        int right = (int)Math.Round(xmax * picture.Width), bottom = (int)Math.Round(ymax * picture.Height);
                        json.WriteStartObject("pixels");
                        json.WriteNumber("x", left); json.WriteNumber("y", top); json.WriteNumber("width", right - left); json.WriteNumber("height", bottom - top);
                        json.WriteEndObject();
                        json.WriteEndObject();
                        BoxPainter.Outline(picture, left, top, right, bottom, Palette.Bright(cls), Math.Max(2, Math.Min(picture.Width, picture.Height) / 150));
                    }
                    json.WriteEndArray();
                    json.WriteEndObject();
                    if (TaskImages.AnnotationPath(annotation, file, single) is { } path) TaskImages.WritePng(path, picture);
                }
                if (!single) json.WriteEndArray();
            }
            output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
            return CliErrors.Ok;
        }));
        return command;
    }

    private static float[] Floats(Models.EmbClassifier model, int k)
    {
        var raw = model.RawOutputAt(k);
        var values = new float[raw.Length / 4];
        Buffer.BlockCopy(raw, 0, values, 0, raw.Length);
        return values;
    }

    /// <summary>Boxes [1,D,4], classes [1,D], scores [1,D], count [1], all float32: what TFLite's and torchvision's post-processing give.</summary>
    private static void CheckOutputs(Models.EmbClassifier model)
    {
        var o = model.Model.Outputs;
        bool ok = o.Count == 4 && o[0].Rank == 3 && o[0].Shape[2] == 4 && o[1].Rank == 2 && o[2].Rank == 2 && o[3].ElementCount == 1
                  && o[1].Shape[1] == o[0].Shape[1] && o[2].Shape[1] == o[0].Shape[1];
        for (int k = 0; ok && k < 4; k++) ok = o[k].Type == ElementType.Float32;
        if (!ok) throw new ArgumentException($"{model.Model.Metadata.Name}: not a detection model (outputs must be boxes [1,D,4], classes [1,D], scores [1,D] and a count, float32; convert an SSD head with --anchors)");
    }
}
