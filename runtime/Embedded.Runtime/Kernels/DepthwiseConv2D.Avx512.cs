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
    /// kernel size, dilation and padding, sixteen channels per ZMM block with the 16-lane output stage
    /// (<see cref="OutputStage512"/>). A pixel's valid taps form a rectangle of the kernel (rows [kyA, kyB) are the
    /// same along the row; columns change only near the left and right edges), so consecutive pixels with the same
    /// rectangle form a run that <see cref="Run512"/> computes block by block. A last block of eight channels takes
    /// the AVX2 form, fewer than eight the scalar one.
    /// </summary>
    internal static void RowAvx512(QuantizedInput input, bool signed, PackedDepthwise w, Model.DepthwiseConv2DParams p, int n, int oy, int oxBegin, int oxEnd,
        VectorOutputStage stage, QuantizedOutput output, int outW, int outH, Span<int> values, Span<int> runBias)
    {
        if (signed) RowAvx512<SignedBytes>(input, w, p, n, oy, oxBegin, oxEnd, stage, output, outW, outH, values, runBias);
        else RowAvx512<UnsignedBytes>(input, w, p, n, oy, oxBegin, oxEnd, stage, output, outW, outH, values, runBias);
    }

    /// <summary>
    /// bias − z·Σw over the kernel rectangle [kyA, kyB) × [kxA, kxB) for channels [0, count) from the prefix sums
    /// (wrapping int32, as the sums themselves): what a run of pixels with that rectangle starts from.
    /// </summary>
    private static void RectangleBias(PackedDepthwise w, int kyA, int kyB, int kxA, int kxB, int count, Span<int> runBias)
    {
        int c = w.Channels, stride = w.KernelW + 1;
        if (runBias.Length < count) throw new ArgumentException("Depthwise scratch is shorter than its channels.", nameof(runBias));
        ref int prefix = ref MemoryMarshal.GetArrayDataReference(w.WeightPrefix);
        ref int bias = ref MemoryMarshal.GetArrayDataReference(w.Bias);
        ref int zeros = ref MemoryMarshal.GetArrayDataReference(w.InputZeroPoints);
        ref int target = ref MemoryMarshal.GetReference(runBias);
        nint bb = (nint)(kyB * stride + kxB) * c, ab = (nint)(kyA * stride + kxB) * c, ba = (nint)(kyB * stride + kxA) * c, aa = (nint)(kyA * stride + kxA) * c;
        int i = 0;
        for (; i + 16 <= count; i += 16)
        {
            var sum = Vector512.LoadUnsafe(ref prefix, (nuint)(bb + i)) - Vector512.LoadUnsafe(ref prefix, (nuint)(ab + i))
                - Vector512.LoadUnsafe(ref prefix, (nuint)(ba + i)) + Vector512.LoadUnsafe(ref prefix, (nuint)(aa + i));
            (Vector512.LoadUnsafe(ref bias, (nuint)i) - Vector512.LoadUnsafe(ref zeros, (nuint)i) * sum).StoreUnsafe(ref target, (nuint)i);
        }
        for (; i < count; i++)
            Unsafe.Add(ref target, i) = unchecked(w.Bias[i] - w.InputZeroPoints[i]
                * (w.WeightPrefix[bb + i] - w.WeightPrefix[ab + i] - w.WeightPrefix[ba + i] + w.WeightPrefix[aa + i]));
    }

    private static void RowAvx512<TBytes>(QuantizedInput input, PackedDepthwise w, Model.DepthwiseConv2DParams p, int n, int oy, int oxBegin, int oxEnd,
        VectorOutputStage stage, QuantizedOutput output, int outW, int outH, Span<int> values, Span<int> runBias) where TBytes : struct, IWidenBytes
    {
        if (oxBegin >= oxEnd) return;
        int inH = input.Shape[1], inW = input.Shape[2], channels = w.Channels;
        // Every tap read below is inside the image and every 16-byte read ends at or before its pixel's last channel;
        // every store is inside the output.
        if (input.Bytes.Length < (long)(n + 1) * inH * inW * channels) throw new ArgumentException("Depthwise input is shorter than its shape.", nameof(input));
        if (output.Bytes.Length / Model.ElementTypeExtensions.SizeInBytes(output.Type) < (long)(n * outH + oy + 1) * outW * channels)
            throw new ArgumentException("Depthwise output is shorter than its shape.", nameof(output));
        ref byte b0 = ref MemoryMarshal.GetReference(input.Bytes);
        ref int weights = ref MemoryMarshal.GetArrayDataReference(w.Weights);
        int full16 = channels / 16 * 16, full8 = channels / 8 * 8;
        int y0 = oy * p.StrideH - p.Padding.Top;
        var (kyA, kyB) = ValidTaps(y0, p.DilationH, w.KernelH, inH);
        nint rowStep = (nint)inW * channels * p.DilationH, tapStep = (nint)channels * p.DilationW, pixelStep = (nint)channels * p.StrideW;
        int outRow = (n * outH + oy) * outW;
        for (int ox = oxBegin; ox < oxEnd;)
        {
            int x0 = ox * p.StrideW - p.Padding.Left;
            var (kxA, kxB) = ValidTaps(x0, p.DilationW, w.KernelW, inW);
            int count = 1;
            while (ox + count < oxEnd && ValidTaps(x0 + count * p.StrideW, p.DilationW, w.KernelW, inW) == (kxA, kxB)) count++;
            int rows = kyB - kyA, cols = kxB - kxA;
            int firstTap = rows > 0 && cols > 0 ? ((n * inH + y0 + kyA * p.DilationH) * inW + x0 + kxA * p.DilationW) * channels : 0;
            int firstWeight = (kyA * w.KernelW + kxA) * channels;
            RectangleBias(w, kyA, kyB, kxA, kxB, full8, runBias);
            ref int startBias = ref MemoryMarshal.GetReference(runBias);
            if (full16 > 0)
                Run512<TBytes>(ref Unsafe.Add(ref b0, firstTap), pixelStep, count, rowStep, tapStep, ref Unsafe.Add(ref weights, firstWeight),
                    (nint)w.KernelW * channels, channels, rows, cols, ref startBias, full16, stage, output, (outRow + ox) * channels);
            if (full16 < full8)
                Run256<TBytes>(ref Unsafe.Add(ref b0, firstTap + full16), pixelStep, count, rowStep, tapStep, ref Unsafe.Add(ref weights, firstWeight + full16),
                    (nint)w.KernelW * channels, channels, rows, cols, Vector256.LoadUnsafe(ref startBias, (nuint)full16), full16, stage, output, (outRow + ox) * channels + full16, values);
            if (full8 < channels)
                for (int i = 0; i < count; i++)
                    TailPixel(input, w, p, n, y0, x0 + i * p.StrideW, full8, output, (outRow + ox + i) * channels);
            ox += count;
        }
    }

    /// <summary>The kernel taps [a, b) along one axis whose input index start + k·dilation lies in [0, size).</summary>
    private static (int A, int B) ValidTaps(int start, int dilation, int kernel, int size)
    {
        int a = start >= 0 ? 0 : (-start + dilation - 1) / dilation;
        int b = start >= size ? 0 : Math.Min(kernel, (size - 1 - start) / dilation + 1);
        return a < b ? (a, b) : (0, 0);
    }

    /// <summary>
    /// Channels [0, <paramref name="blocksEnd"/>) in blocks of sixteen for <paramref name="count"/> pixels of a row
    /// that share the valid rectangle rows × cols of the kernel (first valid tap of the first pixel at
    /// <paramref name="firstTaps"/>, windows <paramref name="pixelStep"/> bytes apart). Σ (x − z)·w = Σ x·w − z·Σ w
    /// over the rectangle, so the run starts from <paramref name="runBias"/> (<see cref="RectangleBias"/>) and the taps
    /// are plain multiply-adds; two pixels go together so their sums and stages overlap. One call per run: its set-up (the JIT clears a large frame) stays
    /// out of the block and pixel loops.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Run512<TBytes>(ref byte firstTaps, nint pixelStep, int count, nint rowStep, nint tapStep, ref int blockWeights, nint weightRowStep, nint channels,
        int rows, int cols, ref int runBias, int blocksEnd, VectorOutputStage stage, QuantizedOutput output, int firstOuts)
        where TBytes : struct, IWidenBytes
    {
        for (int c = 0; c < blocksEnd; c += 16)
        {
            ref byte firstTap = ref Unsafe.Add(ref firstTaps, c);
            ref int weights = ref Unsafe.Add(ref blockWeights, c);
            int firstOut = firstOuts + c;
            if (OutputStage512.IsPlain(stage))
                RunBlock512<TBytes, OutputStage512.Plain>(ref firstTap, pixelStep, count, rowStep, tapStep, ref weights, weightRowStep, channels, rows, cols, Vector512.LoadUnsafe(ref runBias, (nuint)c), OutputStage512.Plain.For(stage, c), output, firstOut);
            else if (OutputStage512.IsGated(stage))
                RunBlock512<TBytes, OutputStage512.Gate>(ref firstTap, pixelStep, count, rowStep, tapStep, ref weights, weightRowStep, channels, rows, cols, Vector512.LoadUnsafe(ref runBias, (nuint)c), OutputStage512.Gate.For(stage, c), output, firstOut);
            else
                RunBlock512<TBytes, OutputStage512.Any>(ref firstTap, pixelStep, count, rowStep, tapStep, ref weights, weightRowStep, channels, rows, cols, Vector512.LoadUnsafe(ref runBias, (nuint)c), new OutputStage512.Any(stage, c), output, firstOut);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RunBlock512<TBytes, TStage>(ref byte firstTap, nint pixelStep, int count, nint rowStep, nint tapStep, ref int weights, nint weightRowStep, nint channels,
        int rows, int cols, Vector512<int> bias, TStage stage, QuantizedOutput output, int firstOut)
        where TBytes : struct, IWidenBytes where TStage : struct, OutputStage512.IBlock
    {
        int i = 0;
        for (; i + 2 <= count; i += 2)
        {
            SumRect2<TBytes>(ref Unsafe.Add(ref firstTap, i * pixelStep), pixelStep, rowStep, tapStep, ref weights, weightRowStep, channels, rows, cols, bias, out var acc0, out var acc1);
            OutputStage512.Store(stage.Apply(acc0), output, firstOut + (int)(i * channels), 16);
            OutputStage512.Store(stage.Apply(acc1), output, firstOut + (int)((i + 1) * channels), 16);
        }
        if (i < count)
        {
            // The last odd pixel pairs with itself (the second sum is discarded).
            SumRect2<TBytes>(ref Unsafe.Add(ref firstTap, i * pixelStep), 0, rowStep, tapStep, ref weights, weightRowStep, channels, rows, cols, bias, out var acc0, out _);
            OutputStage512.Store(stage.Apply(acc0), output, firstOut + (int)(i * channels), 16);
        }
    }

    /// <summary>
    /// <see cref="Run512"/> for a last block of eight channels (AVX2 registers, the eight-lane stage with its AVX-512
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
    /// <paramref name="tapStep"/> bytes apart in a row, rows <paramref name="rowStep"/>; weights share each load.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SumRect2<TBytes>(ref byte input, nint pixelStep, nint rowStep, nint tapStep, ref int weights, nint weightRowStep, nint channels, int rows, int cols,
        Vector512<int> bias, out Vector512<int> sum0, out Vector512<int> sum1)
        where TBytes : struct, IWidenBytes
    {
        Vector512<int> a0 = bias, a1 = bias;
        for (int r = 0; r < rows; r++)
        {
            ref byte x = ref Unsafe.Add(ref input, r * rowStep);
            ref int wr = ref Unsafe.Add(ref weights, r * weightRowStep);
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

    /// <summary>One tap of two pixels: a0 += x[at]·w, a1 += x[at + pixelStep]·w.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tap2<TBytes>(ref byte x, nint at, nint pixelStep, ref int w, ref Vector512<int> a0, ref Vector512<int> a1) where TBytes : struct, IWidenBytes
    {
        var wv = Vector512.LoadUnsafe(ref w);
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
