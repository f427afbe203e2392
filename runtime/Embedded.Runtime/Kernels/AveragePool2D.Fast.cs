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
    /// NEON (SADDW) or sixteen with portable vectors (x86), then the same rounding division and clamp per channel.
    /// False when the tensors are not 8-bit.
    /// </summary>
    public static bool TryFast(KernelPath path, QuantizedInput input, QuantizedOutput output, Pool2DParams p)
    {
        if (input.Type is not (ElementType.Int8 or ElementType.UInt8) || output.Type != input.Type || (long)p.FilterH * p.FilterW >= 1 << 23) return false;
        int batches = input.Shape[0], inH = input.Shape[1], inW = input.Shape[2], channels = input.Shape[3];
        int outH = output.Shape[1], outW = output.Shape[2];
        if (input.Bytes.Length < (long)batches * inH * inW * channels || output.Bytes.Length < (long)batches * outH * outW * channels)
            throw new ArgumentException("Average pool: a tensor is shorter than its shape.", nameof(input));
        bool signed = input.Type == ElementType.Int8;
        Span<int> sums = stackalloc int[16];
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
                else if (Vector128.IsHardwareAccelerated)
                    for (; c + 16 <= channels; c += 16)
                    {
                        Sum16(input.Bytes, signed, ((n * inH) * inW) * channels + c, yA, yB, xA, xB, inW, channels, sums);
                        for (int j = 0; j < 16; j++) output.Store(outAt + c + j, Average(sums[j], count, p, c + j));
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
    /// <summary>
    /// Sums of sixteen channels over the window rows [yA, yB) × columns [xA, xB) of one image: 16-byte loads widened to
    /// int16, added in int16 for up to 128 cells at a time (|x| ≤ 255 · 128 &lt; 2^15: exact), then into int32.
    /// </summary>
    private static void Sum16(ReadOnlySpan<byte> x, bool signed, int imageAt, int yA, int yB, int xA, int xB, int inW, int channels, Span<int> sums)
    {
        Vector128<int> s0 = default, s1 = default, s2 = default, s3 = default;
        Vector128<short> p0 = default, p1 = default;
        int pending = 0;
        ref byte x0 = ref MemoryMarshal.GetReference(x);
        if ((long)imageAt + ((long)(yB - 1) * inW + xB - 1) * channels + 16 > x.Length && yB > yA && xB > xA)
            throw new ArgumentException("Average pool: the window reads past the input.", nameof(x));
        for (int iy = yA; iy < yB; iy++)
        for (int ix = xA; ix < xB; ix++)
        {
            var raw = Vector128.LoadUnsafe(ref Unsafe.Add(ref x0, imageAt + (iy * inW + ix) * channels));
            var (lo, hi) = signed ? Vector128.Widen(raw.AsSByte()) : (Vector128.WidenLower(raw).AsInt16(), Vector128.WidenUpper(raw).AsInt16());
            p0 += lo; p1 += hi;
            if (++pending == 128)
            {
                Flush(ref s0, ref s1, ref s2, ref s3, p0, p1);
                p0 = default; p1 = default; pending = 0;
            }
        }
        Flush(ref s0, ref s1, ref s2, ref s3, p0, p1);
        s0.CopyTo(sums); s1.CopyTo(sums.Slice(4)); s2.CopyTo(sums.Slice(8)); s3.CopyTo(sums.Slice(12));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Flush(ref Vector128<int> s0, ref Vector128<int> s1, ref Vector128<int> s2, ref Vector128<int> s3, Vector128<short> p0, Vector128<short> p1)
    {
        s0 += Vector128.WidenLower(p0); s1 += Vector128.WidenUpper(p0);
        s2 += Vector128.WidenLower(p1); s3 += Vector128.WidenUpper(p1);
    }

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
