using System;
using System.Collections.Generic;
using System.Linq;
using Embedded.Converter.Tflite;

namespace Embedded.Converter.Tests.Support;

/// <summary>
/// A float .tflite model made from a quantized one: constants dequantized with their own scales (weights per
/// channel, biases with s_in·s_w), activations float, QUANTIZE/DEQUANTIZE dropped. From the MLIR int8 V3-Small this
/// gives a trained float TFLite model (the same weights the ONNX fixtures hold) to test the float import path.
/// </summary>
internal static class DequantizedTflite
{
    // Scalar widths (b = byte, i = int32, f = float) of the options tables the MobileNet operators use, by options type.
    private static readonly Dictionary<byte, string> OptionFields = new()
    {
        [1] = "biibii",                 // Conv2DOptions: padding, stride_w, stride_h, fused, dilation_w, dilation_h
        [2] = "biiibii",                // DepthwiseConv2DOptions: padding, stride_w, stride_h, depth_multiplier, fused, dilation_w, dilation_h
        [5] = "biiiib",                 // Pool2DOptions: padding, stride_w, stride_h, filter_w, filter_h, fused
        [8] = "bbbb",                   // FullyConnectedOptions
        [9] = "f",                      // SoftmaxOptions: beta
        [11] = "bb", [21] = "b", [27] = "b", [28] = "bb",   // Add, Mul, Reducer (keep_dims), Sub
    };

    public static byte[] Make(TfliteModel source)
    {
        var g = source.SubGraphs[0];
        var b = new TfliteBuilder();
        var alias = new Dictionary<int, int>();   // QUANTIZE/DEQUANTIZE output → its input
        foreach (var op in g.Operators)
            if (op.BuiltinCode is 114 or 6) alias[op.Outputs[0]] = op.Inputs[0];
        int Resolve(int t) { while (alias.TryGetValue(t, out int a)) t = a; return t; }

        var index = new Dictionary<int, int>();
        int Tensor(int t)
        {
            t = Resolve(t);
            if (index.TryGetValue(t, out int i)) return i;
            var tt = g.Tensors[t];
            var data = source.Buffers[tt.Buffer];
            byte type = tt.Type == TfliteType.Int32 && data.Length == 0 ? TfliteBuilder.Int32 : TfliteBuilder.Float32;
            byte[]? bytes = null;
            if (data.Length > 0)
                bytes = tt.Type == TfliteType.Int32 && tt.Quantization is null
                    ? data.ToArray()
                    : Dequantize(tt, data.Span).SelectMany(BitConverter.GetBytes).ToArray();
            if (tt.Type == TfliteType.Int32 && tt.Quantization is null) type = TfliteBuilder.Int32;
            i = b.Tensor(tt.Name, type, tt.Shape, data: bytes);
            index[t] = i;
            return i;
        }

        foreach (var op in g.Operators)
        {
            if (op.BuiltinCode is 114 or 6) continue;
            var options = new List<(int, object)>();
            if (op.Options is { } o && OptionFields.TryGetValue(op.OptionsType, out string? fields))
                for (int f = 0; f < fields.Length; f++)
                {
                    if (!o.Has(f)) continue;
                    options.Add((f, fields[f] switch { 'b' => (object)o.Byte(f), 'f' => o.Float(f), _ => o.Int(f) }));
                }
            byte optionsType = op.Options is null ? (byte)0 : op.OptionsType;
            b.Operator(op.BuiltinCode, op.Inputs.Select(Tensor).ToArray(), op.Outputs.Select(Tensor).ToArray(), optionsType, options.ToArray());
        }
        b.Io(g.Inputs.Select(Tensor).ToArray(), g.Outputs.Select(Tensor).ToArray());
        return b.Build();
    }

    private static float[] Dequantize(TfliteTensor t, ReadOnlySpan<byte> data)
    {
        var q = t.Quantization ?? throw new ArgumentException($"constant '{t.Name}' is not quantized");
        int count = t.Type == TfliteType.Int32 ? data.Length / 4 : data.Length;
        int axis = q.QuantizedDimension, channels = q.Scales.Length;
        int inner = 1;
        for (int d = axis + 1; d < t.Shape.Length; d++) inner *= t.Shape[d];
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            int c = channels == 1 ? 0 : i / inner % channels;
            long raw = t.Type switch
            {
                TfliteType.Int8 => (sbyte)data[i], TfliteType.UInt8 => data[i], TfliteType.Int32 => BitConverter.ToInt32(data.Slice(4 * i, 4)),
                _ => throw new ArgumentException($"constant '{t.Name}' of type {t.Type}"),
            };
            long zp = q.ZeroPoints.Length == 0 ? 0 : q.ZeroPoints[Math.Min(c, q.ZeroPoints.Length - 1)];
            values[i] = q.Scales[c] * (raw - zp);
        }
        return values;
    }
}
