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
    /// The AVX-512 form of <see cref="RowAvx2"/>: output pixels [pixelBegin, pixelEnd) of image <paramref name="n"/> (whole
    /// rows, and a part of a row at either end when a thread's share ends mid-row), any kernel
    /// size, dilation and padding, sixteen channels per ZMM block with the 16-lane output stage
    /// (<see cref="OutputStage512"/>). <see cref="Blocks512"/> reads zero-point-padded copies of the input rows
    /// (<paramref name="ring"/>, <see cref="PackedDepthwise.PaddedRowBytes"/>), so every pixel of a row takes the whole
    /// width of the kernel. A last block of eight channels takes the AVX2 form, fewer than eight the scalar one: both go
    /// over runs of pixels whose valid taps form one rectangle of the kernel (<see cref="ListRuns"/>, once per call).
    /// </summary>
    internal static void RowsAvx512(QuantizedInput input, bool signed, PackedDepthwise w, Model.DepthwiseConv2DParams p, int n, int pixelBegin, int pixelEnd,
        VectorOutputStage stage, QuantizedOutput output, int outW, int outH, Span<int> values, Span<int> runBias, Span<byte> ring)
    {
        if (pixelBegin >= pixelEnd || outW == 0) return;
        CheckPaddedRows(input, w, p, n, pixelEnd, output, outW, outH, ring);
        int inH = input.Shape[1], inW = input.Shape[2], channels = w.Channels;
        if (channels == VectorOutputStage.PairChannels && p.StrideW == 1 && p.DilationW == 1 && stage.Pairs is { } pairStage && w.PairWeights16.Length > 0)
        {
            var pairs = new RowGeometry(p, w, n, inH, inW, outW, outH, pixelBegin, pixelEnd);
            ref byte to = ref MemoryMarshal.GetReference(output.Bytes);
            if (signed) Pairs<SignedBytes>(pairs, input.Bytes, w, pairStage, ref to, output.Type == Model.ElementType.Int16, ring);
            else Pairs<UnsignedBytes>(pairs, input.Bytes, w, pairStage, ref to, output.Type == Model.ElementType.Int16, ring);
            return;
        }
        int full16 = channels / 16 * 16;
        // A last eight channels go two pixels to a ZMM inside the same row loop (the rows are in the ring then).
        var tailPairs = channels - full16 == VectorOutputStage.PairChannels && w.PairWeights16.Length > 0 ? stage.Pairs : null;
        if (full16 > 0 || tailPairs is not null)
        {
            var geometry = new RowGeometry(p, w, n, inH, inW, outW, outH, pixelBegin, pixelEnd);
            ref byte o = ref MemoryMarshal.GetReference(output.Bytes);
            bool int16 = output.Type == Model.ElementType.Int16;
            if (signed) Blocks<SignedBytes>(geometry, input.Bytes, w, full16, stage, tailPairs, ref o, int16, ring);
            else Blocks<UnsignedBytes>(geometry, input.Bytes, w, full16, stage, tailPairs, ref o, int16, ring);
            if (tailPairs is not null) return;
        }
        if (full16 == channels) return;
        // Only the tail channels (read from the input itself) go by runs of one valid-tap rectangle.
        Span<int> runs = stackalloc int[3 * MaxRuns];
        runs = runs.Slice(0, 3 * ListRuns(p, w.KernelW, inW, outW, runs));
        if (signed) TailRows<SignedBytes>(input, w, p, n, pixelBegin, pixelEnd, runs, full16, stage, output, outW, outH, values, runBias);
        else TailRows<UnsignedBytes>(input, w, p, n, pixelBegin, pixelEnd, runs, full16, stage, output, outW, outH, values, runBias);
    }

    /// <summary>Channels from <paramref name="full16"/> on, run by run: a block of eight in AVX2 registers, then fewer than eight scalar.</summary>
    private static void TailRows<TBytes>(QuantizedInput input, PackedDepthwise w, Model.DepthwiseConv2DParams p, int n, int pixelBegin, int pixelEnd, ReadOnlySpan<int> runs,
        int full16, VectorOutputStage stage, QuantizedOutput output, int outW, int outH, Span<int> values, Span<int> runBias) where TBytes : struct, IWidenBytes
    {
        int inH = input.Shape[1], inW = input.Shape[2], channels = w.Channels, full8 = channels / 8 * 8;
        ref byte b0 = ref MemoryMarshal.GetReference(input.Bytes);
        ref int weights = ref MemoryMarshal.GetArrayDataReference(w.Weights);
        nint rowStep = (nint)inW * channels * p.DilationH, tapStep = (nint)channels * p.DilationW, pixelStep = (nint)channels * p.StrideW;
        for (int oy = pixelBegin / outW; oy <= (pixelEnd - 1) / outW; oy++)
        {
            int y0 = oy * p.StrideH - p.Padding.Top;
            var (kyA, kyB) = ValidTaps(y0, p.DilationH, w.KernelH, inH);
            int outRow = (n * outH + oy) * outW;
            int xFrom = Math.Max(0, pixelBegin - oy * outW), xTo = Math.Min(outW, pixelEnd - oy * outW);
            for (int r = 0; r < runs.Length; r += 3)
            {
                int ox = runs[r], count = runs[r + 1], kxA = runs[r + 2] & 0xFFFF, kxB = runs[r + 2] >> 16;
                if (!ClipRun(ref ox, ref count, xFrom, xTo)) continue;
                int x0 = ox * p.StrideW - p.Padding.Left;
                int rows = kyB - kyA, cols = kxB - kxA;
                if (full16 < full8)
                {
                    int firstTap = rows > 0 && cols > 0 ? ((n * inH + y0 + kyA * p.DilationH) * inW + x0 + kxA * p.DilationW) * channels : 0;
                    RectangleBias(w, kyA, kyB, kxA, kxB, full16, full8, runBias);
                    Run256<TBytes>(ref Unsafe.Add(ref b0, firstTap + full16), pixelStep, count, rowStep, tapStep,
                        ref Unsafe.Add(ref weights, (kyA * w.KernelW + kxA) * channels + full16), (nint)w.KernelW * channels, channels, rows, cols,
                        Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(runBias), (nuint)full16), full16, stage, output, (outRow + ox) * channels + full16, values);
                }
                if (full8 < channels)
                    for (int i = 0; i < count; i++)
                        TailPixel(input, w, p, n, y0, x0 + i * p.StrideW, full8, output, (outRow + ox + i) * channels);
            }
        }
    }

    /// <summary>
    /// bias − z·Σw over the kernel rectangle [kyA, kyB) × [kxA, kxB) for channels [from, to) from the prefix sums
    /// (wrapping int32, as the sums themselves): what a run of pixels with that rectangle starts from.
    /// </summary>
    private static void RectangleBias(PackedDepthwise w, int kyA, int kyB, int kxA, int kxB, int from, int to, Span<int> runBias)
    {
        int c = w.Channels, stride = w.KernelW + 1;
        if (runBias.Length < to) throw new ArgumentException("Depthwise scratch is shorter than its channels.", nameof(runBias));
        ref int prefix = ref MemoryMarshal.GetArrayDataReference(w.WeightPrefix);
        ref int bias = ref MemoryMarshal.GetArrayDataReference(w.Bias);
        ref int zeros = ref MemoryMarshal.GetArrayDataReference(w.InputZeroPoints);
        ref int target = ref MemoryMarshal.GetReference(runBias);
        nint bb = (nint)(kyB * stride + kxB) * c, ab = (nint)(kyA * stride + kxB) * c, ba = (nint)(kyB * stride + kxA) * c, aa = (nint)(kyA * stride + kxA) * c;
        int i = from;
        for (; i + 16 <= to; i += 16)
        {
            var sum = Vector512.LoadUnsafe(ref prefix, (nuint)(bb + i)) - Vector512.LoadUnsafe(ref prefix, (nuint)(ab + i))
                - Vector512.LoadUnsafe(ref prefix, (nuint)(ba + i)) + Vector512.LoadUnsafe(ref prefix, (nuint)(aa + i));
            (Vector512.LoadUnsafe(ref bias, (nuint)i) - Vector512.LoadUnsafe(ref zeros, (nuint)i) * sum).StoreUnsafe(ref target, (nuint)i);
        }
        for (; i < to; i++)
            Unsafe.Add(ref target, i) = unchecked(w.Bias[i] - w.InputZeroPoints[i]
                * (w.WeightPrefix[bb + i] - w.WeightPrefix[ab + i] - w.WeightPrefix[ba + i] + w.WeightPrefix[aa + i]));
    }

    /// <summary>Most runs a row can split into: each end of the valid column range moves at most kW times along a row, and the empty range may come first and last.</summary>
    private const int MaxRuns = 2 * MaxRowTaps + 3;

    /// <summary>
    /// The runs of one output row as (first ox, count, kxA | kxB &lt;&lt; 16): consecutive pixels whose valid kernel columns
    /// [kxA, kxB) are the same. The same for every row of the layer.
    /// </summary>
    private static int ListRuns(Model.DepthwiseConv2DParams p, int kW, int inW, int outW, Span<int> runs)
    {
        int count = 0;
        for (int ox = 0; ox < outW;)
        {
            int x0 = ox * p.StrideW - p.Padding.Left;
            var taps = ValidTaps(x0, p.DilationW, kW, inW);
            int length = 1;
            while (ox + length < outW && ValidTaps(x0 + length * p.StrideW, p.DilationW, kW, inW) == taps) length++;
            if (3 * count + 3 > runs.Length) throw new InvalidOperationException("A depthwise row split into more runs than a kernel this wide allows.");
            runs[3 * count] = ox; runs[3 * count + 1] = length; runs[3 * count + 2] = taps.A | taps.B << 16;
            count++;
            ox += length;
        }
        return count;
    }

    private static void Blocks<TBytes>(in RowGeometry g, ReadOnlySpan<byte> input, PackedDepthwise w, int blocksEnd, VectorOutputStage stage, VectorOutputStage? tailPairs, ref byte output, bool int16, Span<byte> ring)
        where TBytes : struct, IWidenBytes
    {
        if (OutputStage512.IsPlain(stage)) Blocks512<TBytes, OutputStage512.Plain>(g, input, w, blocksEnd, stage, tailPairs, ref output, int16, ring);
        else if (OutputStage512.IsGated(stage)) Blocks512<TBytes, OutputStage512.Gate>(g, input, w, blocksEnd, stage, tailPairs, ref output, int16, ring);
        else if (stage.SingleRounding) Blocks512<TBytes, OutputStage512.Single>(g, input, w, blocksEnd, stage, tailPairs, ref output, int16, ring);
        else Blocks512<TBytes, OutputStage512.Any>(g, input, w, blocksEnd, stage, tailPairs, ref output, int16, ring);
    }

    /// <summary>
    /// Channels [0, <paramref name="blocksEnd"/>) in blocks of sixteen over the rows of <paramref name="g"/>, and with
    /// <paramref name="tailPairs"/> the last eight channels two pixels to a ZMM (<see cref="TailPairsRow"/>). The input rows
    /// an output row reads are first copied into <paramref name="ring"/> with their left and right padding filled with
    /// the zero points (<see cref="FillRingRows"/>; each input row once), so every pixel of a row reads the whole width
    /// of the kernel: Σ (x − z)·w = Σ x·w − z·Σw over the row's valid kernel rows (a padded tap's z·w cancels), one start
    /// value per row and block, and four pixels share each weight load (pixels at the image edge were runs of one that
    /// did half the work of a pair for nothing: a padded 14×14×240 5×5 layer took 40 % longer than an unpadded one).
    /// Rows outside, blocks inside: a row's ring and output lines stay in L1 while its blocks pass over them. The other
    /// order (each block over all rows) made V3-Small's two-thread inference ~4 % slower (parts meet lines the other
    /// core last wrote).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Blocks512<TBytes, TStage>(in RowGeometry g, ReadOnlySpan<byte> input, PackedDepthwise w, int blocksEnd,
        VectorOutputStage stage, VectorOutputStage? tailPairs, ref byte output, bool int16, Span<byte> ring)
        where TBytes : struct, IWidenBytes where TStage : struct, OutputStage512.IBlock<TStage>
    {
        nint channels = g.Channels;
        nint tapStep = channels * g.DilationW, pixelStep = channels * g.StrideW, weightRowStep = g.KernelW * channels;
        int prefixRow = g.KernelW + 1;
        ref short weights = ref MemoryMarshal.GetArrayDataReference(w.Weights16);
        ref int prefix = ref MemoryMarshal.GetArrayDataReference(w.WeightPrefix);
        ref byte rows0 = ref MemoryMarshal.GetReference(ring);
        Span<nint> rowAt = stackalloc nint[MaxKernelRows];
        int filledBegin = int.MinValue, filledEnd = int.MinValue;   // input rows [filledBegin, filledEnd) are in the ring
        for (int oy = g.RowBegin; oy < g.RowEnd; oy++)
        {
            var (kyA, kyB) = RingRowsFor(g, input, w.PaddingPixel, ring, oy, rowAt, ref filledBegin, ref filledEnd);
            int rows = kyB - kyA;
            var (xFrom, xTo) = Columns(g, oy);
            nint outRow = ((nint)(g.N * g.OutH + oy) * g.OutW) * channels;
            for (int c = 0; c < blocksEnd; c += 16)
            {
                var block = TStage.For(stage, c);
                // bias − z·Σw over kernel rows [kyA, kyB), all columns (the prefix sums' column 0 is zero).
                var sum = Vector512.LoadUnsafe(ref prefix, (nuint)((kyB * prefixRow + g.KernelW) * channels + c)) - Vector512.LoadUnsafe(ref prefix, (nuint)((kyA * prefixRow + g.KernelW) * channels + c));
                var start = Vector512.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(w.Bias), (nuint)c)
                    - Vector512.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(w.InputZeroPoints), (nuint)c) * sum;
                ref byte taps = ref Unsafe.Add(ref rows0, xFrom * pixelStep + c);
                ref short tapWeights = ref Unsafe.Add(ref weights, kyA * weightRowStep + c);
                nint at = outRow + xFrom * channels + c;
                int count = xTo - xFrom, i = 0;
                for (; i + 4 <= count; i += 4)
                {
                    SumRect4<TBytes>(ref Unsafe.Add(ref taps, i * pixelStep), pixelStep, rowAt, tapStep, ref tapWeights, weightRowStep, channels, rows, g.KernelW, start,
                        out var acc0, out var acc1, out var acc2, out var acc3);
                    OutputStage512.Store16(block.Apply(acc0), ref output, at + i * channels, int16);
                    OutputStage512.Store16(block.Apply(acc1), ref output, at + (i + 1) * channels, int16);
                    OutputStage512.Store16(block.Apply(acc2), ref output, at + (i + 2) * channels, int16);
                    OutputStage512.Store16(block.Apply(acc3), ref output, at + (i + 3) * channels, int16);
                }
                if (i < count)
                {
                    // One to three pixels left: a pair with the last repeated for a missing second (its sum is discarded).
                    nint second = i + 1 < count ? pixelStep : 0;
                    SumRect2<TBytes>(ref Unsafe.Add(ref taps, i * pixelStep), second, rowAt, tapStep, ref tapWeights, weightRowStep, channels, rows, g.KernelW, start, out var acc0, out var acc1);
                    OutputStage512.Store16(block.Apply(acc0), ref output, at + i * channels, int16);
                    if (i + 1 < count) OutputStage512.Store16(block.Apply(acc1), ref output, at + (i + 1) * channels, int16);
                    if (i + 2 < count)
                    {
                        SumRect2<TBytes>(ref Unsafe.Add(ref taps, (i + 2) * pixelStep), 0, rowAt, tapStep, ref tapWeights, weightRowStep, channels, rows, g.KernelW, start, out acc0, out _);
                        OutputStage512.Store16(block.Apply(acc0), ref output, at + (i + 2) * channels, int16);
                    }
                }
            }
            if (tailPairs is not null)
                TailPairsRow<TBytes, TStage>(g, w, blocksEnd, TStage.For(tailPairs, 0), ref Unsafe.Add(ref rows0, xFrom * pixelStep + blocksEnd), rowAt, kyA, kyB,
                    xTo - xFrom, ref output, outRow + xFrom * channels + blocksEnd, int16);
        }
    }

    /// <summary>
    /// <see cref="Blocks512"/> for a last block of eight channels (AVX2 registers, the eight-lane stage with its AVX-512
    /// 64-bit steps), one pixel at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Run256<TBytes>(ref byte firstTap, nint pixelStep, int count, nint rowStep, nint tapStep, ref int weights, nint weightRowStep, nint channels,
        int rows, int cols, Vector256<int> bias, int c, VectorOutputStage stage, QuantizedOutput output, int firstOut, Span<int> values)
        where TBytes : struct, IWidenBytes
    {
        for (int i = 0; i < count; i++)
        {
            var acc = bias;
            ref byte pixel = ref Unsafe.Add(ref firstTap, i * pixelStep);
            for (int r = 0; r < rows; r++)
            {
                ref byte x = ref Unsafe.Add(ref pixel, r * rowStep);
                ref int wr = ref Unsafe.Add(ref weights, r * weightRowStep);
                for (int k = 0; k < cols; k++)
                    acc += TBytes.Widen(ref Unsafe.Add(ref x, k * tapStep)) * Vector256.LoadUnsafe(ref Unsafe.Add(ref wr, k * channels));
            }
            OutputStageX86.Store(OutputStageX86.Apply8(acc, stage, c, avx512: true), output, firstOut + (int)(i * channels), 8, values);
        }
    }

    /// <summary>
    /// bias + Σ x·w over a rows × cols rectangle for two pixels <paramref name="pixelStep"/> bytes apart: taps are
    /// <paramref name="tapStep"/> bytes apart in a row, row r starts <paramref name="rowAt"/>[r] bytes after
    /// <paramref name="input"/>; weights share each load.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SumRect2<TBytes>(ref byte input, nint pixelStep, ReadOnlySpan<nint> rowAt, nint tapStep, ref short weights, nint weightRowStep, nint channels, int rows, int cols,
        Vector512<int> bias, out Vector512<int> sum0, out Vector512<int> sum1)
        where TBytes : struct, IWidenBytes
    {
        Vector512<int> a0 = bias, a1 = bias;
        for (int r = 0; r < rows; r++)
        {
            ref byte x = ref Unsafe.Add(ref input, rowAt[r]);
            ref short wr = ref Unsafe.Add(ref weights, r * weightRowStep);
            // Whole 3- and 5-wide rows (the interior of 3×3 and 5×5 kernels) unrolled; any other width tap by tap.
            if (cols == 5 || cols == 3)
            {
                Tap2<TBytes>(ref x, 0, pixelStep, ref wr, ref a0, ref a1);
                Tap2<TBytes>(ref x, tapStep, pixelStep, ref Unsafe.Add(ref wr, channels), ref a0, ref a1);
                Tap2<TBytes>(ref x, 2 * tapStep, pixelStep, ref Unsafe.Add(ref wr, 2 * channels), ref a0, ref a1);
                if (cols == 5)
                {
                    Tap2<TBytes>(ref x, 3 * tapStep, pixelStep, ref Unsafe.Add(ref wr, 3 * channels), ref a0, ref a1);
                    Tap2<TBytes>(ref x, 4 * tapStep, pixelStep, ref Unsafe.Add(ref wr, 4 * channels), ref a0, ref a1);
                }
                continue;
            }
            for (int k = 0; k < cols; k++)
            {
                Tap2<TBytes>(ref x, 0, pixelStep, ref wr, ref a0, ref a1);
                x = ref Unsafe.Add(ref x, tapStep);
                wr = ref Unsafe.Add(ref wr, channels);
            }
        }
        sum0 = a0; sum1 = a1;
    }

    /// <summary>
    /// <see cref="SumRect2"/> for four pixels <paramref name="pixelStep"/> bytes apart: each weight load serves four
    /// multiply-adds (two pixels a load ran at ~1.6 cycles a tap, four at ~1.1 in a synthetic 5×5 row).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SumRect4<TBytes>(ref byte input, nint pixelStep, ReadOnlySpan<nint> rowAt, nint tapStep, ref short weights, nint weightRowStep, nint channels, int rows, int cols,
        Vector512<int> bias, out Vector512<int> sum0, out Vector512<int> sum1, out Vector512<int> sum2, out Vector512<int> sum3)
        where TBytes : struct, IWidenBytes
    {
        Vector512<int> a0 = bias, a1 = bias, a2 = bias, a3 = bias;
        for (int r = 0; r < rows; r++)
        {
            ref byte x = ref Unsafe.Add(ref input, rowAt[r]);
            ref short wr = ref Unsafe.Add(ref weights, r * weightRowStep);
            if (cols == 5 || cols == 3)
            {
                Tap4<TBytes>(ref x, 0, pixelStep, ref wr, ref a0, ref a1, ref a2, ref a3);
                Tap4<TBytes>(ref x, tapStep, pixelStep, ref Unsafe.Add(ref wr, channels), ref a0, ref a1, ref a2, ref a3);
                Tap4<TBytes>(ref x, 2 * tapStep, pixelStep, ref Unsafe.Add(ref wr, 2 * channels), ref a0, ref a1, ref a2, ref a3);
                if (cols == 5)
                {
                    Tap4<TBytes>(ref x, 3 * tapStep, pixelStep, ref Unsafe.Add(ref wr, 3 * channels), ref a0, ref a1, ref a2, ref a3);
                    Tap4<TBytes>(ref x, 4 * tapStep, pixelStep, ref Unsafe.Add(ref wr, 4 * channels), ref a0, ref a1, ref a2, ref a3);
                }
                continue;
            }
            for (int k = 0; k < cols; k++)
            {
                Tap4<TBytes>(ref x, 0, pixelStep, ref wr, ref a0, ref a1, ref a2, ref a3);
                x = ref Unsafe.Add(ref x, tapStep);
                wr = ref Unsafe.Add(ref wr, channels);
            }
        }
        sum0 = a0; sum1 = a1; sum2 = a2; sum3 = a3;
    }

    /// <summary>One tap of four pixels <paramref name="pixelStep"/> bytes apart, one weight load.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tap4<TBytes>(ref byte x, nint at, nint pixelStep, ref short w, ref Vector512<int> a0, ref Vector512<int> a1, ref Vector512<int> a2, ref Vector512<int> a3)
        where TBytes : struct, IWidenBytes
    {
        var wv = Avx512F.ConvertToVector512Int32(Vector256.LoadUnsafe(ref w));
        ref byte p = ref Unsafe.Add(ref x, at);
        a0 += TBytes.Widen16(ref p) * wv;
        a1 += TBytes.Widen16(ref Unsafe.Add(ref p, pixelStep)) * wv;
        a2 += TBytes.Widen16(ref Unsafe.Add(ref p, 2 * pixelStep)) * wv;
        a3 += TBytes.Widen16(ref Unsafe.Add(ref p, 3 * pixelStep)) * wv;
    }

    /// <summary>One tap of two pixels: a0 += x[at]·w, a1 += x[at + pixelStep]·w.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tap2<TBytes>(ref byte x, nint at, nint pixelStep, ref short w, ref Vector512<int> a0, ref Vector512<int> a1) where TBytes : struct, IWidenBytes
    {
        var wv = Avx512F.ConvertToVector512Int32(Vector256.LoadUnsafe(ref w));
        a0 += TBytes.Widen16(ref Unsafe.Add(ref x, at)) * wv;
        a1 += TBytes.Widen16(ref Unsafe.Add(ref x, at + pixelStep)) * wv;
    }

    /// <summary>Channels [from, C) of one pixel (fewer than eight) with the scalar stage over its listed valid taps.</summary>
    private static void TailPixel(QuantizedInput input, PackedDepthwise w, Model.DepthwiseConv2DParams p, int n, int y0, int x0, int from, QuantizedOutput output, int outBase)
    {
        if (w.KernelH * w.KernelW > MaxRowTaps) throw new ArgumentException("Depthwise kernel too large for the row kernel.", nameof(w));
        Span<int> inputOffsets = stackalloc int[MaxRowTaps];
        Span<int> weightOffsets = stackalloc int[MaxRowTaps];
        int taps = ListValidTaps(w, p, n, input.Shape[1], input.Shape[2], y0, x0, inputOffsets, weightOffsets);
        TailScalar(input.Bytes, input.Type == Model.ElementType.Int8, w, p.Output, inputOffsets.Slice(0, taps), weightOffsets.Slice(0, taps), from, output, outBase);
    }
}
#endif
