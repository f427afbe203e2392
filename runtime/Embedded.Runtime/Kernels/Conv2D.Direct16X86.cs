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
    /// gathered on the stack with the zero-point padding. Two blocks of eight channels accumulate together
    /// (VPDPWSSD, or VPMADDWD + VPADDD without AVX-VNNI) and go through the 16-lane output stage.
    /// </summary>
    internal static void Direct16Avx512(QuantizedInput input, int kH, int kW, QuantizedOutput output, Conv2DParams p, PackedGemm16 w, VectorOutputStage stage, int begin, int end)
    {
        int inH = input.Shape[1], inW = input.Shape[2], inC = input.Shape[3];
        int outH = output.Shape[1], outW = output.Shape[2];
        var x = MemoryMarshal.Cast<byte, short>(input.Bytes);
        int rowShorts = w.RowPairs * 2;
        if (kH != w.KernelRows || kH * rowShorts > MaxDirectWindow || (long)(end > 0 ? (end - 1) / (outH * outW) + 1 : 0) * inH * inW * inC > x.Length)
            throw new ArgumentException("Direct int16 convolution: weights, window or input do not match the shapes.", nameof(w));
        Span<short> window = stackalloc short[kH * rowShorts];
        ref short weights = ref MemoryMarshal.GetArrayDataReference(w.RowWeights);
        ref int constants = ref MemoryMarshal.GetArrayDataReference(w.Constants);
        int blockShorts = kH * w.RowPairs * 16;
        bool dense = p.DilationH == 1 && p.DilationW == 1;
        // Position of the first pixel; later ones step (ox, oy, n) without dividing.
        int n = begin / (outH * outW), oy = begin / outW % outH, ox = begin % outW - 1;
        for (int pixel = begin; pixel < end; pixel++)
        {
            if (++ox == outW)
            {
                ox = 0;
                if (++oy == outH) { oy = 0; n++; }
            }
            int iy0 = oy * p.StrideH - p.Padding.Top, ix0 = ox * p.StrideW - p.Padding.Left;
            int first = ((n * inH + iy0) * inW + ix0) * inC;
            ref short start = ref MemoryMarshal.GetReference(window);
            nint rowStep = rowShorts;
            // In place when the window is inside the image and its last row's padded read stays inside the input.
            if (dense && iy0 >= 0 && iy0 + kH <= inH && ix0 >= 0 && ix0 + kW <= inW && first + (long)(kH - 1) * inW * inC + rowShorts <= x.Length)
            {
                start = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), first);
                rowStep = (nint)inW * inC;
                // The next pixel of the row in place too: both go together (their sums and stages overlap).
                int pixelStep = p.StrideW * inC;
                if (pixel + 1 < end && ox + 1 < outW && ix0 + p.StrideW + kW <= inW && first + pixelStep + (long)(kH - 1) * inW * inC + rowShorts <= x.Length)
                {
                    PixelPair(ref start, pixelStep, rowStep, kH, w, ref weights, ref constants, blockShorts, stage, output, pixel * w.Outputs);
                    pixel++; ox++;
                    continue;
                }
            }
            else
                GatherWindow(x, input.Shape, w.PaddingRow, p, kH, kW, n, iy0, ix0, rowShorts, window);
            int outBase = pixel * w.Outputs;
            for (int b = 0; b < w.Blocks; b += 2)
            {
                int second = b + 1 < w.Blocks ? b + 1 : b;   // an odd last block pairs with itself; its copy is not stored
                Vector256<int> a0 = Vector256.LoadUnsafe(ref constants, (nuint)(b * 8)), a1 = Vector256.LoadUnsafe(ref constants, (nuint)(second * 8));
                DotWindow16(ref start, rowStep, kH, w.RowPairs, ref Unsafe.Add(ref weights, b * blockShorts), ref Unsafe.Add(ref weights, second * blockShorts), ref a0, ref a1);
                int o = b * 8;
                OutputStage512.Store(OutputStage512.Apply16(Vector512.Create(a0, a1), stage, o), output, outBase + o, Math.Min(16, w.Outputs - o));
            }
        }
    }

    /// <summary>Two neighbouring in-place pixels (windows <paramref name="pixelStep"/> shorts apart), block pair by block pair.</summary>
    private static void PixelPair(ref short start, nint pixelStep, nint rowStep, int kH, PackedGemm16 w, ref short weights, ref int constants, int blockShorts,
        VectorOutputStage stage, QuantizedOutput output, int outBase)
    {
        for (int b = 0; b < w.Blocks; b += 2)
        {
            int second = b + 1 < w.Blocks ? b + 1 : b;
            Vector256<int> c0 = Vector256.LoadUnsafe(ref constants, (nuint)(b * 8)), c1 = Vector256.LoadUnsafe(ref constants, (nuint)(second * 8));
            Vector256<int> a0 = c0, a1 = c1, b0 = c0, b1 = c1;
            DotWindow16x2(ref start, pixelStep, rowStep, kH, w.RowPairs, ref Unsafe.Add(ref weights, b * blockShorts), ref Unsafe.Add(ref weights, second * blockShorts), ref a0, ref a1, ref b0, ref b1);
            int o = b * 8, count = Math.Min(16, w.Outputs - o);
            OutputStage512.Store(OutputStage512.Apply16(Vector512.Create(a0, a1), stage, o), output, outBase + o, count);
            OutputStage512.Store(OutputStage512.Apply16(Vector512.Create(b0, b1), stage, o), output, outBase + w.Outputs + o, count);
        }
    }

    /// <summary><see cref="DotWindow16"/> for two windows <paramref name="pixelStep"/> shorts apart, sharing each weight load.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void DotWindow16x2(ref short start, nint pixelStep, nint rowStep, int kH, int rowPairs, ref short w0, ref short w1,
        ref Vector256<int> sum00, ref Vector256<int> sum01, ref Vector256<int> sum10, ref Vector256<int> sum11)
    {
        Vector256<int> a0 = sum00, a1 = sum01, b0 = sum10, b1 = sum11;
        for (int ky = 0; ky < kH; ky++)
        {
            ref byte row = ref Unsafe.As<short, byte>(ref Unsafe.Add(ref start, ky * rowStep));
            ref byte next = ref Unsafe.Add(ref row, 2 * pixelStep);
            ref short r0 = ref Unsafe.Add(ref w0, ky * rowPairs * 16);
            ref short r1 = ref Unsafe.Add(ref w1, ky * rowPairs * 16);
            for (int q = 0; q < rowPairs; q++)
            {
                var x0 = Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref row, 4 * q))).AsInt16();
                var x1 = Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref next, 4 * q))).AsInt16();
                var v0 = Vector256.LoadUnsafe(ref r0, (nuint)(q * 16));
                var v1 = Vector256.LoadUnsafe(ref r1, (nuint)(q * 16));
                if (AvxVnni.IsSupported)
                {
                    a0 = AvxVnni.MultiplyWideningAndAdd(a0, x0, v0);
                    a1 = AvxVnni.MultiplyWideningAndAdd(a1, x0, v1);
                    b0 = AvxVnni.MultiplyWideningAndAdd(b0, x1, v0);
                    b1 = AvxVnni.MultiplyWideningAndAdd(b1, x1, v1);
                }
                else
                {
                    a0 += Avx2.MultiplyAddAdjacent(x0, v0);
                    a1 += Avx2.MultiplyAddAdjacent(x0, v1);
                    b0 += Avx2.MultiplyAddAdjacent(x1, v0);
                    b1 += Avx2.MultiplyAddAdjacent(x1, v1);
                }
            }
        }
        sum00 = a0; sum01 = a1; sum10 = b0; sum11 = b1;
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

    /// <summary>
    /// a0 += Σ window·W_block0, a1 += Σ window·W_block1 over kH rows of <paramref name="rowPairs"/> int16 pairs
    /// (rows <paramref name="rowStep"/> shorts apart). Its own method so the accumulators stay in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void DotWindow16(ref short start, nint rowStep, int kH, int rowPairs, ref short w0, ref short w1, ref Vector256<int> sum0, ref Vector256<int> sum1)
    {
        Vector256<int> a0 = sum0, a1 = sum1;
        for (int ky = 0; ky < kH; ky++)
        {
            ref int row = ref Unsafe.As<short, int>(ref Unsafe.Add(ref start, ky * rowStep));
            ref short r0 = ref Unsafe.Add(ref w0, ky * rowPairs * 16);
            ref short r1 = ref Unsafe.Add(ref w1, ky * rowPairs * 16);
            for (int q = 0; q < rowPairs; q++)
            {
                var pair = Vector256.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.As<int, byte>(ref Unsafe.Add(ref row, q)))).AsInt16();
                if (AvxVnni.IsSupported)
                {
                    a0 = AvxVnni.MultiplyWideningAndAdd(a0, pair, Vector256.LoadUnsafe(ref r0, (nuint)(q * 16)));
                    a1 = AvxVnni.MultiplyWideningAndAdd(a1, pair, Vector256.LoadUnsafe(ref r1, (nuint)(q * 16)));
                }
                else
                {
                    a0 += Avx2.MultiplyAddAdjacent(pair, Vector256.LoadUnsafe(ref r0, (nuint)(q * 16)));
                    a1 += Avx2.MultiplyAddAdjacent(pair, Vector256.LoadUnsafe(ref r1, (nuint)(q * 16)));
                }
            }
        }
        sum0 = a0; sum1 = a1;
    }
}
#endif
