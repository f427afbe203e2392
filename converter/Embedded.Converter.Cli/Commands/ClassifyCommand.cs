using System;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Embedded.Converter.Cli.Models;

namespace Embedded.Converter.Cli.Commands;

/// <summary>`emb classify MODEL (--images DIR | --image FILE) [--top K]`: the top-K labels and scores of each image.</summary>
internal static class ClassifyCommand
{
    public static Command Create(TextWriter output, TextWriter error, Option<bool> verbose)
    {
        var model = new Argument<FileInfo>("model") { Description = ".emb or .onnx model" };
        var images = new Option<DirectoryInfo?>("--images") { Description = "Classify every image of a folder" };
        var image = new Option<FileInfo?>("--image") { Description = "Classify one image" };
        var top = new Option<int>("--top") { Description = "How many classes to show", DefaultValueFactory = _ => 5 };
        var labels = new Option<FileInfo?>("--labels") { Description = "Labels file (default: the model's own labels)" };
        var command = new Command("classify", "Print the top classes of images") { model, images, image, top, labels };
        command.SetAction(parse => CliErrors.Guard(error, parse.GetValue(verbose), () =>
        {
            var classifier = Classifier.Open(parse.GetValue(model)!.FullName);
            var names = parse.GetValue(labels) is { } l ? Embedded.Runtime.Execution.LabelFile.Read(l.FullName, classifier.Classes) : classifier.Labels;
            var files = parse.GetValue(image) is { } one ? new[] { one.FullName }
                : CommandHelpers.InputFiles((parse.GetValue(images) ?? throw new ArgumentOutOfRangeException("--images", "give --images DIR or --image FILE")).FullName);
            int k = Math.Clamp(parse.GetValue(top), 1, classifier.Classes);
            foreach (string file in files)
            {
                var pixels = classifier.LoadInput(file);
                var clock = Stopwatch.StartNew();
                var logits = classifier.Run(pixels);
                double ms = clock.Elapsed.TotalMilliseconds;
                double max = logits.Max();
                double sum = logits.Sum(v => Math.Exp(v - max));
                output.WriteLine($"{Path.GetFileName(file)}  ({CommandHelpers.F(ms, "F0")} ms)");
                foreach (int c in CommandHelpers.TopK(logits, k))
                    output.WriteLine($"  {CommandHelpers.F(Math.Exp(logits[c] - max) / sum, "F3")}  {c,4}  {(c < names.Length ? names[c] : "")}");
            }
            return CliErrors.Ok;
        }));
        return command;
    }
}
