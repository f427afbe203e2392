#if NET
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

public static partial class Conv2D
{
    /// <summary>Largest kernel-row-padded window (shorts) the direct int16 kernel copies to the stack for border pixels.</summary>
    internal const int MaxDirectWindow = 1024;

    /// <summary>
    /// The AVX-512 form of <see cref="Fast16"/> for output pixels [begin, end): no im2col for pixels whose window lies
    /// inside the image (each window row is kW·C contiguous int16 values, read in place as pairs against
    /// <see cref="PackedGemm16.RowWeights"/>; a row's padding pair meets zero weights); a border pixel's window is
    /// gathered on the stack with the zero-point padding. Sixteen output channels accumulate in one ZMM register
    /// (VPMADDWD + VPADDD, exact: the sums fit int32, checked at packing), two neighbouring pixels at a time, and go
    /// through the 16-lane output stage.
    /// </summary>
    internal static void Direct16Avx512(QuantizedInput input, int kH, int kW, QuantizedOutput output, Conv2DParams p, PackedGemm16 w, VectorOutputStage stage, int begin, int end, KernelScratch scratch)
    {
        int inH = input.Shape[1], inW = input.Shape[2], inC = input.Shape[3];
        int outH = output.Shape[1], outW = output.Shape[2];
        var x = MemoryMarshal.Cast<byte, short>(input.Bytes);
        int rowShorts = w.RowPairs * 2;
        if (kH != w.KernelRows || kH * rowShorts > MaxDirectWindow || (long)(end > 0 ? (end - 1) / (outH * outW) + 1 : 0) * inH * inW * inC > x.Length)
            throw new ArgumentException("Direct int16 convolution: weights, window or input do not match the shapes.", nameof(w));
        if ((long)end * w.Outputs > output.Bytes.Length / output.Type.SizeInBytes())
            throw new ArgumentException("Direct int16 convolution: the output is shorter than its pixels.", nameof(output));
        Span<short> window = stackalloc short[kH * rowShorts];
        ref short weights = ref MemoryMarshal.GetArrayDataReference(w.RowWeights);
        ref int constants = ref MemoryMarshal.GetArrayDataReference(w.RowConstants);
        int groupShorts = kH * w.RowPairs * 32;
        bool dense = p.DilationH == 1 && p.DilationW == 1;
        nint rowStep = (nint)inW * inC, pixelStep = (nint)p.StrideW * inC;
        // Row by row: the pixels whose window lies inside the image (and whose last row's padded read stays inside the
        // input) form one range of columns, found once per row; the rest are border pixels gathered one at a time.
        for (int pixel = begin; pixel < end;)
        {
            int n = pixel / (outH * outW), oy = pixel / outW % outH, ox = pixel % outW;
            int rowEnd = Math.Min(end, pixel - ox + outW);
            int iy0 = oy * p.StrideH - p.Padding.Top;
            int inPlaceFrom = rowEnd, inPlaceTo = rowEnd;   // pixels of this row read in place
            if (dense && iy0 >= 0 && iy0 + kH <= inH)
            {
                // ix0 = ox·sW − padL ≥ 0, ix0 + kW ≤ inW, and the last window row's read (rowShorts) ends inside x.
                long lastRow = ((long)n * inH + iy0 + kH - 1) * inW;
                long maxIx = Math.Min(inW - kW, (x.Length - rowShorts) / inC - lastRow);
                int oxA = (p.Padding.Left + p.StrideW - 1) / p.StrideW;
                long oxB = maxIx < -p.Padding.Left ? -1 : (maxIx + p.Padding.Left) / p.StrideW;   // last column in place
                int rowStart = pixel - ox;
                inPlaceFrom = Math.Max(pixel, rowStart + oxA);
                inPlaceTo = (int)Math.Min(rowEnd, rowStart + oxB + 1);
                if (inPlaceTo <= inPlaceFrom) inPlaceFrom = inPlaceTo = rowEnd;
            }
            for (; pixel < rowEnd; pixel++, ox++)
            {
                if (pixel == inPlaceFrom)
                {
                    int ix0 = ox * p.StrideW - p.Padding.Left, count = inPlaceTo - inPlaceFrom;
                    int first = ((n * inH + iy0) * inW + ix0) * inC;
                    WindowRun(ref Unsafe.Add(ref MemoryMarshal.GetReference(x), first), pixelStep, count, rowStep, kH, w, ref weights, ref constants, groupShorts,
                        stage, output, pixel * w.Outputs, ref scratch.Vectors);
                    pixel += count - 1; ox += count - 1;
                    continue;
                }
                // A border pixel: its gathered window is a run of one.
                GatherWindow(x, input.Shape, w.PaddingRow, p, kH, kW, n, iy0, ox * p.StrideW - p.Padding.Left, rowShorts, window);
                WindowRun(ref MemoryMarshal.GetReference(window), 0, 1, rowShorts, kH, w, ref weights, ref constants, groupShorts, stage, output, pixel * w.Outputs, ref scratch.Vectors);
            }
        }
    }

    /// <summary>
    /// <paramref name="count"/> neighbouring windows of a row (<paramref name="pixelStep"/> shorts apart; rows of a
    /// window <paramref name="rowStep"/> apart), sixteen channels per group, two windows at a time.
    /// </summary>
    private static void WindowRun(ref short start, nint pixelStep, int count, nint rowStep, int kH, PackedGemm16 w, ref short weights, ref int constants, int groupShorts,
        VectorOutputStage stage, in QuantizedOutput output, int outBase, ref Vector512<int> sums)
    {
        if (OutputStage512.IsGated(stage)) WindowRun<OutputStage512.Gate>(ref start, pixelStep, count, rowStep, kH, w, ref weights, ref constants, groupShorts, stage, output, outBase, ref sums);
        else if (OutputStage512.IsPlain(stage)) WindowRun<OutputStage512.Plain>(ref start, pixelStep, count, rowStep, kH, w, ref weights, ref constants, groupShorts, stage, output, outBase, ref sums);
        else WindowRun<OutputStage512.Any>(ref start, pixelStep, count, rowStep, kH, w, ref weights, ref constants, groupShorts, stage, output, outBase, ref sums);
    }

    /// <summary>
    /// <see cref="WindowRun"/> for one stage form: group by group, the group's stage constants built once. An 8- or
    /// 16-bit output is stored straight to its bytes (the caller checked the output's length); any other type goes
    /// through <see cref="OutputStage512.Store"/>. One call per run keeps its set-up out of the pixel loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void WindowRun<TStage>(ref short start, nint pixelStep, int count, nint rowStep, int kH, PackedGemm16 w, ref short weights, ref int constants, int groupShorts,
        VectorOutputStage stage, in QuantizedOutput output, int outBase, ref Vector512<int> sums) where TStage : struct, OutputStage512.IBlock<TStage>
    {
        ref byte bytes = ref MemoryMarshal.GetReference(output.Bytes);
        bool int16 = output.Type == ElementType.Int16, direct = output.Type is ElementType.Int8 or ElementType.UInt8 or ElementType.Int16;
        nint outputs = w.Outputs;
        for (int g = 0; g < w.RowGroups; g++)
        {
            int o = g * 16, lanes = Math.Min(16, w.Outputs - o);
            var block = TStage.For(stage, o);
            ref short groupWeights = ref Unsafe.Add(ref weights, g * groupShorts);
            for (int i = 0; i < count; i += 4)
            {
                // The last windows of a run (fewer than four) read the last one again for the missing ones.
                int valid = Math.Min(4, count - i);
                nint step1 = valid > 1 ? pixelStep : 0, step2 = valid > 2 ? 2 * pixelStep : step1, step3 = valid > 3 ? 3 * pixelStep : step2;
                DotWindow16x4(ref Unsafe.Add(ref start, i * pixelStep), step1, step2, step3, rowStep, kH, w.RowPairs, ref groupWeights, ref Unsafe.Add(ref constants, o), ref sums);
                Vector512<int> a = sums, b = Unsafe.Add(ref sums, 1), c = Unsafe.Add(ref sums, 2), d = Unsafe.Add(ref sums, 3);
                nint at = outBase + i * outputs + o;
                if (direct)
                {
                    OutputStage512.StoreLanes(block.Apply(a), ref bytes, at, lanes, int16);
                    if (valid > 1) OutputStage512.StoreLanes(block.Apply(b), ref bytes, at + outputs, lanes, int16);
                    if (valid > 2) OutputStage512.StoreLanes(block.Apply(c), ref bytes, at + 2 * outputs, lanes, int16);
                    if (valid > 3) OutputStage512.StoreLanes(block.Apply(d), ref bytes, at + 3 * outputs, lanes, int16);
                }
                else
                {
                    OutputStage512.Store(block.Apply(a), output, (int)at, lanes);
                    if (valid > 1) OutputStage512.Store(block.Apply(b), output, (int)(at + outputs), lanes);
                    if (valid > 2) OutputStage512.Store(block.Apply(c), output, (int)(at + 2 * outputs), lanes);
                    if (valid > 3) OutputStage512.Store(block.Apply(d), output, (int)(at + 3 * outputs), lanes);
                }
            }
        }
    }

    /// <summary>
    /// constant + Σ window·W for four windows (the first at <paramref name="start"/>, the others <paramref name="step1"/>,
    /// <paramref name="step2"/>, <paramref name="step3"/> shorts further; equal steps repeat a window) over kH rows of
    /// <paramref name="rowPairs"/> int16 pairs (rows <paramref name="rowStep"/> shorts apart): VPMADDWD on ZMM, sixteen
    /// channels per register, each weight load shared by the four windows. Its own method so the accumulators stay in
    /// registers; they come back in <paramref name="sums"/> (four aligned slots of <see cref="KernelScratch.Vectors"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void DotWindow16x4(ref short start, nint step1, nint step2, nint step3, nint rowStep, int kH, int rowPairs, ref short weights, ref int constants,
        ref Vector512<int> sums)
    {
        var constant = Vector512.LoadUnsafe(ref constants);
        Vector512<int> a = constant, b = constant, c = constant, d = constant;
        for (int ky = 0; ky < kH; ky++)
        {
            ref byte row = ref Unsafe.As<short, byte>(ref Unsafe.Add(ref start, ky * rowStep));
            ref byte row1 = ref Unsafe.Add(ref row, 2 * step1);
            ref byte row2 = ref Unsafe.Add(ref row, 2 * step2);
            ref byte row3 = ref Unsafe.Add(ref row, 2 * step3);
            ref short wr = ref Unsafe.Add(ref weights, ky * rowPairs * 32);
            for (int q = 0; q < rowPairs; q++)
            {
                var wv = Vector512.LoadUnsafe(ref wr, (nuint)(q * 32));
                a += Avx512BW.MultiplyAddAdjacent(Vector512.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref row, 4 * q))).AsInt16(), wv);
                b += Avx512BW.MultiplyAddAdjacent(Vector512.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref row1, 4 * q))).AsInt16(), wv);
                c += Avx512BW.MultiplyAddAdjacent(Vector512.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref row2, 4 * q))).AsInt16(), wv);
                d += Avx512BW.MultiplyAddAdjacent(Vector512.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref row3, 4 * q))).AsInt16(), wv);
            }
        }
        sums = a; Unsafe.Add(ref sums, 1) = b; Unsafe.Add(ref sums, 2) = c; Unsafe.Add(ref sums, 3) = d;
    }

    /// <summary>A border pixel's window, kernel row by kernel row padded to whole pairs, cells outside the image = zero points.</summary>
    private static void GatherWindow(ReadOnlySpan<short> x, ReadOnlySpan<int> inShape, ReadOnlySpan<short> padding, Conv2DParams p, int kH, int kW, int n, int iy0, int ix0, int rowShorts, Span<short> window)
    {
        int inH = inShape[1], inW = inShape[2], inC = inShape[3];
        window.Clear();
        for (int ky = 0; ky < kH; ky++)
        {
            int iy = iy0 + ky * p.DilationH;
            for (int kx = 0; kx < kW; kx++)
            {
                int ix = ix0 + kx * p.DilationW;
                var source = iy < 0 || iy >= inH || ix < 0 || ix >= inW ? padding : x.Slice(((n * inH + iy) * inW + ix) * inC, inC);
                source.CopyTo(window.Slice(ky * rowShorts + kx * inC));
            }
        }
    }

}
#endif
