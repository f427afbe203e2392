using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text.Json;
using Embedded.Converter.Cli.Models;

namespace Embedded.Converter.Cli.Commands;

/// <summary>`emb eval MODEL (.emb|.onnx) --images DIR [--manifest CSV] [--json]`: top-1 and top-5 accuracy.</summary>
internal static class EvalCommand
{
    public static Command Create(TextWriter output, TextWriter error, Option<bool> verbose)
    {
        var model = new Argument<FileInfo>("model") { Description = ".emb, .onnx or .tflite model" };
        var images = new Option<DirectoryInfo>("--images") { Description = "Folder of images", Required = true };
        var manifest = new Option<FileInfo?>("--manifest") { Description = "manifest.csv with the true classes (default: DIR/manifest.csv)" };
        var json = new Option<bool>("--json") { Description = "Print only one JSON line {\"n\",\"skipped\",\"top1\",\"top5\"} (the summary goes to stderr)" };
        var mean = new Option<string?>("--mean") { Description = "ONNX only: per-channel mean when the model has no metadata" };
        var std = new Option<string?>("--std") { Description = "ONNX only: per-channel std when the model has no metadata" };
        var command = new Command("eval", "Top-1/top-5 accuracy over a folder of labelled images") { model, images, manifest, json, mean, std };
        command.SetAction(parse => CliErrors.Guard(error, parse.GetValue(verbose), () =>
        {
            string dir = parse.GetValue(images)!.FullName;
            string manifestPath = parse.GetValue(manifest)?.FullName ?? Path.Combine(dir, "manifest.csv");
            var listed = CommandHelpers.InputFiles(dir);
            var classifier = Classifier.Open(parse.GetValue(model)!.FullName, CommandHelpers.ParseTriple(parse.GetValue(mean), "--mean"), CommandHelpers.ParseTriple(parse.GetValue(std), "--std"));
            var truth = Manifest.Read(manifestPath, classifier.Classes);
            var candidates = listed.Where(f => truth.ContainsKey(Path.GetFileName(f))).ToArray();
            if (candidates.Length == 0) throw new FileNotFoundException($"no image in '{dir}' is listed in {manifestPath}");
            // With --json, stdout is the JSON line alone; the human summary and warnings go to stderr.
            bool asJson = parse.GetValue(json);
            var human = asJson ? error : output;
            var inputs = classifier.LoadInputs(candidates, int.MaxValue, error, out var files);
            if (files.Length == 0) throw new Embedded.Imaging.ImageFormatException($"none of the {candidates.Length} listed images in '{dir}' can be read");
            int top1 = 0, top5 = 0;
            for (int i = 0; i < files.Length; i++)
            {
                string file = files[i];
                var logits = classifier.Run(inputs[i]);
                int label = truth[Path.GetFileName(file)];
                var best = CommandHelpers.TopK(logits, 5);
                if (best[0] == label) top1++;
                if (best.Contains(label)) top5++;
            }
            double p1 = 100.0 * top1 / files.Length, p5 = 100.0 * top5 / files.Length;
            int skipped = candidates.Length - files.Length;
            human.WriteLine($"{files.Length} images: top-1 {CommandHelpers.F(p1)}%  top-5 {CommandHelpers.F(p5)}%" + (skipped > 0 ? $" ({skipped} unreadable skipped)" : ""));
            if (asJson) output.WriteLine(JsonSerializer.Serialize(new { n = files.Length, skipped, top1 = Math.Round(p1, 2), top5 = Math.Round(p5, 2) }));
            return CliErrors.Ok;
        }));
        return command;
    }
}
