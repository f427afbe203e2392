using System;
using System.IO;
using System.Linq;
using Embedded.Converter.Tflite;
using Embedded.Runtime.Execution;
using Embedded.Runtime.Format;
using Embedded.Runtime.Model;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Converter.Tests.Tflite;

/// <summary>Operators no shared model uses (RELU*, LOGISTIC, TANH, PAD, CONCATENATION) against the real TFLite's bytes.</summary>
[TestClass]
public sealed class TfliteOperatorTests
{
    [TestMethod]
    public void EveryOperatorCase_GivesTfliteBuiltinBytes()
    {
        var failures = new System.Collections.Generic.List<string>();
        int cases = 0;
        foreach (var c in TfliteOperatorCases.All())
        {
            cases++;
            var definition = TfliteImporter.Import(TfliteModel.Parse(c.Model, c.Name + ".tflite"), new ModelMetadata { Name = c.Name });
            var interpreter = EmbeddedModel.Load(ModelWriter.Write(definition)).CreateInterpreter();
            c.Input.CopyTo(interpreter.Input(0).Bytes);
            interpreter.Invoke();
            var actual = interpreter.Output(0).Bytes.ToArray();
            var expected = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Tflite", "Operators", c.Name + ".out"));
            int differ = actual.Zip(expected, (a, b) => a != b).Count(d => d);
            if (actual.Length != expected.Length || differ != 0) failures.Add($"{c.Name}: {differ} of {expected.Length} bytes differ");
        }
        Assert.AreEqual(13, cases);
        Assert.AreEqual(0, failures.Count, string.Join("; ", failures));
    }

    [TestMethod]
    public void PadReadOnlyByAConvolution_BecomesItsPadding_AndAPadThatIsAnOutputStays()
    {
        foreach (var c in TfliteOperatorCases.All().Where(c => c.Name.StartsWith("pad_")))
        {
            var definition = TfliteImporter.Import(TfliteModel.Parse(c.Model, c.Name + ".tflite"), new ModelMetadata { Name = c.Name });
            var codes = definition.Operators.Select(o => o.Code).ToArray();
            if (c.Name is "pad_int8" or "pad_uint8") CollectionAssert.AreEqual(new[] { OperatorCode.Pad }, codes, c.Name);
            else
            {
                Assert.HasCount(1, codes, c.Name);
                Assert.AreNotEqual(OperatorCode.Pad, codes[0], c.Name);
                // The convolution reads the graph input itself, with the PAD's rows and columns in its padding.
                Assert.AreEqual(definition.Inputs[0], definition.Operators[0].Inputs[0]);
            }
        }
    }

    [TestMethod]
    public void MatchTflm_RefusesLogisticClearly_AndQuantizedConcatWithActivationIsRefused()
    {
        var logistic = TfliteOperatorCases.All().First(c => c.Name == "logistic_int8");
        var error = Assert.ThrowsExactly<TfliteFormatException>(() => TfliteImporter.Import(TfliteModel.Parse(logistic.Model, "logistic.tflite"), new ModelMetadata(), TfliteKernels.Micro));
        StringAssert.Contains(error.Message, "LOGISTIC");
    }

    [TestMethod]
    public void AbsentRequiredInputs_AreRefusedClearly_ByBothImporters()
    {
        foreach (byte type in new[] { Support.TfliteBuilder.Int8, Support.TfliteBuilder.Float32 })
        foreach (int code in new[] { 0, 3, 2 })   // ADD, CONV_2D, CONCATENATION
        {
            var b = new Support.TfliteBuilder();
            float? scale = type == Support.TfliteBuilder.Float32 ? null : 0.1f;
            int x = b.Tensor("x", type, new[] { 1, 4, 4, 3 }, scale);
            int y = b.Tensor("y", type, new[] { 1, 4, 4, 3 }, scale);
            b.Operator(code, new[] { x, -1 }, new[] { y });
            b.Io(new[] { x }, new[] { y });
            var model = TfliteModel.Parse(b.Build(), "absent.tflite");
            var error = Assert.ThrowsExactly<TfliteFormatException>(() =>
            {
                if (type == Support.TfliteBuilder.Float32) TfliteFloatImporter.Load(model, "absent");
                else TfliteImporter.Import(model, new ModelMetadata());
            }, $"builtin {code} on {type}");
            StringAssert.Contains(error.Message, "operator 0");
        }
    }
}
