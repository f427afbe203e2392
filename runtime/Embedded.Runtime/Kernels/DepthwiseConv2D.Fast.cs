using System;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

public static partial class DepthwiseConv2D
{
    /// <summary>
    /// Reads one byte of every cache line of the input rows output pixels [pixelBegin, pixelEnd) need, in order. Its rows next to
    /// another part's were just written by another thread; the kernel visits them block by block in a strided order
    /// that meets each of those lines alone (measured on V3-Small with 2 threads: the 14×14×240 layer's half took 40 µs
    /// instead of 25). One streaming pass first lets the prefetchers fetch them together, for well under a microsecond.
    /// </summary>
    private static int TouchInputRows(QuantizedInput input, DepthwiseConv2DParams p, PackedDepthwise w, int n, int outW, int pixelBegin, int pixelEnd)
    {
        if (pixelBegin >= pixelEnd) return 0;
        int inH = input.Shape[1];
        int rowBytes = input.Shape[2] * input.Shape[3] * input.Type.SizeInBytes();
        int oyBegin = pixelBegin / outW, oyEnd = (pixelEnd - 1) / outW + 1;
        int first = Math.Max(0, oyBegin * p.StrideH - p.Padding.Top);
        int end = Math.Min(inH, (oyEnd - 1) * p.StrideH - p.Padding.Top + (w.KernelH - 1) * p.DilationH + 1);
        if (end <= first) return 0;
        var rows = input.Bytes.Slice((n * inH + first) * rowBytes, (end - first) * rowBytes);
        int sum = 0;
        for (int i = 0; i < rows.Length; i += 64) sum += rows[i];
        return sum;
    }

    /// <summary>
    /// Depthwise convolution over packed weights, output pixels <see cref="PartRange"/>.Of(outH·outW, part, parts, partEnd): on
    /// AVX-512 row by row over zero-point-padded copies of the input rows (<c>RowsAvx512</c>; the scratch must hold them,
    /// else the AVX2 rows run), on AVX2 row by row with 3×3 interiors in registers, elsewhere per output pixel with the
    /// valid taps multiply-added over vectors of channels (<see cref="AccumulateTap"/>: Vector128 4 lanes, a scalar
    /// channel tail) and the shared output stage. Padded taps are skipped, which is what the reference's real 0 contributes.
    /// </summary>
    public static void Fast(KernelPath path, QuantizedInput input, QuantizedOutput output, DepthwiseConv2DParams p, PackedDepthwise w, KernelScratch scratch, VectorOutputStage? vectorStage = null, int part = 0, int parts = 1, int partEnd = -1)
    {
        int batches = input.Shape[0], inH = input.Shape[1], inW = input.Shape[2], channels = w.Channels;
        int outH = output.Shape[1], outW = output.Shape[2];
        bool signed = input.Type == ElementType.Int8;
        var acc = scratch.Dots.AsSpan(0, channels);
        Span<int> values = stackalloc int[8];
        // Part `part` of `parts` computes its share of each image's output pixels (PartRange): whole rows, and part of a
        // row where a share ends mid-row, so shares stay even when the rows do not divide (7 rows over 2 threads).
        var (pixelBegin, pixelEnd) = outW == 0 ? (0, 0) : PartRange.Of(outH * outW, part, parts, partEnd);
        for (int n = 0; n < batches; n++)
        {
            if (parts > 1) scratch.Touched ^= TouchInputRows(input, p, w, n, outW, pixelBegin, pixelEnd);
#if NET
            if (vectorStage is not null && path.UsesAvx512() && w.KernelH * w.KernelW <= MaxRowTaps
                && output.Type is ElementType.Int8 or ElementType.UInt8 or ElementType.Int16 && scratch.DepthwiseRows.Length >= w.PaddedRowBytes(p, outW))
            {
                RowsAvx512(input, signed, w, p, n, pixelBegin, pixelEnd, vectorStage, output, outW, outH, values, scratch.Dots, scratch.DepthwiseRows);
                continue;
            }
            if (vectorStage is not null && vectorStage.NeonReady && path.UsesNeon() && w.KernelH <= MaxKernelRows
                && output.Type is ElementType.Int8 or ElementType.UInt8 or ElementType.Int16 && scratch.DepthwiseRows.Length >= w.PaddedRowBytes(p, outW))
            {
                RowsNeon(input, signed, w, p, n, pixelBegin, pixelEnd, vectorStage, output, outW, outH, scratch.DepthwiseRows);
                continue;
            }
#endif
            for (int oy = pixelBegin / outW; pixelBegin < pixelEnd && oy <= (pixelEnd - 1) / outW; oy++)
            {
                // This part's columns of the row: all of it but at the ends of the part.
                int xFrom = Math.Max(0, pixelBegin - oy * outW), xTo = Math.Min(outW, pixelEnd - oy * outW);
#if NET
                if (vectorStage is not null && path.UsesAvx2() && w.KernelH * w.KernelW <= MaxRowTaps)
                {
                    // 3×3: the interior of the row with weights in registers; every other pixel (and kernel size) row-wise.
                    int oxBegin = 0, oxEnd = 0;
                    int y0 = oy * p.StrideH - p.Padding.Top;
                    if (w.KernelH == 3 && w.KernelW == 3 && p.DilationH == 1 && p.DilationW == 1 && y0 >= 0 && y0 + 2 < inH)
                    {
                        oxBegin = Math.Min(outW, (p.Padding.Left + p.StrideW - 1) / p.StrideW);
                        int last = inW - 3 + p.Padding.Left;   // the largest x0·stride whose 3 taps fit
                        oxEnd = last < 0 ? oxBegin : Math.Max(oxBegin, Math.Min(outW, last / p.StrideW + 1));
                        oxBegin = Math.Max(oxBegin, xFrom); oxEnd = Math.Max(oxBegin, Math.Min(oxEnd, xTo));
                        Interior3x3Avx2(input, signed, w, p, n, oy, oxBegin, oxEnd, vectorStage, output, outW, outH, values);
                    }
                    else oxBegin = oxEnd = xTo;
                    RowAvx2(input, signed, w, p, n, oy, xFrom, Math.Max(xFrom, oxBegin), vectorStage, output, outW, outH, values);
                    RowAvx2(input, signed, w, p, n, oy, Math.Min(xTo, Math.Max(xFrom, oxEnd)), xTo, vectorStage, output, outW, outH, values);
                    continue;
                }
#endif
                for (int ox = xFrom; ox < xTo; ox++)
                {
                    w.Bias.CopyTo(acc);
                    for (int ky = 0; ky < w.KernelH; ky++)
                    {
                        int iy = oy * p.StrideH - p.Padding.Top + ky * p.DilationH;
                        if (iy < 0 || iy >= inH) continue;
                        for (int kx = 0; kx < w.KernelW; kx++)
                        {
                            int ix = ox * p.StrideW - p.Padding.Left + kx * p.DilationW;
                            if (ix < 0 || ix >= inW) continue;
                            var x = input.Bytes.Slice(((n * inH + iy) * inW + ix) * channels, channels);
                            AccumulateTap(path, x, signed, w.InputZeroPoints, w.Weights.AsSpan((ky * w.KernelW + kx) * channels, channels), acc);
                        }
                    }
                    int outBase = ((n * outH + oy) * outW + ox) * channels;
                    for (int c = 0; c < channels; c++)
                        output.Store(outBase + c, OutputStageMath.Apply(p.Output, c, acc[c], false, output.ZeroPoint(c)));
                }
            }
        }
    }

    /// <summary>acc[c] += (x[c] − z[c])·w[c] for every channel, on the widest vectors the path allows.</summary>
    internal static void AccumulateTap(KernelPath path, ReadOnlySpan<byte> x, bool signed, ReadOnlySpan<int> zeroPoints, ReadOnlySpan<int> weights, Span<int> acc)
    {
        int c = 0;
#if NET
        if (path.UsesAvx2()) c = AccumulateTapAvx2(x, signed, zeroPoints, weights, acc);
        else if (path != KernelPath.Reference && System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated) c = AccumulateTapVector128(x, signed, zeroPoints, weights, acc);
#endif
        for (; c < acc.Length; c++)
            acc[c] = unchecked(acc[c] + ((signed ? (sbyte)x[c] : x[c]) - zeroPoints[c]) * weights[c]);
    }
}
