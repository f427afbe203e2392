#if NET
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Embedded.Runtime.Kernels;

public static partial class DepthwiseConv2D
{
    /// <summary>
    /// <see cref="Blocks512"/> for an 8-channel layer with stride 1 and no horizontal dilation (MobileNetV1 0.25's first
    /// depthwise, Visual Wake Words): one pixel fills only half a ZMM, so two neighbouring pixels share one. A 16-byte load
    /// at a tap of pixel x is that tap of pixels x and x + 1 (the padded rows hold pixels 8 bytes apart), the weights are
    /// each tap's eight twice (<see cref="PackedDepthwise.PairWeights16"/>), the stage lane c is channel c mod 8
    /// (<see cref="VectorOutputStage.Pairs"/>). An odd last pixel computes its pair with the pixel after it (the padded
    /// rows have one pixel more for it) and stores its own eight lanes. Same sums as the reference, lane by lane.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Pairs512<TBytes, TStage>(in RowGeometry g, ReadOnlySpan<byte> input, PackedDepthwise w, VectorOutputStage pairStage, ref byte output, bool int16, Span<byte> ring)
        where TBytes : struct, IWidenBytes where TStage : struct, OutputStage512.IBlock<TStage>
    {
        const int channels = VectorOutputStage.PairChannels, pairLanes = 2 * channels;
        if (w.Channels != channels || g.StrideW != 1 || g.DilationW != 1 || w.PairWeights16.Length != w.KernelH * w.KernelW * pairLanes)
            throw new ArgumentException("Depthwise pairs need 8 channels, stride 1 and their pair weights.", nameof(w));
        nint weightRowStep = (nint)g.KernelW * pairLanes;
        int prefixRow = g.KernelW + 1;
        ref short weights = ref MemoryMarshal.GetArrayDataReference(w.PairWeights16);
        ref int prefix = ref MemoryMarshal.GetArrayDataReference(w.WeightPrefix);
        ref byte rows0 = ref MemoryMarshal.GetReference(ring);
        Span<nint> rowAt = stackalloc nint[MaxKernelRows];
        int filledBegin = int.MinValue, filledEnd = int.MinValue;
        var block = TStage.For(pairStage, 0);
        var bias = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(w.Bias));
        var zeros = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(w.InputZeroPoints));
        for (int oy = g.RowBegin; oy < g.RowEnd; oy++)
        {
            var (kyA, kyB) = RingRowsFor(g, input, w.PaddingPixel, ring, oy, rowAt, ref filledBegin, ref filledEnd);
            int rows = kyB - kyA;
            var (xFrom, xTo) = Columns(g, oy);
            // bias − z·Σw over kernel rows [kyA, kyB), all columns, for both pixels of a pair.
            var sum = Vector256.LoadUnsafe(ref prefix, (nuint)((kyB * prefixRow + g.KernelW) * channels)) - Vector256.LoadUnsafe(ref prefix, (nuint)((kyA * prefixRow + g.KernelW) * channels));
            var start8 = bias - zeros * sum;
            var start = Vector512.Create(start8, start8);
            ref byte taps = ref Unsafe.Add(ref rows0, xFrom * channels);
            ref short tapWeights = ref Unsafe.Add(ref weights, kyA * weightRowStep);
            nint at = ((nint)(g.N * g.OutH + oy) * g.OutW + xFrom) * channels;
            int count = xTo - xFrom, i = 0;
            // Four pairs (eight pixels) per step; taps are one pixel (8 bytes) apart, pairs two.
            for (; i + 8 <= count; i += 8)
            {
                SumRect4<TBytes>(ref Unsafe.Add(ref taps, i * channels), pairLanes, rowAt, channels, ref tapWeights, weightRowStep, pairLanes, rows, g.KernelW, start,
                    out var acc0, out var acc1, out var acc2, out var acc3);
                OutputStage512.Store16(block.Apply(acc0), ref output, at + i * channels, int16);
                OutputStage512.Store16(block.Apply(acc1), ref output, at + (i + 2) * channels, int16);
                OutputStage512.Store16(block.Apply(acc2), ref output, at + (i + 4) * channels, int16);
                OutputStage512.Store16(block.Apply(acc3), ref output, at + (i + 6) * channels, int16);
            }
            // One to seven pixels left: up to two pairs at a time, the second repeating the first when absent.
            for (; i < count; i += 4)
            {
                nint second = i + 2 < count ? pairLanes : 0;
                SumRect2<TBytes>(ref Unsafe.Add(ref taps, i * channels), second, rowAt, channels, ref tapWeights, weightRowStep, pairLanes, rows, g.KernelW, start, out var acc0, out var acc1);
                OutputStage512.StoreLanes(block.Apply(acc0), ref output, at + i * channels, Math.Min(2, count - i) * channels, int16);
                if (i + 2 < count) OutputStage512.StoreLanes(block.Apply(acc1), ref output, at + (i + 2) * channels, Math.Min(2, count - i - 2) * channels, int16);
            }
        }
    }

    private static void Pairs<TBytes>(in RowGeometry g, ReadOnlySpan<byte> input, PackedDepthwise w, VectorOutputStage pairStage, ref byte output, bool int16, Span<byte> ring)
        where TBytes : struct, IWidenBytes
    {
        if (OutputStage512.IsPlain(pairStage)) Pairs512<TBytes, OutputStage512.Plain>(g, input, w, pairStage, ref output, int16, ring);
        else if (OutputStage512.IsGated(pairStage)) Pairs512<TBytes, OutputStage512.Gate>(g, input, w, pairStage, ref output, int16, ring);
        else if (pairStage.SingleRounding) Pairs512<TBytes, OutputStage512.Single>(g, input, w, pairStage, ref output, int16, ring);
        else Pairs512<TBytes, OutputStage512.Any>(g, input, w, pairStage, ref output, int16, ring);
    }
}
#endif
