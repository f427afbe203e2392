using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text.Json;
using Embedded.Imaging;
using Embedded.Imaging.Drawing;
using Embedded.Runtime.Model;

namespace Embedded.Converter.Cli.Commands;

/// <summary>
/// `emb segment MODEL (--image FILE | --images DIR) [--annotate OUT]`: the share of pixels each class covers, as JSON,
/// and optionally the class map blended over the image. Takes a class-map output (ArgMax, int32/int64 [1,H,W]) or
/// per-pixel scores (float32 [1,H,W,C], the argmax taken here).
/// </summary>
internal static class SegmentCommand
{
    public static Command Create(TextWriter output, TextWriter error, Option<bool> verbose)
    {
        var model = new Argument<FileInfo>("model") { Description = ".emb segmentation model (class map [1,H,W] or scores [1,H,W,C])" };
        var image = new Option<FileInfo?>("--image") { Description = "One image" };
        var images = new Option<DirectoryInfo?>("--images") { Description = "Every image of a folder" };
        var labels = new Option<FileInfo?>("--labels") { Description = "Labels file (default: the model's own labels)" };
        var annotate = new Option<string?>("--annotate") { Description = "Write the image with the class map blended over it: a .png file (--image) or a folder (--images)" };
        var command = new Command("segment", "Segment images: per-class pixel shares as JSON, optionally the mask over the image") { model, image, images, labels, annotate };
        command.SetAction(parse => CliErrors.Guard(error, parse.GetValue(verbose), () =>
        {
            var files = TaskImages.Files(parse.GetValue(image), parse.GetValue(images));
            bool single = parse.GetValue(image) is not null;
            string? annotation = parse.GetValue(annotate);
            TaskImages.CheckAnnotationTarget(annotation, single);
            var segmenter = TaskImages.Open(parse.GetValue(model)!, "segment");
            var map = segmenter.Model.Outputs[0];
            bool indices = map.Type is ElementType.Int32 or ElementType.Int64 && map.Rank == 3;
            bool scores = map.Type == ElementType.Float32 && map.Rank == 4;
            if (segmenter.Model.Outputs.Count != 1 || !(indices || scores))
                throw new ArgumentException($"{segmenter.Model.Metadata.Name}: not a segmentation model (one output: a class map int32/int64 [1,H,W] or scores float32 [1,H,W,C])");
            int height = map.Shape[1], width = map.Shape[2], classCount = scores ? map.Shape[3] : 0;
            var names = TaskImages.Labels(parse.GetValue(labels), segmenter);
            var classes = new int[width * height];

            using var stream = new MemoryStream();
            using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                if (!single) json.WriteStartArray();
                foreach (string file in files)
                {
                    var pixels = segmenter.LoadInput(file);
                    segmenter.Run(pixels);
                    ReadClasses(segmenter.RawOutputAt(0), map.Type, classCount, classes);
                    var counts = classes.GroupBy(c => c).Select(g => (cls: g.Key, pixels: g.Count())).OrderByDescending(g => g.pixels).ThenBy(g => g.cls).ToArray();
                    json.WriteStartObject();
                    json.WriteString("image", Path.GetFileName(file));
                    json.WriteNumber("mapWidth", width);
                    json.WriteNumber("mapHeight", height);
                    json.WriteStartArray("classes");
                    foreach (var (cls, covered) in counts)
                    {
                        json.WriteStartObject();
                        json.WriteNumber("class", cls);
                        json.WriteString("label", cls >= 0 && cls < names.Length ? names[cls] : "");
                        json.WriteNumber("share", Math.Round((double)covered / classes.Length, 4));
                        json.WriteEndObject();
                    }
                    json.WriteEndArray();
                    json.WriteEndObject();
                    if (TaskImages.AnnotationPath(annotation, file, single) is { } path)
                    {
                        var picture = TaskImages.Picture(file, segmenter, pixels);
                        MaskBlender.Blend(picture, classes, width, height);
                        TaskImages.WritePng(path, picture);
                    }
                }
                if (!single) json.WriteEndArray();
            }
            output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
            return CliErrors.Ok;
        }));
        return command;
    }

    /// <summary>The class of every pixel: the indices as given, or the first largest score.</summary>
    private static void ReadClasses(byte[] raw, ElementType type, int classCount, int[] classes)
    {
        for (int p = 0; p < classes.Length; p++)
        {
            if (type == ElementType.Int64) classes[p] = (int)BitConverter.ToInt64(raw, p * 8);
            else if (type == ElementType.Int32) classes[p] = BitConverter.ToInt32(raw, p * 4);
            else
            {
                int best = 0;
                for (int c = 1; c < classCount; c++)
                    if (BitConverter.ToSingle(raw, (p * classCount + c) * 4) > BitConverter.ToSingle(raw, (p * classCount + best) * 4)) best = c;
                classes[p] = best;
            }
        }
    }
}
