using System;

namespace Embedded.Runtime.Kernels;

/// <summary>Dequantize kernels (model output boundary).</summary>
public static partial class Dequantize
{
    /// <summary>x = (float)(s[c] · (q − zp[c])) with the product in double, as TFLite's reference Dequantize.</summary>
    public static void Reference(QuantizedInput input, Span<float> output, ReadOnlySpan<float> scales)
    {
        int channels = input.Channels;
        for (int i = 0; i < output.Length; i++)
        {
            int c = i % channels;
            double scale = scales[scales.Length == 1 ? 0 : c];
            output[i] = (float)(scale * (input[i] - input.ZeroPoint(c)));
        }
    }
}
