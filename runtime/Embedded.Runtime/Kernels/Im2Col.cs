using System;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

/// <summary>
/// im2col for the GEMM convolution paths: output pixels [first, first + rows) become rows holding their (ky, kx, c)
/// input patch; cells outside the image get the padding pixel (each channel's zero point, a real 0), and the
/// row's tail up to the row length is cleared (the packed weights are zero there).
/// </summary>
internal static partial class Im2Col
{
    public static void Unroll<T>(ReadOnlySpan<T> input, ReadOnlySpan<int> inShape, ReadOnlySpan<T> padding, Conv2DParams p, int kH, int kW,
        int outH, int outW, int first, int rows, int rowLength, Span<T> target) where T : unmanaged
    {
        int inH = inShape[1], inW = inShape[2], inC = inShape[3];
        // The first pixel's position once; then a step to the right per row (no divisions per row).
        int n = first / (outH * outW), oy = first / outW % outH, ox = first % outW;
        for (int r = 0; r < rows; r++, ox++)
        {
            if (ox == outW)
            {
                ox = 0;
                if (++oy == outH) { oy = 0; n++; }
            }
            var row = target.Slice(r * rowLength, rowLength);
            int at = 0;
            int x0 = ox * p.StrideW - p.Padding.Left;
            // With dilation 1 a kernel row inside the image is one contiguous run of kW·C input values.
            bool rowInside = p.DilationW == 1 && x0 >= 0 && x0 + kW <= inW;
            for (int ky = 0; ky < kH; ky++)
            {
                int iy = oy * p.StrideH - p.Padding.Top + ky * p.DilationH;
                if (rowInside && iy >= 0 && iy < inH)
                {
                    Copy(input.Slice(((n * inH + iy) * inW + x0) * inC, kW * inC), row.Slice(at));
                    at += kW * inC;
                    continue;
                }
                for (int kx = 0; kx < kW; kx++)
                {
                    int ix = ox * p.StrideW - p.Padding.Left + kx * p.DilationW;
                    var source = iy < 0 || iy >= inH || ix < 0 || ix >= inW ? padding : input.Slice(((n * inH + iy) * inW + ix) * inC, inC);
                    source.CopyTo(row.Slice(at));
                    at += inC;
                }
            }
            row.Slice(at).Clear();
        }
    }

    /// <summary>
    /// A kernel row's run of input values into the unrolled row. Runs of 8 to 32 bytes (an 8-bit RGB stem's 3×3 rows are
    /// 9 bytes, the int16 stem's 18) go as two overlapping moves of 8 or 16 bytes: Span.CopyTo's general memmove costs
    /// several times more for such short runs.
    /// </summary>
    private static void Copy<T>(ReadOnlySpan<T> source, Span<T> target) where T : unmanaged
    {
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(source);
        var to = System.Runtime.InteropServices.MemoryMarshal.AsBytes(target);
        if (bytes.Length is >= 8 and <= 32)
        {
            if (to.Length < bytes.Length) throw new ArgumentException("im2col row is shorter than the kernel row.", nameof(target));
#if NET
            if (bytes.Length >= 16 && System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated)
            {
                var head = System.Runtime.Intrinsics.Vector128.Create(bytes);
                var tail = System.Runtime.Intrinsics.Vector128.Create(bytes.Slice(bytes.Length - 16));
                System.Runtime.Intrinsics.Vector128.CopyTo(head, to);
                System.Runtime.Intrinsics.Vector128.CopyTo(tail, to.Slice(bytes.Length - 16));
                return;
            }
#endif
            if (bytes.Length <= 16)
            {
                ulong head = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes);
                ulong tail = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(bytes.Length - 8));
                System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(to, head);
                System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(to.Slice(bytes.Length - 8), tail);
                return;
            }
        }
        source.CopyTo(target);
    }
}
