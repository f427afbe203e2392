using System;
using System.CommandLine;
using System.IO;
using Embedded.Converter.Cli.Models;
using Embedded.Runtime.Model;

namespace Embedded.Converter.Cli.Commands;

/// <summary>
/// `emb run MODEL --input FILE --output FILE` or `--inputs DIR --outputs DIR`: raw output tensors in the source
/// model's output types, named after the input (.f32 for float32, .u8 for uint8, .i8 for int8, .i16 for int16). A
/// model with several outputs (a detection head) writes every one: NAME.outK.ext, K in model order, as
/// ../shared/golden does; with --output FILE that is FILE without its extension, then .outK.ext.
/// </summary>
internal static class RunCommand
{
    public static Command Create(TextWriter output, TextWriter error, Option<bool> verbose)
    {
        var model = new Argument<FileInfo>("model") { Description = ".emb, .onnx or .tflite model" };
        var input = new Option<FileInfo?>("--input") { Description = "One image, .u8 pixels or .f32 tensor" };
        var outFile = new Option<FileInfo?>("--output") { Description = "Where to write the output tensor" };
        var inputs = new Option<DirectoryInfo?>("--inputs") { Description = "Run every image/.u8/.f32 file of a folder" };
        var outputs = new Option<DirectoryInfo?>("--outputs") { Description = "Folder for the output tensors" };
        var mean = new Option<string?>("--mean") { Description = "ONNX only: per-channel mean when the model has no metadata" };
        var std = new Option<string?>("--std") { Description = "ONNX only: per-channel std when the model has no metadata" };
        var command = new Command("run", "Run a model and write its raw output tensor") { model, input, outFile, inputs, outputs, mean, std };
        command.SetAction(parse => CliErrors.Guard(error, parse.GetValue(verbose), () =>
        {
            var single = parse.GetValue(input);
            var dir = parse.GetValue(inputs);
            // One mode at a time, checked (with the targets) before the model loads.
            if (single is not null && (dir is not null || parse.GetValue(outputs) is not null)) throw new ArgumentOutOfRangeException("--input", "give --input FILE --output FILE or --inputs DIR --outputs DIR, not both");
            if (dir is not null && parse.GetValue(outFile) is not null) throw new ArgumentOutOfRangeException("--output", "--inputs writes to a folder: give --outputs DIR, not --output");
            if (single is not null)
            {
                var target = parse.GetValue(outFile) ?? throw new ArgumentOutOfRangeException("--output", "--input needs --output");
                CommandHelpers.CheckWritable(target, "--output", single, parse.GetValue(model));
                var one = Open(parse);
                RunOne(one, one.LoadInput(single.FullName), single.FullName, target.FullName, singleTarget: true, output);
                return CliErrors.Ok;
            }
            if (dir is null) throw new ArgumentOutOfRangeException("--input", "give --input FILE --output FILE or --inputs DIR --outputs DIR");
            var outDir = parse.GetValue(outputs) ?? throw new ArgumentOutOfRangeException("--outputs", "--inputs needs --outputs");
            if (File.Exists(outDir.FullName)) throw new ArgumentException($"--outputs {outDir.FullName} is a file; give a folder");
            var files = CommandHelpers.InputFiles(dir.FullName);
            var classifier = Open(parse);
            Directory.CreateDirectory(outDir.FullName);
            CommandHelpers.CheckWritable(new FileInfo(Path.Combine(outDir.FullName, ".emb-run")), "--outputs");
            int n = 0, skipped = 0;
            foreach (string file in files)
            {
                byte[] pixels;
                try
                {
                    pixels = classifier.LoadInput(file);
                }
                catch (Exception e) when (e is Embedded.Imaging.ImageFormatException or UnauthorizedAccessException or IOException)
                {
                    // An unreadable input is skipped and counted; the others still run.
                    skipped++;
                    error.WriteLine($"warning: skipped {Path.GetFileName(file)}: {e.Message}");
                    continue;
                }
                RunOne(classifier, pixels, file, Path.Combine(outDir.FullName, Path.GetFileNameWithoutExtension(file)), singleTarget: false, output);
                n++;
            }
            output.WriteLine($"{n} outputs written to {outDir.FullName}" + (skipped > 0 ? $" ({skipped} unreadable input{(skipped == 1 ? "" : "s")} skipped)" : ""));
            return CliErrors.Ok;
        }));
        return command;
    }

    private static Classifier Open(ParseResult parse) =>
        Classifier.Open(parse.GetValue(Model(parse))!.FullName, CommandHelpers.ParseTriple(parse.GetValue<string?>("--mean"), "--mean"), CommandHelpers.ParseTriple(parse.GetValue<string?>("--std"), "--std"));

    private static Argument<FileInfo> Model(ParseResult parse) => (Argument<FileInfo>)parse.CommandResult.Command.Arguments[0];

    private static string Extension(ElementType type) =>
        type switch
        {
            ElementType.Float32 => ".f32", ElementType.UInt8 => ".u8", ElementType.Int8 => ".i8", ElementType.Int16 => ".i16",
            ElementType.Int32 => ".i32", ElementType.Int64 => ".i64", _ => ".bin",
        };

    /// <summary>
    /// Runs one input and writes its outputs. <paramref name="target"/> is the --output file (used as given for a single
    /// output) or, for a folder, the path without extension.
    /// </summary>
    private static void RunOne(Classifier classifier, byte[] pixels, string input, string target, bool singleTarget, TextWriter output)
    {
        var logits = classifier.Run(pixels);
        int count = classifier.OutputCount;
        string stem = singleTarget ? Path.Combine(Path.GetDirectoryName(target) ?? "", Path.GetFileNameWithoutExtension(target)) : target;
        for (int k = 0; k < count; k++)
        {
            string path = count == 1 ? (singleTarget ? target : stem + Extension(classifier.OutputTypeAt(0))) : $"{stem}.out{k}{Extension(classifier.OutputTypeAt(k))}";
            File.WriteAllBytes(path, classifier.RawOutputAt(k));
        }
        // Only a score vector names a class; maps and boxes are just written.
        if (logits.Length != classifier.Classes || classifier.OutputTypeAt(0) is ElementType.Int32 or ElementType.Int64)
        {
            output.WriteLine($"{Path.GetFileName(input)}: {count} output{(count == 1 ? "" : "s")} written");
            return;
        }
        int best = CommandHelpers.ArgMax(logits);
        string label = best < classifier.Labels.Length ? classifier.Labels[best] : "";
        output.WriteLine($"{Path.GetFileName(input)}: class {best} {label}".TrimEnd());
    }
}
