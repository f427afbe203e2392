using System;
using System.Runtime.InteropServices;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

public static partial class InterpolatedTable
{
    /// <summary>
    /// The reference's arithmetic over the int16 values as spans, without the per-element type dispatch of
    /// <see cref="QuantizedInput"/>: every segment lookup depends on its element, which no vector instruction of every
    /// path gathers (AVX2's VPGATHERDD needs pointers), so the gain is the tight loop. Safe in place.
    /// </summary>
    public static void Fast(QuantizedInput input, QuantizedOutput output, InterpolatedTableParams p)
    {
        var x = MemoryMarshal.Cast<byte, short>(input.Bytes);
        var y = MemoryMarshal.Cast<byte, short>(output.Bytes);
        int count = Math.Min(x.Length, y.Length), shift = p.Shift, bias = 256 << shift, mask = (1 << shift) - 1;
        long round = shift == 0 ? 0 : 1L << (shift - 1);
        var s = p.Samples;
        if (s.Length != InterpolatedTableParams.Entries) throw new ArgumentException("an interpolated table has 513 samples", nameof(p));
        for (int k = 0; k < count; k++)
        {
            int u = x[k] + bias, i = u >> shift;
            if ((uint)i > InterpolatedTableParams.Entries - 2) { y[k] = (short)At(s, shift, x[k]); continue; }
            int v = s[i] + (int)(((long)(s[i + 1] - s[i]) * (u & mask) + round) >> shift);
            y[k] = (short)(v < short.MinValue ? short.MinValue : v > short.MaxValue ? short.MaxValue : v);
        }
    }
}
