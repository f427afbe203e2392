using System;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Embedded.Converter.Cli.Models;

using Embedded.Firmware.CommandLine;

namespace Embedded.Converter.Cli.Commands;

/// <summary>`emb classify MODEL (--images DIR | --image FILE) [--top K]`: the top-K labels and scores of each image.</summary>
internal static class ClassifyCommand
{
    public static Command Create(TextWriter output, TextWriter error, Option<bool> verbose)
    {
        var model = new Argument<FileInfo>("model") { Description = ".emb, .onnx or .tflite model" };
        var images = new Option<DirectoryInfo?>("--images") { Description = "Classify every image of a folder" };
        var image = new Option<FileInfo?>("--image") { Description = "Classify one image" };
        var top = new Option<int>("--top") { Description = "How many classes to show", DefaultValueFactory = _ => 5 }.InRange(1);
        var labels = new Option<FileInfo?>("--labels") { Description = "Labels file (default: the model's own labels)" };
        var command = new Command("classify", "Print the top classes of images") { model, images, image, top, labels };
        command.SetAction(parse => CliErrors.Guard(error, parse.GetValue(verbose), () =>
        {
            var files = TaskImages.Files(parse.GetValue(image), parse.GetValue(images));
            var classifier = Classifier.Open(parse.GetValue(model)!.FullName);
            var names = parse.GetValue(labels) is { } l ? Embedded.Runtime.Execution.LabelFile.Read(l.FullName, classifier.Classes) : classifier.Labels;
            int k = Math.Min(parse.GetValue(top), classifier.Classes);
            bool single = files.Length == 1 && parse.GetValue(image) is not null;
            int skipped = 0;
            foreach (string file in files)
            {
                byte[] pixels;
                try
                {
                    pixels = classifier.LoadInput(file);
                }
                catch (Exception e) when (!single && e is Embedded.Imaging.ImageFormatException or UnauthorizedAccessException or IOException)
                {
                    skipped++;
                    error.WriteLine($"warning: skipped {Path.GetFileName(file)}: {e.Message}");
                    continue;
                }
                var clock = Stopwatch.StartNew();
                var scores = classifier.Run(pixels);
                double ms = clock.Elapsed.TotalMilliseconds;
                // A model that ends in a softmax (TFLite classifiers) already gives probabilities: shown as they are.
                if (!classifier.OutputIsProbabilities) Softmax(scores);
                output.WriteLine($"{Path.GetFileName(file)}  ({CommandHelpers.F(ms, "F0")} ms)");
                foreach (int c in CommandHelpers.TopK(scores, k))
                    output.WriteLine($"  {CommandHelpers.F(scores[c], "F3")}  {c,4}  {(c < names.Length ? names[c] : "")}");
            }
            if (skipped > 0) error.WriteLine($"warning: {skipped} unreadable image{(skipped == 1 ? "" : "s")} skipped");
            return CliErrors.Ok;
        }));
        return command;
    }

    private static void Softmax(float[] values)
    {
        double max = values.Max(), sum = 0;
        for (int i = 0; i < values.Length; i++) sum += values[i] = (float)Math.Exp(values[i] - max);
        for (int i = 0; i < values.Length; i++) values[i] = (float)(values[i] / sum);
    }
}
