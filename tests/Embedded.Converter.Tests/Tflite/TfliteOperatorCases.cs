using System;
using System.Collections.Generic;
using System.Linq;
using Embedded.Converter.Tests.Support;

namespace Embedded.Converter.Tests.Tflite;

/// <summary>
/// One-operator .tflite models for the operators no shared model uses (and PAD before a convolution, which the importer
/// folds), each with an input that holds every 8-bit
/// value (so element-wise functions are checked exhaustively). Their expected outputs come from the real TFLite
/// interpreter (Tflite/Operators/README.md).
/// </summary>
internal static class TfliteOperatorCases
{
    private const int Concatenation = 2, Conv2D = 3, DepthwiseConv2D = 4, Logistic = 14, Relu = 19, ReluN1To1 = 20, Relu6 = 21, Tanh = 28, Pad = 34;
    private const byte Conv2DOptions = 1, DepthwiseConv2DOptions = 2, ConcatenationOptions = 10, PadOptions = 22;
    private static readonly int[] Shape = { 1, 4, 8, 8 };

    public sealed record Case(string Name, byte[] Model, byte[] Input);

    public static IEnumerable<Case> All()
    {
        yield return Unary("relu_int8", Relu, TfliteBuilder.Int8, 0.05f, -10, 0.03f, -128);
        yield return Unary("relu6_uint8", Relu6, TfliteBuilder.UInt8, 0.05f, 120, 0.025f, 0);
        yield return Unary("relu_n1_to_1_int8", ReluN1To1, TfliteBuilder.Int8, 0.01f, 3, 0.008f, 0);
        yield return Unary("logistic_int8", Logistic, TfliteBuilder.Int8, 0.08f, 5, 1f / 256, -128);
        yield return Unary("logistic_uint8", Logistic, TfliteBuilder.UInt8, 0.08f, 128, 1f / 256, 0);
        yield return Unary("tanh_int8", Tanh, TfliteBuilder.Int8, 0.04f, -3, 1f / 128, 0);
        yield return Unary("tanh_uint8", Tanh, TfliteBuilder.UInt8, 0.04f, 130, 1f / 128, 128);
        yield return PadCase("pad_int8", TfliteBuilder.Int8, -7);
        yield return PadCase("pad_uint8", TfliteBuilder.UInt8, 131);
        yield return ConcatCase("concat_int8_same_scale", TfliteBuilder.Int8, 0.1f, 4, 0.1f, 4, 0);
        yield return ConcatCase("concat_uint8_rescaled", TfliteBuilder.UInt8, 0.1f, 120, 0.07f, 128, 0);
        yield return PadThenConvolution("pad_conv_int8", TfliteBuilder.Int8, depthwise: false);
        yield return PadThenConvolution("pad_depthwise_uint8", TfliteBuilder.UInt8, depthwise: true);
    }

    /// <summary>
    /// PAD (Keras' ZeroPadding2D) read only by a convolution, which the importer folds into the convolution's padding:
    /// a 3×3 stride-2 VALID CONV_2D (int8), or a 3×3 stride-1 SAME DEPTHWISE_CONV_2D (uint8, weights with a zero
    /// point) whose own padding adds to the PAD's.
    /// </summary>
    private static Case PadThenConvolution(string name, byte type, bool depthwise)
    {
        var b = new TfliteBuilder();
        var random = new Random(depthwise ? 41 : 42);
        bool u8 = type == TfliteBuilder.UInt8;
        int[] inShape = depthwise ? new[] { 1, 5, 6, 8 } : new[] { 1, 6, 7, 3 };
        int[] paddings = depthwise ? new[] { 0, 0, 1, 0, 0, 1, 0, 0 } : new[] { 0, 0, 1, 1, 1, 2, 0, 0 };
        int[] padded = { 1, inShape[1] + paddings[2] + paddings[3], inShape[2] + paddings[4] + paddings[5], inShape[3] };
        int cout = depthwise ? inShape[3] : 4;
        int[] wShape = depthwise ? new[] { 1, 3, 3, cout } : new[] { cout, 3, 3, inShape[3] };
        int[] outShape = depthwise ? padded.Take(3).Append(cout).ToArray() : new[] { 1, (padded[1] - 3) / 2 + 1, (padded[2] - 3) / 2 + 1, cout };
        float inScale = 0.05f, wScale = 0.02f;
        long inZp = u8 ? 120 : -5, wZp = u8 ? 130 : 0;
        int x = b.Tensor("x", type, inShape, inScale, inZp);
        int p = b.Tensor("paddings", TfliteBuilder.Int32, new[] { 4, 2 }, data: paddings.SelectMany(BitConverter.GetBytes).ToArray());
        int xp = b.Tensor("x_padded", type, padded, inScale, inZp);
        var weightBytes = new byte[wShape.Aggregate(1, (a, c) => a * c)];
        for (int i = 0; i < weightBytes.Length; i++) weightBytes[i] = u8 ? (byte)random.Next(40, 230) : (byte)(sbyte)random.Next(-127, 128);
        int w = b.Tensor("w", type, wShape, wScale, wZp, weightBytes);
        int bias = b.Tensor("b", TfliteBuilder.Int32, new[] { cout }, inScale * wScale, 0, Enumerable.Range(0, cout).SelectMany(c => BitConverter.GetBytes(random.Next(-3000, 3000))).ToArray());
        int y = b.Tensor("y", type, outShape, depthwise ? 0.08f : 0.6f, u8 ? 100 : 3);
        b.Operator(Pad, new[] { x, p }, new[] { xp }, PadOptions);
        if (depthwise) b.Operator(DepthwiseConv2D, new[] { xp, w, bias }, new[] { y }, DepthwiseConv2DOptions, (0, (byte)0), (1, 1), (2, 1), (3, 1), (4, (byte)3));
        else b.Operator(Conv2D, new[] { xp, w, bias }, new[] { y }, Conv2DOptions, (0, (byte)1), (1, 2), (2, 2), (3, (byte)0));
        b.Io(new[] { x }, new[] { y });
        return new Case(name, b.Build(), AllValues(depthwise ? DepthwiseConv2D : Conv2D).Take(inShape.Aggregate(1, (a, c) => a * c)).ToArray());
    }

    /// <summary>Every value of the element type, in a fixed shuffled order.</summary>
    private static byte[] AllValues(int seed)
    {
        var values = Enumerable.Range(0, 256).Select(v => (byte)v).ToArray();
        var random = new Random(seed);
        for (int i = values.Length - 1; i > 0; i--) { int j = random.Next(i + 1); (values[i], values[j]) = (values[j], values[i]); }
        return values;
    }

    private static Case Unary(string name, int code, byte type, float inScale, long inZp, float outScale, long outZp)
    {
        var b = new TfliteBuilder();
        int x = b.Tensor("x", type, Shape, inScale, inZp);
        int y = b.Tensor("y", type, Shape, outScale, outZp);
        b.Operator(code, new[] { x }, new[] { y });
        b.Io(new[] { x }, new[] { y });
        return new Case(name, b.Build(), AllValues(code));
    }

    private static Case PadCase(string name, byte type, long zp)
    {
        var b = new TfliteBuilder();
        int x = b.Tensor("x", type, Shape, 0.1f, zp);
        int[] paddings = { 0, 0, 1, 2, 2, 1, 0, 3 };
        int p = b.Tensor("paddings", TfliteBuilder.Int32, new[] { 4, 2 }, data: paddings.SelectMany(BitConverter.GetBytes).ToArray());
        int y = b.Tensor("y", type, new[] { 1, 7, 11, 11 }, 0.1f, zp);
        b.Operator(Pad, new[] { x, p }, new[] { y }, PadOptions);
        b.Io(new[] { x }, new[] { y });
        return new Case(name, b.Build(), AllValues(Pad));
    }

    /// <summary>The graph input concatenated on channels with a constant holding every value.</summary>
    private static Case ConcatCase(string name, byte type, float scale1, long zp1, float scale2, long zp2, byte fusedActivation)
    {
        var b = new TfliteBuilder();
        int x = b.Tensor("x", type, Shape, scale1, zp1);
        int c = b.Tensor("c", type, new[] { 1, 4, 8, 3 }, scale2, zp2, data: AllValues(7).Take(96).ToArray());
        int y = b.Tensor("y", type, new[] { 1, 4, 8, 11 }, 0.1f, type == TfliteBuilder.Int8 ? 4 : 110);
        b.Operator(Concatenation, new[] { x, c }, new[] { y }, ConcatenationOptions, (0, 3), (1, fusedActivation));
        b.Io(new[] { x }, new[] { y });
        return new Case(name, b.Build(), AllValues(Concatenation));
    }
}
