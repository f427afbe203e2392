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
        var model = new Argument<FileInfo>("model") { Description = ".emb or .onnx model" };
        var images = new Option<DirectoryInfo>("--images") { Description = "Folder of images", Required = true };
        var manifest = new Option<FileInfo?>("--manifest") { Description = "manifest.csv with the true classes (default: DIR/manifest.csv)" };
        var json = new Option<bool>("--json") { Description = "End with one JSON line {\"n\",\"top1\",\"top5\"}" };
        var mean = new Option<string?>("--mean") { Description = "ONNX only: per-channel mean when the model has no metadata" };
        var std = new Option<string?>("--std") { Description = "ONNX only: per-channel std when the model has no metadata" };
        var command = new Command("eval", "Top-1/top-5 accuracy over a folder of labelled images") { model, images, manifest, json, mean, std };
        command.SetAction(parse => CliErrors.Guard(error, parse.GetValue(verbose), () =>
        {
            var classifier = Classifier.Open(parse.GetValue(model)!.FullName, CommandHelpers.ParseTriple(parse.GetValue(mean), "--mean"), CommandHelpers.ParseTriple(parse.GetValue(std), "--std"));
            string dir = parse.GetValue(images)!.FullName;
            string manifestPath = parse.GetValue(manifest)?.FullName ?? Path.Combine(dir, "manifest.csv");
            var truth = Manifest.Read(manifestPath, classifier.Classes);
            var files = CommandHelpers.InputFiles(dir).Where(f => truth.ContainsKey(Path.GetFileName(f))).ToArray();
            if (files.Length == 0) throw new FileNotFoundException($"no image in '{dir}' is listed in {manifestPath}");
            int top1 = 0, top5 = 0;
            foreach (string file in files)
            {
                var logits = classifier.Run(classifier.LoadInput(file));
                int label = truth[Path.GetFileName(file)];
                var best = CommandHelpers.TopK(logits, 5);
                if (best[0] == label) top1++;
                if (best.Contains(label)) top5++;
            }
            double p1 = 100.0 * top1 / files.Length, p5 = 100.0 * top5 / files.Length;
            output.WriteLine($"{files.Length} images: top-1 {CommandHelpers.F(p1)}%  top-5 {CommandHelpers.F(p5)}%");
            if (parse.GetValue(json)) output.WriteLine(JsonSerializer.Serialize(new { n = files.Length, top1 = Math.Round(p1, 2), top5 = Math.Round(p5, 2) }));
            return CliErrors.Ok;
        }));
        return command;
    }
}
