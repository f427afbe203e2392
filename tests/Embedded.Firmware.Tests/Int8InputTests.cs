using System;
using Embedded.Boards.Frames;
using Embedded.Firmware.Classification;
using Embedded.Runtime.Building;
using Embedded.Runtime.Execution;
using Embedded.Runtime.Format;
using Embedded.Runtime.Model;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Firmware.Tests;

/// <summary>
/// Models with an int8 image input (TFLite's int8 models: Visual Wake Words) take the pixels as pixel − 128, the uint8
/// input with its zero point moved by 128 — emb-board classifies them instead of refusing them.
/// </summary>
[TestClass]
public sealed class Int8InputTests
{
    [TestMethod]
    public void AnInt8InputModel_GetsPixelMinus128()
    {
        var b = new ModelBuilder();
        var q = QuantizationParams.PerTensor(1f / 255, -128);
        int input = b.AddInput("pixels", ElementType.Int8, new[] { 1, 2, 2, 3 }, q);
        int flat = b.AddActivation("flat", ElementType.Int8, new[] { 1, 12 }, q);
        b.AddOperator(OperatorCode.Reshape, "flatten", new[] { input }, new[] { flat }, NoParams.Instance);
        b.MarkOutput(flat);
        var model = EmbeddedModel.Load(ModelWriter.Write(b.Build(new ModelMetadata { Name = "int8-input" })));
        using var classifier = new FrameClassifier(model, threads: 1);
        var frame = new Frame();
        var rgb = frame.Reset(PixelFormat.Rgb24, 2, 2, 12, TimeSpan.Zero, "rgb");
        byte[] pixels = { 0, 1, 127, 128, 129, 255, 10, 20, 30, 200, 210, 220 };
        pixels.CopyTo(rgb);
        var top = new int[1];
        classifier.Classify(frame, top);
        var seen = classifier.Interpreter.Input(0).Bytes.ToArray();
        for (int i = 0; i < pixels.Length; i++) Assert.AreEqual(pixels[i] - 128, (sbyte)seen[i], $"pixel {i}");
        // The largest pixel − 128 is the top class: scores come through the output's quantization.
        Assert.AreEqual(5, top[0]);
    }
}
