#if NET
using System;
using System.Runtime.CompilerServices;

namespace Embedded.Runtime.Kernels;

/// <summary>
/// The zero-point-padded input rows the AVX-512 and NEON depthwise kernels read (a ring of kernel-height rows per
/// thread, <see cref="KernelScratch.DepthwiseRows"/>): the layer's integers, which input rows an output row needs and
/// how they are copied in. Arch-neutral; each kernel file holds only its own arithmetic.
/// </summary>
public static partial class DepthwiseConv2D
{
    /// <summary>The integers of a depthwise layer that the block kernel needs (no references, so it costs the JIT nothing to copy).</summary>
    private readonly struct RowGeometry
    {
        public readonly int N, InH, InW, Channels, OutW, OutH, PixelBegin, PixelEnd, RowBegin, RowEnd, KernelH, KernelW;
        public readonly int StrideH, StrideW, DilationH, DilationW, PadTop, PadLeft;
        /// <summary>Pixels of a padded input row (<see cref="PackedDepthwise.PaddedWidth"/>) and rows the ring keeps.</summary>
        public readonly int PaddedWidth, RingRows;

        public RowGeometry(Model.DepthwiseConv2DParams p, PackedDepthwise w, int n, int inH, int inW, int outW, int outH, int pixelBegin, int pixelEnd)
        {
            N = n; InH = inH; InW = inW; Channels = w.Channels; OutW = outW; OutH = outH;
            PixelBegin = pixelBegin; PixelEnd = pixelEnd; RowBegin = pixelBegin / outW; RowEnd = (pixelEnd - 1) / outW + 1;
            KernelH = w.KernelH; KernelW = w.KernelW;
            StrideH = p.StrideH; StrideW = p.StrideW; DilationH = p.DilationH; DilationW = p.DilationW; PadTop = p.Padding.Top; PadLeft = p.Padding.Left;
            PaddedWidth = (int)w.PaddedWidth(p, outW); RingRows = (int)w.RingRows(p);
        }
    }

    /// <summary>The most kernel rows the ring kernel reads per output row (a row's offsets live on the stack).</summary>
    private const int MaxKernelRows = MaxRowTaps;

    /// <summary>
    /// Makes input rows [first, end) (at most <see cref="RowGeometry.RingRows"/> of them) present in the ring, given that rows
    /// [filledBegin, filledEnd) are, and updates that range. Output rows usually need rows further down, so only the new
    /// ones are copied; with dilation the next output row may start above the rows filled so far (d = 2, top padding 3:
    /// rows 1, 3, 5, then 0, 2, 4, 6), and then the whole window is copied again.
    /// </summary>
    private static void EnsureRingRows(in RowGeometry g, ReadOnlySpan<byte> input, ReadOnlySpan<byte> paddingPixel, Span<byte> ring, int first, int end,
        ref int filledBegin, ref int filledEnd)
    {
        if (first >= filledBegin && first <= filledEnd)
        {
            if (end <= filledEnd) return;
            FillRingRows(g, input, paddingPixel, ring, filledEnd, end);
            filledEnd = end;
            // The new rows took the slots of the rows RingRows above them.
            filledBegin = Math.Max(filledBegin, end - g.RingRows);
            return;
        }
        FillRingRows(g, input, paddingPixel, ring, first, end);
        filledBegin = first;
        filledEnd = end;
    }

    /// <summary>
    /// What every padded-row kernel does first for output row <paramref name="oy"/>: the kernel rows [kyA, kyB) that fall
    /// inside the image, made present in the ring, and each one's byte offset in it (<paramref name="rowAt"/>).
    /// </summary>
    private static (int KyA, int KyB) RingRowsFor(in RowGeometry g, ReadOnlySpan<byte> input, ReadOnlySpan<byte> paddingPixel, Span<byte> ring, int oy, Span<nint> rowAt,
        ref int filledBegin, ref int filledEnd)
    {
        int y0 = oy * g.StrideH - g.PadTop;
        var (kyA, kyB) = ValidTaps(y0, g.DilationH, g.KernelH, g.InH);
        if (kyB > kyA)
        {
            int first = y0 + kyA * g.DilationH, last = y0 + (kyB - 1) * g.DilationH;
            // Rows [first, last] span at most RingRows, so no two rows this output row reads share a slot.
            EnsureRingRows(g, input, paddingPixel, ring, first, last + 1, ref filledBegin, ref filledEnd);
            nint ringRow = (nint)g.PaddedWidth * g.Channels;
            for (int r = 0; r < kyB - kyA; r++) rowAt[r] = (first + r * g.DilationH) % g.RingRows * ringRow;
        }
        return (kyA, kyB);
    }

    /// <summary>The columns [from, to) of output row <paramref name="oy"/> in this part's pixels (a share may end mid-row).</summary>
    private static (int From, int To) Columns(in RowGeometry g, int oy) =>
        (Math.Max(0, g.PixelBegin - oy * g.OutW), Math.Min(g.OutW, g.PixelEnd - oy * g.OutW));

    /// <summary>
    /// Copies input rows [from, to) of image g.N into their ring slots (row mod <see cref="RowGeometry.RingRows"/>), each
    /// as <see cref="RowGeometry.PaddedWidth"/> pixels: <see cref="RowGeometry.PadLeft"/> zero-point pixels, the row, then
    /// zero-point pixels to the padded width. Returns <paramref name="to"/> (rows below it are in place).
    /// </summary>
    private static int FillRingRows(in RowGeometry g, ReadOnlySpan<byte> input, ReadOnlySpan<byte> paddingPixel, Span<byte> ring, int from, int to)
    {
        int channels = g.Channels, width = g.PaddedWidth;
        int left = Math.Min(g.PadLeft, width), copied = Math.Max(0, Math.Min(g.InW, width - g.PadLeft));
        for (int iy = from; iy < to; iy++)
        {
            var row = ring.Slice(iy % g.RingRows * width * channels, width * channels);
            for (int px = 0; px < left; px++) paddingPixel.CopyTo(row.Slice(px * channels));
            input.Slice(((g.N * g.InH + iy) * g.InW) * channels, copied * channels).CopyTo(row.Slice(left * channels));
            for (int px = left + copied; px < width; px++) paddingPixel.CopyTo(row.Slice(px * channels));
        }
        return Math.Max(from, to);
    }

    /// <summary>Narrows a run [ox, ox + count) to the columns [xFrom, xTo) of a part's row; false when nothing is left.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool ClipRun(ref int ox, ref int count, int xFrom, int xTo)
    {
        int end = Math.Min(ox + count, xTo);
        ox = Math.Max(ox, xFrom);
        count = end - ox;
        return count > 0;
    }

    /// <summary>The kernel taps [a, b) along one axis whose input index start + k·dilation lies in [0, size).</summary>
    private static (int A, int B) ValidTaps(int start, int dilation, int kernel, int size)
    {
        int a = start >= 0 ? 0 : (-start + dilation - 1) / dilation;
        int b = start >= size ? 0 : Math.Min(kernel, (size - 1 - start) / dilation + 1);
        return a < b ? (a, b) : (0, 0);
    }

    /// <summary>The argument checks both padded-row kernels make before they read or write without bounds checks.</summary>
    private static void CheckPaddedRows(QuantizedInput input, PackedDepthwise w, Model.DepthwiseConv2DParams p, int n, int pixelEnd, QuantizedOutput output, int outW, int outH, Span<byte> ring)
    {
        if (ring.Length < w.PaddedRowBytes(p, outW)) throw new ArgumentException("Depthwise scratch holds fewer padded input rows than this layer reads.", nameof(ring));
        if (w.KernelH > MaxKernelRows) throw new ArgumentException("Depthwise kernel has more rows than the padded-row kernels keep.", nameof(w));
        if (input.Bytes.Length < (long)(n + 1) * input.Shape[1] * input.Shape[2] * w.Channels) throw new ArgumentException("Depthwise input is shorter than its shape.", nameof(input));
        if (output.Type is not (Model.ElementType.Int8 or Model.ElementType.UInt8 or Model.ElementType.Int16))
            throw new ArgumentException($"Depthwise padded rows store 8- or 16-bit outputs, not {output.Type}.", nameof(output));
        int oyEnd = (pixelEnd - 1) / outW + 1;
        if (output.Bytes.Length / Model.ElementTypeExtensions.SizeInBytes(output.Type) < (long)(n * outH + oyEnd) * outW * w.Channels)
            throw new ArgumentException("Depthwise output is shorter than its shape.", nameof(output));
    }
}
#endif
