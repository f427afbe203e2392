using System;
using Embedded.Runtime.Model;
using Embedded.Runtime.Quantization;

namespace Embedded.Runtime.Kernels;

/// <summary>Quantize kernels (model input boundary).</summary>
public static partial class Quantize
{
    /// <summary>
    /// float32 → integer as TFLite's AffineQuantize: q = round_half_away(x / s[c]) + zp[c] in float, saturated
    /// (NaN becomes the zero point).
    /// </summary>
    public static void FromFloatReference(ReadOnlySpan<float> input, QuantizedOutput output, ReadOnlySpan<float> scales)
    {
        int channels = output.Channels;
        int min = output.Type.MinValue(), max = output.Type.MaxValue();
        for (int i = 0; i < input.Length; i++)
        {
            int c = i % channels;
            int zp = output.ZeroPoint(c);
            float scaled = (float)Math.Round(input[i] / scales[scales.Length == 1 ? 0 : c], MidpointRounding.AwayFromZero);
            int q;
            if (float.IsNaN(scaled)) q = zp;
            else if (scaled + zp <= min) q = min;
            else if (scaled + zp >= max) q = max;
            else q = (int)scaled + zp;
            output.Store(i, q);
        }
    }

    /// <summary>Integer → integer requantization: zp_out[c] + offset[c] + M[c]·(x − zp_in[c]), saturated. Safe in place for equal element sizes.</summary>
    public static void RequantizeReference(QuantizedInput input, QuantizedOutput output, QuantizeParams p)
    {
        int channels = output.Channels;
        int count = output.Bytes.Length / output.Type.SizeInBytes();
        int min = output.Type.MinValue(), max = output.Type.MaxValue();
        for (int i = 0; i < count; i++)
        {
            int c = i % channels;
            var m = PerChannel.Pick(p.Multipliers, c);
            int offset = p.Offsets.Length == 0 ? 0 : PerChannel.Pick(p.Offsets, c);
            long q = output.ZeroPoint(c) + (long)offset + FixedPoint.MultiplyByQuantizedMultiplier(input[i] - input.ZeroPoint(c), m.Multiplier, m.Shift, p.Rounding);
            output.Store(i, PerChannel.Clamp(q, min, max));
        }
    }
}
