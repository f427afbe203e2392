extern alias nano;
using System;
using System.IO;
using System.Linq;
using Embedded.Converter.Tests.Support;
using Embedded.Converter.Tflite;
using nano::Embedded.Firmware.Nano.Execution;
using Embedded.Firmware.Nano.Tests.Support;
using Embedded.Runtime.Building;
using Embedded.Runtime.Format;
using Embedded.Runtime.Model;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Firmware.Nano.Tests.Execution;

/// <summary>
/// Whole models through the nano interpreter: Visual Wake Words against TFLite's own outputs (builtin kernels, and TFLite
/// Micro's reference kernels when imported with TFLM semantics), MobileNetV1 0.25/128 and models from our converter
/// against the main runtime — byte for byte.
/// </summary>
[TestClass]
public sealed class WholeModelTests
{
    [TestMethod]
    [DataRow(TfliteKernels.Builtin, "tflite-builtin")]
    [DataRow(TfliteKernels.Micro, "tflm-reference")]
    public void VisualWakeWords_GivesTheInterpretersBytes(TfliteKernels kernels, string goldenFolder)
    {
        var nano = new NanoInterpreter(Import("vww_96_int8", kernels));
        string golden = SharedFixtures.Fixture("golden", goldenFolder, "vww_96_int8");
        var inputs = Directory.GetFiles(SharedFixtures.Fixture("golden", "inputs-96"), "*.u8").OrderBy(f => f, StringComparer.Ordinal).ToArray();
        Assert.HasCount(8, inputs);
        var output = new byte[nano.Output(0).ByteLength];
        foreach (string file in inputs)
        {
            // An int8 image input is u8 − 128 (the shared fixtures' convention).
            nano.SetInput(0, File.ReadAllBytes(file).Select(b => (byte)(b ^ 0x80)).ToArray());
            nano.Invoke();
            nano.GetOutput(0, output);
            string name = Path.GetFileNameWithoutExtension(file);
            CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(golden, name + ".i8")), output, $"{name} ({kernels})");
        }
    }

    [TestMethod]
    public void MobileNetV1_025_128_GivesTheMainRuntimesBytes()
    {
        var both = new BothRuntimes(Import("mobilenet_v1_0.25_128_quant", TfliteKernels.Builtin));
        foreach (string file in Directory.GetFiles(SharedFixtures.Fixture("golden", "inputs-128"), "*.u8").OrderBy(f => f, StringComparer.Ordinal))
            both.AssertIdentical(Path.GetFileName(file), File.ReadAllBytes(file));
    }

    /// <summary>MobileNetV2 (uint8, and the int8 TF2 export): inverted residuals, so Add, and the 224×224 sizes.</summary>
    [TestMethod]
    [DataRow("mobilenet_v2_1.0_224_quant")]
    [DataRow("tf2_mobilenet_v2_1.0_224_ptq")]
    public void MobileNetV2_GivesTheMainRuntimesBytes(string model)
    {
        var both = new BothRuntimes(Import(model, TfliteKernels.Builtin));
        string image = Directory.GetFiles(SharedFixtures.Fixture("golden", "inputs"), "*.u8").OrderBy(f => f, StringComparer.Ordinal).First();
        byte[] pixels = File.ReadAllBytes(image);
        if (both.Main.Input(0).Type == Embedded.Runtime.Model.ElementType.Int8) pixels = pixels.Select(b => (byte)(b ^ 0x80)).ToArray();
        both.AssertIdentical($"{model} {Path.GetFileName(image)}", pixels);
    }

    /// <summary>The MobileNetV3-Small the repository ships, converted by `emb convert` (h-swish stages, squeeze-excite Mul, tables).</summary>
    [TestMethod]
    public void BundledConvertedModel_GivesTheMainRuntimesBytes()
    {
        var both = new BothRuntimes(File.ReadAllBytes(Path.Combine(SharedFixtures.Repository, "firmware", "samples", "models", "mobilenet_v3_small_int8.emb")));
        var random = new Random(5);
        for (int i = 0; i < 2; i++)
        {
            var input = new byte[both.Nano.Input(0).ByteLength];
            random.NextBytes(input);
            both.AssertIdentical($"random image {i}", input);
        }
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(3)]
    public void SyntheticMobileNetV3_GivesTheMainRuntimesBytes(int seed)
    {
        var definition = SyntheticMobileNetV3.Build(new SyntheticMobileNetV3.Options
        {
            Resolution = 32, Classes = 10, StemChannels = 8, HeadChannels = 16, HiddenChannels = 24, Blocks = SyntheticMobileNetV3.TinyBlocks, Seed = seed, Name = "tiny",
        });
        var both = BothRuntimes.Of(definition);
        var input = new byte[both.Nano.Input(0).ByteLength];
        new Random(seed).NextBytes(input);
        both.AssertIdentical($"seed {seed}", input);
    }

    internal static byte[] Import(string model, TfliteKernels kernels) =>
        ModelWriter.Write(TfliteImporter.Import(TfliteModel.Load(SharedFixtures.Model(model + ".tflite")), new ModelMetadata { Name = model }, kernels));
}
