using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using Embedded.Converter.Cli.Models;
using Embedded.Converter.Quantization;
using Spectre.Console;

using Embedded.Firmware.CommandLine;

namespace Embedded.Converter.Cli.Commands;

/// <summary>`emb verify FLOAT.onnx MODEL.emb --images DIR`: how closely the int8 model follows the float one, layer by layer.</summary>
internal static class VerifyCommand
{
    public static Command Create(TextWriter output, TextWriter error, Option<bool> verbose)
    {
        var onnx = new Argument<FileInfo>("float") { Description = "The float ONNX model" };
        var emb = new Argument<FileInfo>("model") { Description = "The int8 .emb converted from it" };
        var images = new Option<DirectoryInfo>("--images") { Description = "Folder of images", Required = true };
        var limit = new Option<int>("--count") { Description = "Use at most N images (default 50)", DefaultValueFactory = _ => 50 }.InRange(1);
        var command = new Command("verify", "Compare an int8 model with its float source: agreement, cosine, SQNR, per-layer SQNR") { onnx, emb, images, limit };
        command.SetAction(parse => CliErrors.Guard(error, parse.GetValue(verbose), () =>
        {
            FileInfo floatFile = parse.GetValue(onnx)!, embFile = parse.GetValue(emb)!;
            if (floatFile.Extension.Equals(".emb", StringComparison.OrdinalIgnoreCase) && !embFile.Extension.Equals(".emb", StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"the arguments are swapped: emb verify FLOAT MODEL.emb (here {floatFile.Name} is the .emb)");
            if (!embFile.Extension.Equals(".emb", StringComparison.OrdinalIgnoreCase)) throw new ArgumentException($"{embFile.Name}: the second argument is the converted .emb model");
            if (floatFile.Extension.Equals(".emb", StringComparison.OrdinalIgnoreCase)) throw new ArgumentException($"{floatFile.Name}: the first argument is the float .onnx or .tflite model the .emb was converted from");
            var quantized = (EmbClassifier)Classifier.Open(embFile.FullName);
            CheckSource(quantized.Model.Metadata.SourceHash, floatFile, embFile, error);
            var p = quantized.Model.Metadata.Preprocessing;
            var reference = Classifier.Open(floatFile.FullName, p.Mean.Length == 3 ? p.Mean : null, p.Std.Length == 3 ? p.Std : null) as FloatGraphClassifier
                ?? throw new ArgumentException($"{floatFile.Name} is a quantized model; verify compares an .emb with its float source");
            var files = CommandHelpers.InputFiles(parse.GetValue(images)!.FullName);
            var inputs = quantized.LoadInputs(files, parse.GetValue(limit), error);
            if (inputs.Length == 0) throw new FileNotFoundException($"no readable image in {parse.GetValue(images)!.FullName}");
            int agree = 0;
            double cosine = 0, signal = 0, noise = 0;
            foreach (var pixels in inputs)
            {
                var f = reference.Run(pixels);
                var q = quantized.Run(pixels);
                if (CommandHelpers.ArgMax(f) == CommandHelpers.ArgMax(q)) agree++;
                double dot = 0, nf = 0, nq = 0;
                for (int i = 0; i < f.Length; i++) { dot += f[i] * q[i]; nf += f[i] * f[i]; nq += q[i] * q[i]; noise += (f[i] - q[i]) * (f[i] - q[i]); }
                signal += nf;
                cosine += dot / Math.Sqrt(nf * nq);
            }
            var console = CommandHelpers.Console(output);
            console.WriteLine($"{inputs.Length} images: top-1 agreement {CommandHelpers.F(100.0 * agree / inputs.Length, "F1")}%, mean cosine {CommandHelpers.F(cosine / inputs.Length, "F4")}, output SQNR {CommandHelpers.F(LayerErrorAnalysis.Sqnr(signal, noise), "F1")} dB");
            var layers = LayerErrorAnalysis.Run(reference.Graph, quantized.Model, inputs.Take(16).ToArray()).OrderBy(l => l.SqnrDb).ToArray();
            var table = new Table().AddColumns("#", "operator", "name", "SQNR dB");
            foreach (var l in layers) table.AddRow(l.OperatorIndex.ToString(), l.Operator, Markup.Escape(l.Name), CommandHelpers.F(l.SqnrDb, "F1"));
            console.Write(table);
            return CliErrors.Ok;
        }));
        return command;
    }

    /// <summary>
    /// The .emb records the SHA-256 of the model it was converted from: comparing it with another model would print
    /// numbers that mean nothing, so a mismatch is refused. A model without the record (imported elsewhere) is compared with a warning.
    /// </summary>
    private static void CheckSource(string recorded, FileInfo floatFile, FileInfo embFile, TextWriter warnings)
    {
        if (!floatFile.Exists) throw new FileNotFoundException($"{floatFile.FullName} does not exist", floatFile.FullName);
        if (string.IsNullOrEmpty(recorded))
        {
            warnings.WriteLine($"warning: {embFile.Name} does not record its source model; cannot check that it was converted from {floatFile.Name}");
            return;
        }
        using var stream = floatFile.OpenRead();
        string actual = "sha256:" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(stream)).ToLowerInvariant();
        if (!string.Equals(recorded, actual, StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"{embFile.Name} was converted from another model ({recorded}); {floatFile.Name} is {actual}");
    }
}
