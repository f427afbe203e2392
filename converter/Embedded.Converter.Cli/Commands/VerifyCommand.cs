using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using Embedded.Converter.Cli.Models;
using Embedded.Converter.Quantization;
using Spectre.Console;

namespace Embedded.Converter.Cli.Commands;

/// <summary>`emb verify FLOAT.onnx MODEL.emb --images DIR`: how closely the int8 model follows the float one, layer by layer.</summary>
internal static class VerifyCommand
{
    public static Command Create(TextWriter output, TextWriter error, Option<bool> verbose)
    {
        var onnx = new Argument<FileInfo>("float") { Description = "The float ONNX model" };
        var emb = new Argument<FileInfo>("model") { Description = "The int8 .emb converted from it" };
        var images = new Option<DirectoryInfo>("--images") { Description = "Folder of images", Required = true };
        var limit = new Option<int>("--count") { Description = "Use at most N images (default 50)", DefaultValueFactory = _ => 50 };
        var command = new Command("verify", "Compare an int8 model with its float source: agreement, cosine, SQNR, per-layer SQNR") { onnx, emb, images, limit };
        command.SetAction(parse => CliErrors.Guard(error, parse.GetValue(verbose), () =>
        {
            var quantized = (EmbClassifier)Classifier.Open(parse.GetValue(emb)!.FullName);
            var p = quantized.Model.Metadata.Preprocessing;
            var reference = (OnnxClassifier)Classifier.Open(parse.GetValue(onnx)!.FullName, p.Mean.Length == 3 ? p.Mean : null, p.Std.Length == 3 ? p.Std : null);
            var files = CommandHelpers.InputFiles(parse.GetValue(images)!.FullName).Take(Math.Max(1, parse.GetValue(limit))).ToArray();
            int agree = 0;
            double cosine = 0, signal = 0, noise = 0;
            var inputs = files.Select(quantized.LoadInput).ToArray();
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
}
