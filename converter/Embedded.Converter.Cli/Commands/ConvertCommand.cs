using System;
using System.CommandLine;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Tasks;
using Embedded.Converter.Calibration;
using Embedded.Converter.Quantization;
using Embedded.Imaging;
using Embedded.Runtime.Execution;
using Embedded.Runtime.Format;
using Embedded.Runtime.Model;
using Spectre.Console;

using Embedded.Firmware.CommandLine;

namespace Embedded.Converter.Cli.Commands;

/// <summary>`emb convert MODEL.onnx -o OUT.emb --calib DIR …`: import, optimize, calibrate, quantize, report, write.</summary>
internal static class ConvertCommand
{
    /// <summary>Images whose per-layer SQNR goes in the report (a subset keeps conversion fast).</summary>
    private const int ReportImages = 16;

    /// <summary>
    /// Below this output SQNR (int8 vs float, dB) a converted model warns. Logit SQNR is a strict measure: the bundled,
    /// trained V3-Small converts at 12.4 dB with 100 % top-1 agreement on 16 dev images, while a model that falls apart
    /// (EfficientNet-B0 before its table fix: −3 dB, cosine 0.37) is far below 10.
    /// </summary>
    internal const double DefaultMinSqnr = 10;

    /// <summary>What convert does when the quantized model's output drifts from the float model's.</summary>
    private sealed record QualityGate(double MinSqnr, bool Strict, TextWriter Error);

    public static Command Create(TextWriter output, TextWriter error, Option<bool> verbose)
    {
        var model = new Argument<FileInfo>("model") { Description = "Float ONNX or .tflite model, or a quantized .tflite model" };
        var outFile = new Option<FileInfo>("--output", "-o") { Description = "The .emb file to write", Required = true };
        var calib = new Option<DirectoryInfo?>("--calib") { Description = "Folder of calibration images (ONNX models)" };
        var match = new Option<string>("--match") { Description = "TFLite models: reproduce 'tflite' (builtin kernels) or 'tflm' (TFLite Micro reference kernels)", DefaultValueFactory = _ => "tflite" };
        var count = new Option<int?>("--calib-count") { Description = "Use at most N calibration images (default: all)" }.InRange(1);
        var method = new Option<string>("--method") { Description = "Range selection: auto, minmax, percentile, mse, kl", DefaultValueFactory = _ => "percentile" };
        var mean = new Option<string?>("--mean") { Description = "Per-channel mean in pixel units, e.g. 127.5,127.5,127.5 (default: model metadata)" };
        var std = new Option<string?>("--std") { Description = "Per-channel std in pixel units (default: model metadata)" };
        var labels = new Option<FileInfo?>("--labels") { Description = "Class labels, one per line" };
        var report = new Option<FileInfo?>("--report") { Description = "Write the per-layer report as .md or .json" };
        var weightClip = new Option<bool>("--weight-clipping") { Description = "Clip weights per channel at the least squared error (default: at max |w|)" };
        var biasCorrect = new Option<bool>("--bias-correction") { Description = "Correct biases by the mean output error on (up to 64) calibration images" };
        var minSqnr = new Option<double>("--min-sqnr") { Description = "The output SQNR (dB) against the float model a conversion must reach: --activations auto widens below it; warn when the result is still below it on calibration images", DefaultValueFactory = _ => DefaultMinSqnr };
        var anchors = new Option<FileInfo?>("--anchors") { Description = "An SSD head (raw boxes and class logits): append torchvision's SSD post-processing (decode, softmax, per-class NMS; score 0.001, IoU 0.55, 300 detections) with these anchors (.npy float32 [N,4], x1,y1,x2,y2 in input pixels)" };
        // auto by default: 8 bits where they hold --min-sqnr (V3-Small keeps its 8-bit speed), 16 where a model would fall apart.
        var activations = new Option<string>("--activations") { Description = "Activation width: auto (8 bits while the output SQNR on held-out calibration images reaches --min-sqnr; below it, 16 bits for the noisiest activations until --target-sqnr), int8, or int16 (everywhere, with int8 weights)", DefaultValueFactory = _ => "auto" };
        var target = new Option<double>("--target-sqnr") { Description = "With --activations auto, once 8 bits fall below --min-sqnr: the output SQNR (dB) to widen to", DefaultValueFactory = _ => ConversionOptions.DefaultTargetSqnr };
        var ramBudget = new Option<string?>("--ram-budget") { Description = "Plan for a microcontroller with this much RAM (e.g. 96k): report arena, scratch, interpreter and flash bytes for the nano runtime; fail (exit 2, nothing written) if the model does not fit or has operators it lacks" };
        var strict = new Option<bool>("--strict") { Description = "Fail (exit 2, no file written) instead of warning when the output SQNR is below --min-sqnr" };
        var command = new Command("convert", "Convert a float ONNX or TFLite model (with --calib), or a quantized TFLite model, to an .emb model") { model, outFile, calib, count, method, activations, target, mean, std, labels, report, weightClip, biasCorrect, minSqnr, strict, match, anchors, ramBudget };
        command.SetAction(parse => CliErrors.Guard(error, parse.GetValue(verbose), () =>
            // Parsed first: a budget that is not a size fails before any work.
            (parse.GetValue(ramBudget) is { } budgetText ? Microcontroller.MicrocontrollerMemory.ParseBytes(budgetText) : (long?)null) is var budget &&
            IsQuantizedTflite(parse.GetValue(model)!)
            ? RunTflite(output, parse.GetValue(model)!, parse.GetValue(outFile)!, parse.GetValue(labels), parse.GetValue(match)!, budget)
            : Run(output,
            parse.GetValue(model)!, parse.GetValue(outFile)!, parse.GetValue(calib) ?? throw new ArgumentOutOfRangeException("--calib", "converting a float model needs --calib DIR"), parse.GetValue(count), parse.GetValue(method)!,
            ParsePrecision(parse.GetValue(activations)!, parse.GetValue(target), targetGiven: parse.GetResult(target) is { Implicit: false }),
            CommandHelpers.ParseTriple(parse.GetValue(mean), "--mean"), CommandHelpers.ParseTriple(parse.GetValue(std), "--std"),
            parse.GetValue(labels), parse.GetValue(report), parse.GetValue(weightClip), parse.GetValue(biasCorrect),
            new QualityGate(parse.GetValue(minSqnr), parse.GetValue(strict), error), parse.GetValue(anchors), budget)));
        return command;
    }

    /// <summary>
    /// The lowest SQNR among the model's outputs: each output's producer, or where that has no measurement (the final
    /// Dequantize, a Reshape), the nearest operator before it that has one. +∞ when every output is exact.
    /// </summary>
    private static double OutputSqnr(ModelDefinition d, IReadOnlyDictionary<int, LayerError> errors)
    {
        double worst = double.PositiveInfinity;
        foreach (int output in d.Outputs)
        {
            int tensor = output;
            for (int steps = 0; steps < d.Operators.Count; steps++)
            {
                int producer = Enumerable.Range(0, d.Operators.Count).LastOrDefault(i => d.Operators[i].Outputs.Contains(tensor), -1);
                if (producer < 0) break;
                if (errors.TryGetValue(producer, out var e)) { worst = Math.Min(worst, e.SqnrDb); break; }
                tensor = d.Operators[producer].Inputs[0];
            }
        }
        return worst;
    }

    private static void CheckOutputs(FileInfo model, FileInfo outFile, FileInfo? report, FileInfo? labels, FileInfo? anchors)
    {
        CommandHelpers.CheckWritable(outFile, "-o", model, labels, anchors);
        if (report is null) return;
        if (!(report.Extension.Equals(".md", StringComparison.OrdinalIgnoreCase) || report.Extension.Equals(".json", StringComparison.OrdinalIgnoreCase)))
            throw new ArgumentException($"--report {report.FullName}: give a .md or .json file");
        CommandHelpers.CheckWritable(report, "--report", model, labels, anchors, outFile);
    }

    /// <summary>
    /// --mean/--std are in pixel units (0–255). Values in 0–1 units (torchvision's 0.485/0.229) would normalize every
    /// input into a sliver of the model's range and quantize a model that sees nothing: refused with the fix.
    /// </summary>
    internal static void CheckNormalization(float[]? mean, float[]? std)
    {
        if (std is not null && std.Any(v => !(v > 0))) throw new ArgumentOutOfRangeException("--std", $"--std {string.Join(",", std)}: each value must be above 0");
        bool fractionalMean = mean is not null && mean.All(v => v > 0 && v < 1);
        bool smallStd = std is not null && std.Any(v => v < 1);
        if (fractionalMean || smallStd)
            throw new ArgumentOutOfRangeException(fractionalMean ? "--mean" : "--std",
                $"{(fractionalMean ? "--mean " + string.Join(",", mean!) : "--std " + string.Join(",", std!))} looks like 0–1 units; --mean and --std are in pixel units (0–255): multiply by 255 (e.g. --mean 123.675,116.28,103.53 --std 58.395,57.12,57.375)");
    }

    /// <summary>Conversion takes one RGB image of a sane size: refused here rather than by an allocation later.</summary>
    internal static void CheckInputShape(string model, int[] shape)
    {
        if (shape.Length != 4 || shape[1] != 3) throw new ArgumentException($"{model}: input [{string.Join(",", shape)}] is not an NCHW RGB image");
        if (shape[0] != 1) throw new ArgumentException($"{model}: input batch {shape[0]}: the converter takes batch-1 models (export with batch 1)");
        if (shape[2] < 1 || shape[3] < 1 || shape[2] > MaxInputSide || shape[3] > MaxInputSide)
            throw new ArgumentException($"{model}: input {shape[3]}×{shape[2]} is outside 1..{MaxInputSide} pixels a side");
    }

    private const int MaxInputSide = 4096;

    /// <summary>How many labels a float model's outputs need: C of a classifier's [1, C] or a class map's [1, C, H, W]; -1 when they say nothing.</summary>
    private static int ClassCount(Graph.ModelGraph graph)
    {
        if (graph.Outputs.Count != 1) return -1;
        var shape = graph.Value(graph.Outputs[0]).Shape;
        return shape is { Length: 2 or 4 } ? shape[1] : -1;
    }

    /// <summary>A quantized .tflite model needs no calibration: its integer semantics are imported as they are.</summary>
    private static int RunTflite(TextWriter output, FileInfo modelFile, FileInfo outFile, FileInfo? labelsFile, string match, long? ramBudget)
    {
        if (match != "tflite" && match != "tflm") throw new ArgumentOutOfRangeException("--match", match, "--match must be tflite or tflm");
        CheckOutputs(modelFile, outFile, null, labelsFile, null);
        var clock = Stopwatch.StartNew();
        byte[] bytes = File.ReadAllBytes(modelFile.FullName);
        var tflite = Tflite.TfliteModel.Parse(bytes, modelFile.Name);
        var labels = labelsFile is null ? Array.Empty<string>() : LabelFile.Read(labelsFile.FullName, Models.TfliteMetadata.Classes(tflite));
        var metadata = Models.TfliteMetadata.Create(tflite, Path.GetFileNameWithoutExtension(modelFile.Name), bytes, labels, match);
        var kernels = match == "tflm" ? Tflite.TfliteKernels.Micro : Tflite.TfliteKernels.Builtin;
        var definition = Tflite.TfliteImporter.Import(tflite, metadata, kernels);
        byte[] file = ModelWriter.Write(definition);
        file = FitRamBudget(output, file, definition, modelFile.Name, ramBudget);
        File.WriteAllBytes(outFile.FullName, file);
        var model = EmbeddedModel.Load(file);
        InspectCommand.WriteText(output, model, file.Length);
        output.WriteLine($"wrote {outFile.FullName} in {clock.Elapsed.TotalSeconds:F1} s (matching {(kernels == Tflite.TfliteKernels.Micro ? "TFLite Micro's reference kernels" : "TFLite's builtin kernels")})");
        return CliErrors.Ok;
    }

    /// <summary>
    /// With --ram-budget: the model as the microcontroller runtime would hold it (its memory plan already reuses buffers
    /// and runs elementwise operators in place) must fit — if need be with its first layers streamed row by row, which
    /// adds the row-band section to the file; if not, nothing is written and the peak is named.
    /// </summary>
    private static byte[] FitRamBudget(TextWriter output, byte[] file, ModelDefinition definition, string modelName, long? budget)
    {
        if (budget is not { } bytes) return file;
        var (fitted, memory) = Microcontroller.MicrocontrollerMemory.Fit(file, definition, modelName, bytes);
        output.WriteLine(memory.Summary(budget));
        if (memory.PeakBytes > budget)
            throw new ArgumentOutOfRangeException("--ram-budget",
                $"{modelName} needs {memory.PeakBytes:N0} B of RAM on a microcontroller, over the {budget:N0} B of --ram-budget; nothing written. " +
                $"The arena peaks at {memory.PeakDescription}: a smaller input or fewer channels there lowers it");
        return fitted;
    }

    private static RangeMethod ParseMethod(string text) => text.ToLowerInvariant() switch
    {
        "auto" => RangeMethod.Auto, "minmax" => RangeMethod.MinMax, "percentile" => RangeMethod.Percentile, "mse" => RangeMethod.Mse, "kl" => RangeMethod.Kl,
        _ => throw new ArgumentOutOfRangeException("--method", text, "--method must be auto, minmax, percentile, mse or kl"),
    };

    /// <summary>
    /// The precision and its SQNR target. <c>targetGiven</c>: --target-sqnr was on the command line, so 8 bits must reach
    /// it too (without it, 8 bits stay while they reach --min-sqnr and the target applies only once they fall short).
    /// </summary>
    private static (ActivationPrecision precision, double target, bool targetGiven) ParsePrecision(string text, double target, bool targetGiven)
    {
        var precision = text.ToLowerInvariant() switch
        {
            "auto" => ActivationPrecision.Auto, "int8" => ActivationPrecision.Int8, "int16" => ActivationPrecision.Int16,
            _ => throw new ArgumentOutOfRangeException("--activations", text, "--activations must be auto, int8 or int16"),
        };
        if (!double.IsFinite(target)) throw new ArgumentOutOfRangeException("--target-sqnr", "--target-sqnr must be a number of dB");
        return (precision, target, targetGiven);
    }

    /// <summary>Quantized .tflite models are imported as they are; float ones are calibrated like ONNX models.</summary>
    private static bool IsQuantizedTflite(FileInfo file) =>
        file.Extension.Equals(".tflite", StringComparison.OrdinalIgnoreCase)
        && !Tflite.TfliteFloatImporter.IsFloatModel(Tflite.TfliteModel.Load(file.FullName));

    private static int Run(TextWriter output, FileInfo modelFile, FileInfo outFile, DirectoryInfo calibDir, int? calibCount, string methodText, (ActivationPrecision precision, double target, bool targetGiven) activations,
        float[]? mean, float[]? std, FileInfo? labelsFile, FileInfo? reportFile, bool weightClipping, bool biasCorrection, QualityGate gate, FileInfo? anchorsFile, long? ramBudget)
    {
        if (double.IsNaN(gate.MinSqnr)) throw new ArgumentOutOfRangeException("--min-sqnr", "--min-sqnr must be a number of dB");
        var method = ParseMethod(methodText);
        // Everything that can fail fast does so before the import and the minutes of calibration.
        if (!modelFile.Exists) throw new FileNotFoundException($"{modelFile.FullName} does not exist", modelFile.FullName);
        if (!calibDir.Exists) throw new DirectoryNotFoundException($"--calib: folder {calibDir.FullName} does not exist");
        CheckOutputs(modelFile, outFile, reportFile, labelsFile, anchorsFile);
        CheckNormalization(mean, std);
        var console = CommandHelpers.Console(output);
        var clock = Stopwatch.StartNew();
        byte[] onnx = File.ReadAllBytes(modelFile.FullName);
        bool tflite = modelFile.Extension.Equals(".tflite", StringComparison.OrdinalIgnoreCase);
        Func<byte[], IReadOnlyList<byte[]>, ConversionOptions, ConversionResult> convert = tflite ? ModelConverter.ConvertFloatTflite : ModelConverter.ConvertOnnx;
        var probe = tflite ? Tflite.TfliteFloatImporter.Load(Tflite.TfliteModel.Parse(onnx, modelFile.Name), modelFile.Name) : Onnx.OnnxImporter.Load(onnx, modelFile.Name);
        var shape = probe.Value(probe.Inputs[0]).Shape!;
        CheckInputShape(modelFile.Name, shape);
        var labels = labelsFile is null ? Array.Empty<string>() : LabelFile.Read(labelsFile.FullName, anchorsFile is null ? ClassCount(probe) : -1);

        // The anchors are checked before calibration: a wrong file fails in a second, not after minutes.
        DetectionHead? detection = null;
        if (anchorsFile is not null)
        {
            if (!anchorsFile.Exists) throw new FileNotFoundException($"--anchors: '{anchorsFile.FullName}' does not exist", anchorsFile.FullName);
            var (anchorShape, anchorValues) = Graph.NpyArray.ReadFloats(File.ReadAllBytes(anchorsFile.FullName), anchorsFile.Name);
            var heads = probe.Outputs.Select(o => probe.Value(o).Shape).ToArray();
            if (heads.Length != 2 || heads[0] is not { Length: 3 } || heads[1] is not { Length: 3 } || heads[0]![2] != 4)
                throw new ArgumentException($"--anchors: {modelFile.Name} is not a raw SSD head (outputs [1,N,4] boxes and [1,N,C] class logits)");
            if (anchorShape.Length != 2 || anchorShape[1] != 4 || anchorShape[0] != heads[0]![1])
                throw new ArgumentException($"--anchors: shape ({string.Join(",", anchorShape)}) does not match the head's {heads[0]![1]} boxes of 4");
            detection = DetectionHead.Torchvision(anchorValues, heads[1]![2], shape[3], shape[2]);
        }

        var candidates = CommandHelpers.InputFiles(calibDir.FullName).Where(ImageLoader.IsImageFile).ToArray();
        if (candidates.Length == 0) throw new DirectoryNotFoundException($"no calibration images in '{calibDir.FullName}'");
        bool stretch = ModelConverter.StretchesInput(probe);
        // An image that cannot be read is skipped with a warning (and counted), not the end of the conversion.
        var (files, pixels) = CommandHelpers.LoadImages(candidates, calibCount ?? int.MaxValue,
            image => stretch ? ClassifierInput.Stretch(image, shape[3], shape[2]) : ClassifierInput.Prepare(image, shape[3], shape[2]), gate.Error, "calibration image");
        if (files.Length == 0) throw new ImageFormatException($"none of the {candidates.Length} images in '{calibDir.FullName}' can be read");
        console.WriteLine($"calibration: {files.Length} images from {calibDir.FullName}");

        ConversionOptions Options(Action<int, int>? progress) => new()
        {
            Method = method, Mean = mean, Std = std, Labels = labels, Name = Path.GetFileNameWithoutExtension(modelFile.Name),
            SourceHash = "sha256:" + Convert.ToHexString(SHA256.HashData(onnx)).ToLowerInvariant(),
            Activations = activations.precision, TargetSqnr = activations.target, KeepInt8AboveSqnr = activations.targetGiven ? activations.target : gate.MinSqnr,
            MseWeightClipping = weightClipping, BiasCorrectionImages = biasCorrection ? Math.Min(pixels.Length, 64) : 0, Progress = progress, Detection = detection,
        };
        ConversionResult result;
        // A live progress bar only on a terminal; piped output (scripts, CI) stays plain text.
        if (ReferenceEquals(output, System.Console.Out) && !System.Console.IsOutputRedirected)
        {
            ConversionResult? done = null;
            AnsiConsole.Progress().Start(ctx =>
            {
                var task = ctx.AddTask("calibrating (2 passes)");
                done = convert(onnx, pixels, Options((finished, total) => { task.MaxValue = total; task.Value = finished; }));
                task.Value = task.MaxValue;
            });
            result = done!;
        }
        else result = convert(onnx, pixels, Options(null));
        foreach (string line in result.Log) console.WriteLine(line);
        byte[] file = ModelWriter.Write(result.Quantized.Definition);
        var model = EmbeddedModel.Load(file);
        int reportImages = Math.Min(ReportImages, pixels.Length);
        var errors = LayerErrorAnalysis.Run(result.FloatGraph, model, pixels.Take(reportImages).ToArray()).ToDictionary(e => e.OperatorIndex);

        var d = model.Definition;
        // One set of cells per operator, rendered as the console table, the Markdown report and the JSON report.
        string[] headers = { "#", "operator", "name", "output", "MACs", "params", "quantization", "SQNR dB" };
        var cells = new List<string[]>();
        var rows = new List<object>();
        for (int i = 0; i < d.Operators.Count; i++)
        {
            var op = d.Operators[i];
            var o = d.Tensors[op.Outputs[0]];
            string quant = o.Quantization is null ? "float32" : o.Quantization.IsPerAxis ? $"per-channel ×{o.Quantization.Count}" : $"s={CommandHelpers.F(o.Quantization.Scales[0], "G4")} zp={o.Quantization.ZeroPoints[0]}";
            double? sqnr = errors.TryGetValue(i, out var e) ? e.SqnrDb : null;
            long macs = ModelStatistics.MultiplyAccumulates(op, d.Tensors), parameters = ModelStatistics.Parameters(op, d.Tensors);
            string type = o.Type.ToString().ToLowerInvariant();
            cells.Add(new[] { i.ToString(), op.Code.ToString(), op.Name, $"{type}[{string.Join("×", o.Shape)}]", macs.ToString("N0"), parameters.ToString("N0"), quant, sqnr is double v ? CommandHelpers.F(v, "F1") : "" });
            rows.Add(new { index = i, @operator = op.Code.ToString(), name = op.Name, output_shape = o.Shape, type, macs, parameters, quantization = quant,
                sqnr_db = sqnr is double f && double.IsFinite(f) ? f : (double?)null, exact = sqnr is double x && double.IsPositiveInfinity(x) });
        }
        var table = new Table().AddColumns(headers);
        foreach (var row in cells) table.AddRow(row.Select(Markup.Escape).ToArray());
        console.Write(table);
        long totalMacs = ModelStatistics.TotalMultiplyAccumulates(d);
        double outputSqnr = OutputSqnr(d, errors);
        // A segmentation model is judged by its classes per pixel as well (ClassMapAgreement).
        double? agreement = ClassMapAgreement.Worst(result.FloatGraph, model, pixels.Take(reportImages).ToArray());
        console.WriteLine($"file {file.Length:N0} bytes, MACs {totalMacs:N0}, parameters {ModelStatistics.TotalParameters(d):N0}, arena {model.ArenaBytes:N0} bytes, output SQNR {CommandHelpers.F(outputSqnr, "F1")} dB" +
            (agreement is double shown ? $", pixels classed as in float {CommandHelpers.F(100 * shown, "F1")} % (worst image)" : ""));
        if (agreement is double worst && worst < ClassMapAgreement.DefaultFloor)
        {
            string problem = $"{modelFile.Name}: on the worst of {reportImages} calibration images only {CommandHelpers.F(100 * worst, "F1")} % of the pixels get the float model's class, below {100 * ClassMapAgreement.DefaultFloor:F0} %" +
                (activations.precision == ActivationPrecision.Int8 ? "; --activations auto widens for the class map" : "");
            if (gate.Strict) throw new QuantizationQualityException(problem + "; --strict: nothing written");
            gate.Error.WriteLine($"warning: {problem}");
        }
        if (outputSqnr < gate.MinSqnr)
        {
            string problem = $"{modelFile.Name}: the quantized output's SQNR against the float model is {CommandHelpers.F(outputSqnr, "F1")} dB on {reportImages} calibration images, below {CommandHelpers.F(gate.MinSqnr, "F1")} dB: " +
                "the quantized model may not follow the float one (per-layer SQNR above; emb verify checks other images)" +
                (activations.precision == ActivationPrecision.Int8 ? "; --activations auto keeps the noisiest activations in 16 bits" : "");
            if (gate.Strict) throw new QuantizationQualityException(problem + "; --strict: nothing written");
            gate.Error.WriteLine($"warning: {problem}");
        }
        file = FitRamBudget(output, file, d, modelFile.Name, ramBudget);
        File.WriteAllBytes(outFile.FullName, file);
        console.WriteLine($"wrote {outFile.FullName} in {clock.Elapsed.TotalSeconds:F1} s");

        if (reportFile is not null)
        {
            if (reportFile.Extension.Equals(".json", StringComparison.OrdinalIgnoreCase))
                File.WriteAllText(reportFile.FullName, JsonSerializer.Serialize(new { model = modelFile.Name, file_bytes = file.Length, macs = totalMacs, arena_bytes = model.ArenaBytes, method = method.ToString(), calibration_images = files.Length, passes = result.Log, layers = rows }, new JsonSerializerOptions { WriteIndented = true }));
            else
            {
                using var md = new StreamWriter(reportFile.FullName);
                md.WriteLine($"# {modelFile.Name} → {outFile.Name}\n");
                foreach (string line in result.Log) md.WriteLine($"- {line}");
                md.WriteLine($"\nfile {file.Length:N0} bytes · MACs {totalMacs:N0} · arena {model.ArenaBytes:N0} bytes\n");
                md.WriteLine("| " + string.Join(" | ", headers) + " |");
                md.WriteLine("|" + string.Concat(Enumerable.Repeat("---|", headers.Length)));
                foreach (var row in cells) md.WriteLine("| " + string.Join(" | ", row) + " |");
            }
            console.WriteLine($"report: {reportFile.FullName}");
        }
        return CliErrors.Ok;
    }
}
