using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

/// <summary>An elementwise function of an int16 tensor, linearly interpolated between 513 samples.</summary>
public static partial class InterpolatedTable
{
    /// <summary>Every element through <see cref="At"/>. Safe in place.</summary>
    public static void Reference(QuantizedInput input, QuantizedOutput output, InterpolatedTableParams p)
    {
        int count = input.Bytes.Length / 2;
        for (int k = 0; k < count; k++) output.Store(k, At(p.Samples, p.Shift, input[k]));
    }

    /// <summary>
    /// With u = x + 256·2^shift, segment i = clamp(u >> shift, 0, 511) and offset f = u − i·2^shift (negative or beyond
    /// 2^shift only outside the samples, where the end segments extrapolate):
    /// y = s[i] + ((s[i+1] − s[i])·f + 2^(shift−1)) >> shift (arithmetic shift; no rounding term for shift 0), clamped to int16.
    /// </summary>
    public static int At(int[] samples, int shift, int x)
    {
        int u = x + (256 << shift);
        int i = u >> shift;
        i = i < 0 ? 0 : i > InterpolatedTableParams.Entries - 2 ? InterpolatedTableParams.Entries - 2 : i;
        long f = u - (i << shift);
        long round = shift == 0 ? 0 : 1L << (shift - 1);
        long y = samples[i] + (((samples[i + 1] - samples[i]) * f + round) >> shift);
        return y < short.MinValue ? short.MinValue : y > short.MaxValue ? short.MaxValue : (int)y;
    }
}
