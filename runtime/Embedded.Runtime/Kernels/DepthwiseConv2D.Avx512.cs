#if NET
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Embedded.Runtime.Kernels;

public static partial class DepthwiseConv2D
{
    /// <summary>
    /// The AVX-512 form of <see cref="RowAvx2"/>: output pixels [oxBegin, oxEnd) of row <paramref name="oy"/>, any
    /// kernel size up to <see cref="MaxRowTaps"/>, sixteen channels per ZMM block with the 16-lane output stage
    /// (<see cref="OutputStage512"/>). A pixel whose taps all lie inside the image sums x·w and starts from
    /// <see cref="PackedDepthwise.InteriorBias"/>; a border pixel sums (x − z)·w over its valid taps. A last block
    /// of eight channels takes the AVX2 form, fewer than eight the scalar one.
    /// </summary>
    internal static void RowAvx512(QuantizedInput input, bool signed, PackedDepthwise w, Model.DepthwiseConv2DParams p, int n, int oy, int oxBegin, int oxEnd,
        VectorOutputStage stage, QuantizedOutput output, int outW, int outH, Span<int> values)
    {
        if (signed) RowAvx512<SignedBytes>(input, w, p, n, oy, oxBegin, oxEnd, stage, output, outW, outH, values);
        else RowAvx512<UnsignedBytes>(input, w, p, n, oy, oxBegin, oxEnd, stage, output, outW, outH, values);
    }

    private static void RowAvx512<TBytes>(QuantizedInput input, PackedDepthwise w, Model.DepthwiseConv2DParams p, int n, int oy, int oxBegin, int oxEnd,
        VectorOutputStage stage, QuantizedOutput output, int outW, int outH, Span<int> values) where TBytes : struct, IWidenBytes
    {
        if (oxBegin >= oxEnd) return;
        int inH = input.Shape[1], inW = input.Shape[2], channels = w.Channels, kernelTaps = w.KernelH * w.KernelW;
        // Every tap listed below is inside the image and every 16-byte read ends at or before its pixel's last channel.
        if (input.Bytes.Length < (long)(n + 1) * inH * inW * channels) throw new ArgumentException("Depthwise input is shorter than its shape.", nameof(input));
        if (kernelTaps > MaxRowTaps) throw new ArgumentException("Depthwise kernel too large for the row kernel.", nameof(w));
        Span<int> inputOffsets = stackalloc int[MaxRowTaps];
        Span<int> weightOffsets = stackalloc int[MaxRowTaps];
        ref byte b0 = ref MemoryMarshal.GetReference(input.Bytes);
        ref int weights = ref MemoryMarshal.GetArrayDataReference(w.Weights);
        ref int bias = ref MemoryMarshal.GetArrayDataReference(w.Bias);
        ref int interiorBias = ref MemoryMarshal.GetArrayDataReference(w.InteriorBias);
        ref int zeros = ref MemoryMarshal.GetArrayDataReference(w.InputZeroPoints);
        ref int inOff = ref MemoryMarshal.GetReference(inputOffsets);
        ref int wOff = ref MemoryMarshal.GetReference(weightOffsets);
        int full16 = channels / 16 * 16, full8 = channels / 8 * 8;
        int y0 = oy * p.StrideH - p.Padding.Top;
        // Pixels whose whole window lies inside the image, for 3- and 5-wide kernels: channel block by channel block,
        // the run of them goes through one method that sums, requantizes and stores (InteriorRun512).
        int runBegin = oxEnd, runEnd = oxEnd;
        if (w.KernelW is 3 or 5 && y0 >= 0 && y0 + (w.KernelH - 1) * p.DilationH < inH)
        {
            int extent = (w.KernelW - 1) * p.DilationW;
            runBegin = Math.Max(oxBegin, Math.Min(oxEnd, (p.Padding.Left + p.StrideW - 1) / p.StrideW));
            int last = inW - 1 - extent + p.Padding.Left;   // the largest ox·stride whose window fits
            runEnd = last < 0 ? runBegin : Math.Max(runBegin, Math.Min(oxEnd, last / p.StrideW + 1));
        }
        if (runBegin < runEnd)
        {
            nint rowStep = (nint)inW * channels * p.DilationH, tapStep = (nint)channels * p.DilationW, pixelStep = (nint)channels * p.StrideW;
            int firstTap = ((n * inH + y0) * inW + runBegin * p.StrideW - p.Padding.Left) * channels;
            int firstOut = ((n * outH + oy) * outW + runBegin) * channels;
            for (int c = 0; c < full16; c += 16)
                InteriorRun512<TBytes>(ref Unsafe.Add(ref b0, firstTap + c), pixelStep, runEnd - runBegin, rowStep, tapStep, ref Unsafe.Add(ref weights, c), channels,
                    w.KernelH, w.KernelW, Vector512.LoadUnsafe(ref interiorBias, (nuint)c), stage, c, output, firstOut + c);
        }
        for (int ox = oxBegin; ox < oxEnd; ox++)
        {
            bool inRun = ox >= runBegin && ox < runEnd;
            if (inRun && full16 == channels) { ox = runEnd - 1; continue; }
            int x0 = ox * p.StrideW - p.Padding.Left, taps = 0;
            for (int ky = 0; ky < w.KernelH; ky++)
            {
                int iy = y0 + ky * p.DilationH;
                if ((uint)iy >= (uint)inH) continue;
                for (int kx = 0; kx < w.KernelW; kx++)
                {
                    int ix = x0 + kx * p.DilationW;
                    if ((uint)ix >= (uint)inW) continue;
                    inputOffsets[taps] = ((n * inH + iy) * inW + ix) * channels;
                    weightOffsets[taps++] = (ky * w.KernelW + kx) * channels;
                }
            }
            int outBase = ((n * outH + oy) * outW + ox) * channels;
            bool interior = taps == kernelTaps;
            for (int c = inRun ? full16 : 0; c < full16; c += 16)
            {
                var acc = interior
                    ? SumTaps512<TBytes>(ref Unsafe.Add(ref b0, c), ref Unsafe.Add(ref weights, c), ref inOff, ref wOff, taps, Vector512.LoadUnsafe(ref interiorBias, (nuint)c))
                    : SumTapsMinusZero512<TBytes>(ref Unsafe.Add(ref b0, c), ref Unsafe.Add(ref weights, c), ref inOff, ref wOff, taps,
                        Vector512.LoadUnsafe(ref bias, (nuint)c), Vector512.LoadUnsafe(ref zeros, (nuint)c));
                OutputStage512.Store(OutputStage512.Apply16(acc, stage, c), output, outBase + c, 16);
            }
            if (full16 < full8)
            {
                var acc = SumTaps<TBytes>(ref Unsafe.Add(ref b0, full16), ref Unsafe.Add(ref weights, full16), ref inOff, ref wOff, taps,
                    Vector256.LoadUnsafe(ref bias, (nuint)full16), Vector256.LoadUnsafe(ref zeros, (nuint)full16));
                OutputStageX86.Store(OutputStageX86.Apply8(acc, stage, full16, avx512: true), output, outBase + full16, 8, values);
            }
            if (full8 < channels)
                TailScalar(input.Bytes, typeof(TBytes) == typeof(SignedBytes), w, p.Output, inputOffsets.Slice(0, taps), weightOffsets.Slice(0, taps), full8, output, outBase);
        }
    }

    /// <summary>
    /// One block of sixteen channels for <paramref name="count"/> interior pixels of a row (their windows
    /// <paramref name="pixelStep"/> bytes apart): sum x·w from the interior bias, requantize, store. One method for the
    /// whole run, so the pointers and constants stay in registers from pixel to pixel.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void InteriorRun512<TBytes>(ref byte firstTap, nint pixelStep, int count, nint rowStep, nint tapStep, ref int weights, nint channels,
        int kernelH, int kernelW, Vector512<int> bias, VectorOutputStage stage, int c, QuantizedOutput output, int firstOut)
        where TBytes : struct, IWidenBytes
    {
        // Every window of the run is inside the input (the caller's geometry) and every store inside the output.
        if ((long)firstOut + (long)(count - 1) * channels + 16 > output.Bytes.Length / Model.ElementTypeExtensions.SizeInBytes(output.Type))
            throw new ArgumentException("Depthwise output is shorter than its shape.", nameof(output));
        for (int i = 0; i < count; i++)
        {
            var acc = SumWindow512<TBytes>(ref Unsafe.Add(ref firstTap, i * pixelStep), rowStep, tapStep, ref weights, channels, kernelH, kernelW, bias);
            OutputStage512.Store(OutputStage512.Apply16(acc, stage, c), output, firstOut + (int)(i * channels), 16);
        }
    }

    /// <summary>
    /// acc + Σ x·w over a whole kH × kW window (kW 3 or 5) whose first tap is at <paramref name="input"/>: taps are
    /// <paramref name="tapStep"/> bytes apart in a row and rows <paramref name="rowStep"/> apart; weights [tap, channel].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> SumWindow512<TBytes>(ref byte input, nint rowStep, nint tapStep, ref int weights, nint channels, int kernelH, int kernelW, Vector512<int> acc)
        where TBytes : struct, IWidenBytes
    {
        var other = Vector512<int>.Zero;
        for (int ky = 0; ky < kernelH; ky++)
        {
            ref byte x = ref Unsafe.Add(ref input, ky * rowStep);
            ref int wr = ref Unsafe.Add(ref weights, ky * kernelW * channels);
            acc += TBytes.Widen16(ref x) * Vector512.LoadUnsafe(ref wr);
            other += TBytes.Widen16(ref Unsafe.Add(ref x, tapStep)) * Vector512.LoadUnsafe(ref Unsafe.Add(ref wr, channels));
            acc += TBytes.Widen16(ref Unsafe.Add(ref x, 2 * tapStep)) * Vector512.LoadUnsafe(ref Unsafe.Add(ref wr, 2 * channels));
            if (kernelW == 5)
            {
                other += TBytes.Widen16(ref Unsafe.Add(ref x, 3 * tapStep)) * Vector512.LoadUnsafe(ref Unsafe.Add(ref wr, 3 * channels));
                acc += TBytes.Widen16(ref Unsafe.Add(ref x, 4 * tapStep)) * Vector512.LoadUnsafe(ref Unsafe.Add(ref wr, 4 * channels));
            }
        }
        return acc + other;
    }

    /// <summary>acc + Σ_t x[inOff[t]]·w[wOff[t]] over sixteen channels (interior pixels: the zero point is in acc).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector512<int> SumTaps512<TBytes>(ref byte input, ref int weights, ref int inOff, ref int wOff, int taps, Vector512<int> acc)
        where TBytes : struct, IWidenBytes
    {
        var other = Vector512<int>.Zero;   // two accumulators: two taps in flight per iteration
        int t = 0;
        for (; t + 2 <= taps; t += 2)
        {
            acc += TBytes.Widen16(ref Unsafe.Add(ref input, (nint)(uint)Unsafe.Add(ref inOff, t))) * Vector512.LoadUnsafe(ref weights, (nuint)(uint)Unsafe.Add(ref wOff, t));
            other += TBytes.Widen16(ref Unsafe.Add(ref input, (nint)(uint)Unsafe.Add(ref inOff, t + 1))) * Vector512.LoadUnsafe(ref weights, (nuint)(uint)Unsafe.Add(ref wOff, t + 1));
        }
        if (t < taps)
            acc += TBytes.Widen16(ref Unsafe.Add(ref input, (nint)(uint)Unsafe.Add(ref inOff, t))) * Vector512.LoadUnsafe(ref weights, (nuint)(uint)Unsafe.Add(ref wOff, t));
        return acc + other;
    }

    /// <summary>acc + Σ_t (x[inOff[t]] − zero)·w[wOff[t]] over sixteen channels (border pixels: only the valid taps).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector512<int> SumTapsMinusZero512<TBytes>(ref byte input, ref int weights, ref int inOff, ref int wOff, int taps, Vector512<int> acc, Vector512<int> zero)
        where TBytes : struct, IWidenBytes
    {
        for (int t = 0; t < taps; t++)
            acc += (TBytes.Widen16(ref Unsafe.Add(ref input, (nint)(uint)Unsafe.Add(ref inOff, t))) - zero) * Vector512.LoadUnsafe(ref weights, (nuint)(uint)Unsafe.Add(ref wOff, t));
        return acc;
    }
}
#endif
