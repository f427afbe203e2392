#if NET
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

public static partial class Conv2D
{
    /// <summary>How <see cref="Direct16{TWindows}"/> sums and requantizes runs of neighbouring int16 windows.</summary>
    internal interface IWindowRuns
    {
        /// <summary>
        /// <paramref name="count"/> windows of a row (the first at <paramref name="start"/>, the next <paramref name="pixelStep"/>
        /// shorts further; window rows <paramref name="rowStep"/> shorts apart), outputs from <paramref name="outBase"/> on.
        /// </summary>
        static abstract void Run(ref short start, nint pixelStep, int count, nint rowStep, int kH, PackedGemm16 w, VectorOutputStage stage, in QuantizedOutput output, int outBase, KernelScratch scratch);
    }

    /// <summary>Largest kernel-row-padded window (shorts) the direct int16 kernel copies to the stack for border pixels.</summary>
    internal const int MaxDirectWindow = 1024;

    /// <summary>
    /// The direct form of <see cref="Fast16"/> for output pixels [begin, end): no im2col for pixels whose window lies
    /// inside the image (each window row is kW·C contiguous int16 values, read in place as pairs against
    /// <see cref="PackedGemm16.RowWeights"/>; a row's padding pair meets zero weights); a border pixel's window is
    /// gathered on the stack with the zero-point padding. <typeparamref name="TWindows"/> sums runs of neighbouring windows
    /// (exact: the sums fit int32, checked at packing) and requantizes them: AVX-512 or NEON.
    /// </summary>
    internal static void Direct16<TWindows>(QuantizedInput input, int kH, int kW, QuantizedOutput output, Conv2DParams p, PackedGemm16 w, VectorOutputStage stage, int begin, int end, KernelScratch scratch)
        where TWindows : struct, IWindowRuns
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
                    TWindows.Run(ref Unsafe.Add(ref MemoryMarshal.GetReference(x), first), pixelStep, count, rowStep, kH, w, stage, output, pixel * w.Outputs, scratch);
                    pixel += count - 1; ox += count - 1;
                    continue;
                }
                // A border pixel: its gathered window is a run of one.
                GatherWindow(x, input.Shape, w.PaddingRow, p, kH, kW, n, iy0, ox * p.StrideW - p.Padding.Left, rowShorts, window);
                TWindows.Run(ref MemoryMarshal.GetReference(window), 0, 1, rowShorts, kH, w, stage, output, pixel * w.Outputs, scratch);
            }
        }
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
