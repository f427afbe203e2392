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
        ref short weights = ref MemoryMarshal.GetArrayDataReference(w.PairWeights16);
        ref byte rows0 = ref MemoryMarshal.GetReference(ring);
        Span<nint> rowAt = stackalloc nint[MaxKernelRows];
        int filledBegin = int.MinValue, filledEnd = int.MinValue;
        var block = TStage.For(pairStage, 0);
        for (int oy = g.RowBegin; oy < g.RowEnd; oy++)
        {
            var (kyA, kyB) = RingRowsFor(g, input, w.PaddingPixel, ring, oy, rowAt, ref filledBegin, ref filledEnd);
            int rows = kyB - kyA;
            var (xFrom, xTo) = Columns(g, oy);
            var start = PairStart(w, g.KernelW, channels, 0, kyA, kyB);
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

    /// <summary>
    /// The last eight channels (from <paramref name="first"/>) of one output row's <paramref name="count"/> pixels, two
    /// pixels to a ZMM: each tap's eight bytes of pixel x and of pixel x + 1 (one stride on) as one vector, the tail's
    /// weights twice (<see cref="PackedDepthwise.PairWeights16"/>), the tail stage over 16 lanes, then each pixel's eight
    /// lanes to its own place. Two pairs per step share the weight loads; an odd last pixel pairs with itself.
    /// <paramref name="taps"/> is the first pixel's tail in the ring, kernel row r at <paramref name="rowAt"/>[r − kyA].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TailPairsRow<TBytes, TStage>(in RowGeometry g, PackedDepthwise w, int first, TStage block, ref byte taps, ReadOnlySpan<nint> rowAt, int kyA, int kyB,
        int count, ref byte output, nint at, bool int16)
        where TBytes : struct, IWidenBytes where TStage : struct, OutputStage512.IBlock<TStage>
    {
        const int pairLanes = 2 * VectorOutputStage.PairChannels;
        nint channels = g.Channels, pixelStep = channels * g.StrideW, tapStep = channels * g.DilationW;
        int rows = kyB - kyA;
        var start = PairStart(w, g.KernelW, (int)channels, first, kyA, kyB);
        ref short weights = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(w.PairWeights16), kyA * g.KernelW * pairLanes);
        for (int i = 0; i < count; i += 4)
        {
            // Pixels i, i + 1 and i + 2, i + 3; a missing one repeats the pixel before it (its lanes are not stored).
            nint second = i + 1 < count ? pixelStep : 0, third = i + 2 < count ? 2 * pixelStep : 0, fourth = i + 3 < count ? 3 * pixelStep : third;
            ref byte pixel = ref Unsafe.Add(ref taps, i * pixelStep);
            Vector512<int> a0 = start, a1 = start;
            for (int r = 0; r < rows; r++)
            {
                ref byte x = ref Unsafe.Add(ref pixel, rowAt[r]);
                ref short wr = ref Unsafe.Add(ref weights, r * g.KernelW * pairLanes);
                for (int k = 0; k < g.KernelW; k++)
                {
                    var wv = Avx512F.ConvertToVector512Int32(Vector256.LoadUnsafe(ref Unsafe.Add(ref wr, k * pairLanes)));
                    ref byte tap = ref Unsafe.Add(ref x, k * tapStep);
                    a0 += TBytes.WidenPair(ref tap, second) * wv;
                    a1 += TBytes.WidenPair(ref Unsafe.Add(ref tap, third), fourth - third) * wv;
                }
            }
            StorePair(block.Apply(a0), ref output, at + i * channels, i + 1 < count ? channels : -1, int16);
            if (i + 2 < count) StorePair(block.Apply(a1), ref output, at + (i + 2) * channels, i + 3 < count ? channels : -1, int16);
        }
    }

    /// <summary>
    /// bias − z·Σw over kernel rows [kyA, kyB), all columns, for channels [first, first + 8), twice: where both pixels of
    /// a pair start (from the prefix sums, whose column 0 is zero).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> PairStart(PackedDepthwise w, int kernelW, int channels, int first, int kyA, int kyB)
    {
        ref int prefix = ref MemoryMarshal.GetArrayDataReference(w.WeightPrefix);
        int prefixRow = kernelW + 1;
        var sum = Vector256.LoadUnsafe(ref prefix, (nuint)((kyB * prefixRow + kernelW) * channels + first)) - Vector256.LoadUnsafe(ref prefix, (nuint)((kyA * prefixRow + kernelW) * channels + first));
        var start = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(w.Bias), (nuint)first) - Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(w.InputZeroPoints), (nuint)first) * sum;
        return Vector512.Create(start, start);
    }

    /// <summary>Lanes 0–7 at element <paramref name="at"/>, lanes 8–15 <paramref name="second"/> elements on (none when negative).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePair(Vector512<int> v, ref byte output, nint at, nint second, bool int16)
    {
        if (int16)
        {
            var shorts = Avx512F.ConvertToVector256Int16(v).AsByte();
            shorts.GetLower().StoreUnsafe(ref output, (nuint)(2 * at));
            if (second >= 0) shorts.GetUpper().StoreUnsafe(ref output, (nuint)(2 * (at + second)));
        }
        else
        {
            var bytes = Avx512F.ConvertToVector128Byte(v).AsUInt64();
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref output, at), bytes.GetElement(0));
            if (second >= 0) Unsafe.WriteUnaligned(ref Unsafe.Add(ref output, at + second), bytes.GetElement(1));
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
