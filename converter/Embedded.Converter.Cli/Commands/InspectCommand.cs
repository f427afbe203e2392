using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Embedded.Runtime.Execution;
using Embedded.Runtime.Model;

namespace Embedded.Converter.Cli.Commands;

/// <summary>`emb inspect MODEL.emb [--json]`: metadata, operators with shapes, MACs and parameters, memory plan.</summary>
internal static class InspectCommand
{
    public static Command Create(TextWriter output, TextWriter error, Option<bool> verbose)
    {
        var model = new Argument<FileInfo>("model") { Description = "The .emb model file" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of tables" };
        var command = new Command("inspect", "Show what an .emb model contains") { model, json };
        command.SetAction(parse => CliErrors.Guard(error, parse.GetValue(verbose), () =>
        {
            var file = parse.GetValue(model)!;
            var loaded = EmbeddedModel.Load(file.FullName);
            if (parse.GetValue(json)) WriteJson(output, loaded, file.Length);
            else WriteText(output, loaded, file.Length);
            return CliErrors.Ok;
        }));
        return command;
    }

    private static string Shape(TensorDefinition t) => "[" + string.Join("×", t.Shape) + "]";

    private static string Quantization(TensorDefinition t) => t.Quantization switch
    {
        null => "-",
        { IsPerAxis: true } q => $"per-channel ({q.Count})",
        var q => string.Format(CultureInfo.InvariantCulture, "s={0:G4} zp={1}", q.Scales[0], q.ZeroPoints[0]),
    };

    internal static void WriteText(TextWriter o, EmbeddedModel model, long fileBytes)
    {
        var d = model.Definition;
        var m = d.Metadata;
        o.WriteLine($"model     {m.Name}");
        o.WriteLine($"producer  {m.Producer}");
        if (m.SourceHash.Length > 0) o.WriteLine($"source    {m.SourceHash}");
        foreach (var t in model.Inputs) o.WriteLine($"input     {t.Name} {t.Type} {Shape(t)} {Quantization(t)}");
        foreach (var t in model.Outputs) o.WriteLine($"output    {t.Name} {t.Type} {Shape(t)} {Quantization(t)}");
        var p = m.Preprocessing;
        string norm = p.Mean.Length == 0 ? "raw pixels" : $"mean {string.Join(",", p.Mean.Select(v => v.ToString("G4", CultureInfo.InvariantCulture)))} std {string.Join(",", p.Std.Select(v => v.ToString("G4", CultureInfo.InvariantCulture)))}";
        o.WriteLine($"preproc   {p.Color} {p.Layout}, resize {p.Resize} {p.ResizeShorterSide}, crop {p.CropWidth}×{p.CropHeight}, {norm}");
        o.WriteLine($"labels    {m.Labels.Length}");
        o.WriteLine();
        o.WriteLine($"{"#",4}  {"operator",-18} {"name",-40} {"output",-18} {"MACs",12} {"params",9}");
        for (int i = 0; i < d.Operators.Count; i++)
        {
            var op = d.Operators[i];
            var outT = d.Tensors[op.Outputs[0]];
            o.WriteLine($"{i,4}  {op.Code,-18} {Truncate(op.Name, 40),-40} {outT.Type.ToString().ToLowerInvariant() + Shape(outT),-18} {ModelStatistics.MultiplyAccumulates(op, d.Tensors),12:N0} {ModelStatistics.Parameters(op, d.Tensors),9:N0}");
        }
        o.WriteLine();
        o.WriteLine($"operators {d.Operators.Count}, tensors {d.Tensors.Count}");
        o.WriteLine($"MACs      {ModelStatistics.TotalMultiplyAccumulates(d):N0}");
        o.WriteLine($"params    {ModelStatistics.TotalParameters(d):N0}");
        o.WriteLine($"arena     {model.ArenaBytes:N0} bytes");
        o.WriteLine($"file      {fileBytes:N0} bytes");
    }

    private static string Truncate(string s, int n) => s.Length <= n ? s : s.Substring(0, n - 1) + "…";

    private static void WriteJson(TextWriter o, EmbeddedModel model, long fileBytes)
    {
        var d = model.Definition;
        object TensorJson(TensorDefinition t) => new
        {
            name = t.Name,
            type = t.Type.ToString().ToLowerInvariant(),
            shape = t.Shape,
            scales = t.Quantization?.Scales,
            zero_points = t.Quantization?.ZeroPoints,
            axis = t.Quantization?.Axis,
        };
        var doc = new
        {
            name = d.Metadata.Name,
            producer = d.Metadata.Producer,
            source_hash = d.Metadata.SourceHash,
            inputs = model.Inputs.Select(TensorJson).ToArray(),
            outputs = model.Outputs.Select(TensorJson).ToArray(),
            labels = d.Metadata.Labels.Length,
            operators = d.Operators.Select(op => new
            {
                code = op.Code.ToString(),
                name = op.Name,
                output_shape = d.Tensors[op.Outputs[0]].Shape,
                macs = ModelStatistics.MultiplyAccumulates(op, d.Tensors),
                parameters = ModelStatistics.Parameters(op, d.Tensors),
            }).ToArray(),
            macs = ModelStatistics.TotalMultiplyAccumulates(d),
            parameters = ModelStatistics.TotalParameters(d),
            arena_bytes = model.ArenaBytes,
            file_bytes = fileBytes,
        };
        o.WriteLine(JsonSerializer.Serialize(doc));
    }
}
