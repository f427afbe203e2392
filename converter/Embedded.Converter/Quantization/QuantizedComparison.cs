using System;
using Embedded.Converter.Graph;
using Embedded.Runtime.Kernels;
using Embedded.Runtime.Model;

namespace Embedded.Converter.Quantization;

/// <summary>Pairs the elements of a quantized (or float32) NHWC tensor with its NCHW float reference.</summary>
internal static class QuantizedComparison
{
    public delegate void ElementVisitor(int channel, double reference, double quantized);

    /// <summary>Calls <paramref name="visit"/> for every element: its channel, the float value and the dequantized int value.</summary>
    public static void ForEach(TensorData reference, TensorDefinition tensor, ReadOnlySpan<byte> bytes, ElementVisitor visit)
    {
        var q = tensor.Quantization;
        if (q is null && tensor.Type != ElementType.Float32) throw new ArgumentException($"{tensor} is not quantized");
        var floats = q is null ? Elements.AsFloats(bytes) : default;
        int channels = tensor.Shape[^1];
        bool nchw = reference.Rank == 4;
        int h = nchw ? reference.Shape[2] : 1, w = nchw ? reference.Shape[3] : 1;
        for (int i = 0; i < reference.Length; i++)
        {
            // Element i of the NHWC tensor is (n, y, x, c); find the same element of the NCHW reference.
            int c = i % channels, rest = i / channels;
            int x = rest % w, y = rest / w % h, n = rest / (w * h);
            int r = nchw ? ((n * channels + c) * h + y) * w + x : i;
            double real = q is null ? floats[i] : q.ScaleAt(q.IsPerAxis ? c : 0) * (Elements.Load(bytes, tensor.Type, i) - q.ZeroPointAt(q.IsPerAxis ? c : 0));
            visit(c, reference.Floats[r], real);
        }
    }
}
