using System;
using Embedded.Converter.Onnx;
using Embedded.Converter.Passes;
using Embedded.Converter.Tflite;
using Embedded.Runtime.Execution;
using Embedded.Runtime.Format;
using Embedded.Runtime.Model;

namespace Embedded.Fuzz.Targets;

/// <summary>The model readers: what a user's file goes through before anything runs.</summary>
internal static class ModelTargets
{
    // The fuzzer mutates bytes; with the checksum on, nearly every mutation would stop at the CRC. The CRC itself is
    // a loop over the bytes, covered by the unit tests.
    private static readonly ModelReadOptions NoChecksum = new() { VerifyChecksum = false };

    /// <summary>
    /// Read and validate; a model the validator accepts must also run: one inference on zeros. (The validator is
    /// what stands between a file and the kernels' unchecked indexing, so this is the check that it is complete.)
    /// </summary>
    public static void Emb(byte[] input)
    {
        var model = EmbeddedModel.Load(input, NoChecksum);
        using var interpreter = model.CreateInterpreter(new InterpreterOptions { Threads = 1 });
        interpreter.Invoke();
    }

    /// <summary>Parse; then import as `emb convert` does: quantized models into .emb (written and read back), float ones into the float graph and its passes.</summary>
    public static void Tflite(byte[] input)
    {
        var model = TfliteModel.Parse(input, "fuzz.tflite");
        if (TfliteFloatImporter.IsFloatModel(model))
        {
            var graph = TfliteFloatImporter.Load(model, "fuzz");
            GraphOptimizer.Run(graph, new[] { 127.5f, 127.5f, 127.5f }, new[] { 127.5f, 127.5f, 127.5f });
            return;
        }
        foreach (var kernels in new[] { TfliteKernels.Builtin, TfliteKernels.Micro })
        {
            var definition = TfliteImporter.Import(model, new ModelMetadata { Name = "fuzz" }, kernels);
            EmbeddedModel.Load(ModelWriter.Write(definition));
        }
    }

    /// <summary>Import and run the graph passes (with a normalization given, as `emb convert --mean --std` does).</summary>
    public static void Onnx(byte[] input)
    {
        var graph = OnnxImporter.Load(input, "fuzz.onnx");
        GraphOptimizer.Run(graph, new[] { 123.675f, 116.28f, 103.53f }, new[] { 58.395f, 57.12f, 57.375f });
    }
}
