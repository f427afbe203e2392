using System;
using Embedded.Runtime.Building;
using Embedded.Runtime.Execution;
using Embedded.Runtime.Model;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Runtime.Tests.Execution;

[TestClass]
public sealed class ImageInputTests
{
    private static readonly byte[] Pixels = { 0, 1, 127, 128, 129, 255, 10, 20, 30, 200, 100, 50 };

    private static EmbeddedModel Model(ElementType type, int[] shape, Preprocessing? preprocessing = null)
    {
        var b = new ModelBuilder();
        var q = type == ElementType.Float32 ? null : QuantizationParams.PerTensor(1f, type == ElementType.Int8 ? -128 : 0);
        int input = b.AddInput("image", type, shape, q);
        int output = b.AddActivation("same", type, shape, q);
        b.AddOperator(OperatorCode.Reshape, "same", new[] { input }, new[] { output }, NoParams.Instance);
        b.MarkOutput(output);
        return EmbeddedModel.FromDefinition(b.Build(new ModelMetadata { Name = "image", Preprocessing = preprocessing ?? new Preprocessing() }));
    }

    [TestMethod]
    public void UInt8Input_TakesThePixelsAsTheyAre()
    {
        var model = Model(ElementType.UInt8, new[] { 1, 2, 2, 3 });
        var interpreter = model.CreateInterpreter();
        new ImageInput(model).Fill(Pixels, interpreter.Input(0));
        CollectionAssert.AreEqual(Pixels, interpreter.Input(0).Bytes.ToArray());
    }

    [TestMethod]
    public void Int8Input_TakesPixelMinus128()
    {
        var model = Model(ElementType.Int8, new[] { 1, 2, 2, 3 });
        var interpreter = model.CreateInterpreter();
        new ImageInput(model).Fill(Pixels, interpreter.Input(0));
        var values = interpreter.Input(0).AsSpan<sbyte>().ToArray();
        for (int i = 0; i < Pixels.Length; i++) Assert.AreEqual(Pixels[i] - 128, values[i], $"pixel {i}");
    }

    [TestMethod]
    public void FloatInput_IsNormalizedPerChannel_ByTheMetadata()
    {
        var mean = new[] { 10f, 20f, 30f };
        var std = new[] { 2f, 4f, 8f };
        var model = Model(ElementType.Float32, new[] { 1, 2, 2, 3 }, new Preprocessing { Mean = mean, Std = std });
        var interpreter = model.CreateInterpreter();
        new ImageInput(model).Fill(Pixels, interpreter.Input(0));
        var values = interpreter.Input(0).AsSpan<float>().ToArray();
        for (int i = 0; i < Pixels.Length; i++) Assert.AreEqual((Pixels[i] - mean[i % 3]) / std[i % 3], values[i], $"pixel {i}");
    }

    [TestMethod]
    public void FloatInput_WithoutMetadata_TakesRawPixelValues()
    {
        var model = Model(ElementType.Float32, new[] { 1, 2, 2, 3 });
        var interpreter = model.CreateInterpreter();
        new ImageInput(model).Fill(Pixels, interpreter.Input(0));
        var values = interpreter.Input(0).AsSpan<float>().ToArray();
        for (int i = 0; i < Pixels.Length; i++) Assert.AreEqual((float)Pixels[i], values[i]);
    }

    [TestMethod]
    public void InputsThatAreNotRgbPixels_AreRefused()
    {
        Assert.ThrowsExactly<ArgumentException>(() => new ImageInput(Model(ElementType.UInt8, new[] { 1, 2, 3, 2 })));
        Assert.ThrowsExactly<ArgumentException>(() => new ImageInput(Model(ElementType.UInt8, new[] { 4, 3 })));
        Assert.ThrowsExactly<ArgumentException>(() => new ImageInput(Model(ElementType.Int16, new[] { 1, 2, 2, 3 })));
    }

    [TestMethod]
    public void PixelsOfAnotherSize_AreRefused_AndTheInputIsLeftAlone()
    {
        var model = Model(ElementType.UInt8, new[] { 1, 2, 2, 3 });
        var interpreter = model.CreateInterpreter();
        var input = new ImageInput(model);
        Assert.ThrowsExactly<ArgumentException>(() => input.Fill(new byte[11], interpreter.Input(0)));
        Assert.ThrowsExactly<ArgumentException>(() => input.Fill(new byte[13], interpreter.Input(0)));
        CollectionAssert.AreEqual(new byte[12], interpreter.Input(0).Bytes.ToArray());
    }

    [TestMethod]
    public void Fill_AllocatesNothing()
    {
        var model = Model(ElementType.Int8, new[] { 1, 2, 2, 3 });
        var interpreter = model.CreateInterpreter();
        var input = new ImageInput(model);
        var tensor = interpreter.Input(0);
        input.Fill(Pixels, tensor);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) input.Fill(Pixels, tensor);
        Assert.AreEqual(0L, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
