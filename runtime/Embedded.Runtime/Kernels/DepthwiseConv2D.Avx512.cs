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
        for (int ox = oxBegin; ox < oxEnd; ox++)
        {
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
            for (int c = 0; c < full16; c += 16)
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
