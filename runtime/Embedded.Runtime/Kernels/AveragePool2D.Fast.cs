using System;
using Embedded.Runtime.Model;
#if NET
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
#endif

namespace Embedded.Runtime.Kernels;

public static partial class AveragePool2D
{
    /// <summary>
    /// The reference's arithmetic off the reference path for 8-bit tensors: each output pixel's valid window found once
    /// (not per channel and cell), int32 sums (exact: |x| ≤ 255 over fewer than 2^23 cells), eight channels a step with
    /// NEON (SADDW), then the same rounding division and clamp per channel. False when the tensors are not 8-bit.
    /// </summary>
    public static bool TryFast(KernelPath path, QuantizedInput input, QuantizedOutput output, Pool2DParams p)
    {
        if (input.Type is not (ElementType.Int8 or ElementType.UInt8) || output.Type != input.Type || (long)p.FilterH * p.FilterW >= 1 << 23) return false;
        int batches = input.Shape[0], inH = input.Shape[1], inW = input.Shape[2], channels = input.Shape[3];
        int outH = output.Shape[1], outW = output.Shape[2];
        if (input.Bytes.Length < (long)batches * inH * inW * channels || output.Bytes.Length < (long)batches * outH * outW * channels)
            throw new ArgumentException("Average pool: a tensor is shorter than its shape.", nameof(input));
        bool signed = input.Type == ElementType.Int8;
        Span<int> sums = stackalloc int[8];
        for (int n = 0; n < batches; n++)
        for (int oy = 0; oy < outH; oy++)
        {
            int y0 = oy * p.StrideH - p.Padding.Top;
            int yA = Math.Max(0, y0), yB = Math.Min(inH, y0 + p.FilterH);
            for (int ox = 0; ox < outW; ox++)
            {
                int x0 = ox * p.StrideW - p.Padding.Left;
                int xA = Math.Max(0, x0), xB = Math.Min(inW, x0 + p.FilterW);
                int count = Math.Max(0, yB - yA) * Math.Max(0, xB - xA);
                int outAt = ((n * outH + oy) * outW + ox) * channels;
                int c = 0;
#if NET
                if (path.UsesNeon())
                    for (; c + 8 <= channels; c += 8)
                    {
                        SumNeon(input.Bytes, signed, ((n * inH) * inW) * channels + c, yA, yB, xA, xB, inW, channels, sums);
                        for (int j = 0; j < 8; j++) output.Store(outAt + c + j, Average(sums[j], count, p, c + j));
                    }
#endif
                for (; c < channels; c++)
                {
                    int sum = 0;
                    for (int iy = yA; iy < yB; iy++)
                    for (int ix = xA; ix < xB; ix++)
                    {
                        byte raw = input.Bytes[((n * inH + iy) * inW + ix) * channels + c];
                        sum += signed ? (sbyte)raw : raw;
                    }
                    output.Store(outAt + c, Average(sum, count, p, c));
                }
            }
        }
        return true;
    }

    /// <summary>The reference's division (half away from zero) and clamp; an empty window divides by zero there too.</summary>
    private static int Average(int sum, int count, Pool2DParams p, int channel)
    {
        long average = sum > 0 ? ((long)sum + count / 2) / count : ((long)sum - count / 2) / count;
        return PerChannel.Clamp(average, PerChannel.Pick(p.ClampMin, channel), PerChannel.Pick(p.ClampMax, channel));
    }

#if NET
    /// <summary>Sums of eight channels over the window rows [yA, yB) × columns [xA, xB) of one image (8-byte loads, SADDW).</summary>
    private static void SumNeon(ReadOnlySpan<byte> x, bool signed, int imageAt, int yA, int yB, int xA, int xB, int inW, int channels, Span<int> sums)
    {
        Vector128<int> lower = default, upper = default;
        ref byte x0 = ref MemoryMarshal.GetReference(x);
        for (int iy = yA; iy < yB; iy++)
        for (int ix = xA; ix < xB; ix++)
        {
            var raw = Vector64.LoadUnsafe(ref Unsafe.Add(ref x0, imageAt + (iy * inW + ix) * channels));
            var v = signed ? AdvSimd.SignExtendWideningLower(raw.AsSByte()) : AdvSimd.ZeroExtendWideningLower(raw).AsInt16();
            lower = AdvSimd.AddWideningLower(lower, v.GetLower());
            upper = AdvSimd.AddWideningUpper(upper, v);
        }
        lower.CopyTo(sums);
        upper.CopyTo(sums.Slice(4));
    }
#endif
}
