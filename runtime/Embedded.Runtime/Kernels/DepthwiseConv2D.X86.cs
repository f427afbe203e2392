#if NET
using System;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

public static partial class DepthwiseConv2D
{
    /// <summary>8 channels per step with VPMOVSXBD/VPMOVZXBD and VPMULLD. Returns channels done.</summary>
    internal static int AccumulateTapAvx2(ReadOnlySpan<byte> x, bool signed, ReadOnlySpan<int> zeroPoints, ReadOnlySpan<int> weights, Span<int> acc)
    {
        ref int z = ref MemoryMarshal.GetReference(zeroPoints);
        ref int wr = ref MemoryMarshal.GetReference(weights);
        ref int a = ref MemoryMarshal.GetReference(acc);
        int c = 0;
        for (; c + 8 <= acc.Length; c += 8)
        {
            var raw = Vector128.CreateScalar(BinaryPrimitives.ReadUInt64LittleEndian(x.Slice(c)));
            var xv = signed ? Avx2.ConvertToVector256Int32(raw.AsSByte()) : Avx2.ConvertToVector256Int32(raw.AsByte());
            var sum = Vector256.LoadUnsafe(ref a, (nuint)c) + (xv - Vector256.LoadUnsafe(ref z, (nuint)c)) * Vector256.LoadUnsafe(ref wr, (nuint)c);
            sum.StoreUnsafe(ref a, (nuint)c);
        }
        return c + AccumulateTapVector128(x.Slice(c), signed, zeroPoints.Slice(c), weights.Slice(c), acc.Slice(c));
    }

    /// <summary>
    /// One output pixel with everything in registers: per block of 8 channels, bias + Σ taps (x − z)·w, then the
    /// vector output stage straight to the output; channels past the last full block go through the scalar stage.
    /// </summary>
    internal static void PixelAvx2(QuantizedInput input, bool signed, PackedDepthwise w, DepthwiseConv2DParams p, int n, int oy, int ox,
        VectorOutputStage stage, QuantizedOutput output, int outBase, Span<int> values)
    {
        int inH = input.Shape[1], inW = input.Shape[2], channels = w.Channels;
        int kyFirst = 0, kyLast = w.KernelH - 1, kxFirst = 0, kxLast = w.KernelW - 1;
        int y0 = oy * p.StrideH - p.Padding.Top, x0 = ox * p.StrideW - p.Padding.Left;
        while (kyFirst <= kyLast && y0 + kyFirst * p.DilationH < 0) kyFirst++;
        while (kyLast >= kyFirst && y0 + kyLast * p.DilationH >= inH) kyLast--;
        while (kxFirst <= kxLast && x0 + kxFirst * p.DilationW < 0) kxFirst++;
        while (kxLast >= kxFirst && x0 + kxLast * p.DilationW >= inW) kxLast--;
        ref int bias = ref MemoryMarshal.GetArrayDataReference(w.Bias);
        ref int zeros = ref MemoryMarshal.GetArrayDataReference(w.InputZeroPoints);
        ref int weights = ref MemoryMarshal.GetArrayDataReference(w.Weights);
        var bytes = input.Bytes;
        int c = 0;
        for (; c + 8 <= channels; c += 8)
        {
            var acc = Vector256.LoadUnsafe(ref bias, (nuint)c);
            var zero = Vector256.LoadUnsafe(ref zeros, (nuint)c);
            for (int ky = kyFirst; ky <= kyLast; ky++)
            {
                int rowBase = ((n * inH + y0 + ky * p.DilationH) * inW) * channels + c;
                for (int kx = kxFirst; kx <= kxLast; kx++)
                {
                    var raw = Vector128.CreateScalar(BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(rowBase + (x0 + kx * p.DilationW) * channels)));
                    var x = signed ? Avx2.ConvertToVector256Int32(raw.AsSByte()) : Avx2.ConvertToVector256Int32(raw.AsByte());
                    acc += (x - zero) * Vector256.LoadUnsafe(ref weights, (nuint)((ky * w.KernelW + kx) * channels + c));
                }
            }
            OutputStageX86.Store(OutputStageX86.Apply8(acc, stage, c), output, outBase + c, 8, values);
        }
        TailScalar(input, signed, w, p, n, y0, x0, kyFirst, kyLast, kxFirst, kxLast, c, output, outBase);
    }

    /// <summary>Channels [from, C) of one pixel (those past the last full block of 8), with the scalar output stage.</summary>
    private static void TailScalar(QuantizedInput input, bool signed, PackedDepthwise w, DepthwiseConv2DParams p, int n, int y0, int x0,
        int kyFirst, int kyLast, int kxFirst, int kxLast, int from, QuantizedOutput output, int outBase)
    {
        int inH = input.Shape[1], inW = input.Shape[2], channels = w.Channels;
        var bytes = input.Bytes;
        for (int c = from; c < channels; c++)
        {
            int acc = w.Bias[c];
            for (int ky = kyFirst; ky <= kyLast; ky++)
            for (int kx = kxFirst; kx <= kxLast; kx++)
            {
                int at = ((n * inH + y0 + ky * p.DilationH) * inW + x0 + kx * p.DilationW) * channels + c;
                acc = unchecked(acc + ((signed ? (sbyte)bytes[at] : bytes[at]) - w.InputZeroPoints[c]) * w.Weights[(ky * w.KernelW + kx) * channels + c]);
            }
            output.Store(outBase + c, OutputStageMath.Apply(p.Output, c, acc, false, output.ZeroPoint(c)));
        }
    }

    /// <summary>
    /// The interior of one output row of a 3×3, dilation-1 depthwise convolution (pixels whose 9 taps are all inside
    /// the image): per block of 8 channels the nine weight vectors stay in registers across the row.
    /// Returns nothing; the caller runs <see cref="PixelAvx2"/> for the border pixels.
    /// </summary>
    internal static void Interior3x3Avx2(QuantizedInput input, bool signed, PackedDepthwise w, DepthwiseConv2DParams p, int n, int oy, int oxBegin, int oxEnd,
        VectorOutputStage stage, QuantizedOutput output, int outW, int outH, Span<int> values)
    {
        int inH = input.Shape[1], inW = input.Shape[2], channels = w.Channels;
        int y0 = oy * p.StrideH - p.Padding.Top;
        int stride = p.StrideW * channels;
        ref byte b0 = ref MemoryMarshal.GetReference(input.Bytes);
        ref int weights = ref MemoryMarshal.GetArrayDataReference(w.Weights);
        int full = channels / 8 * 8;
        for (int c = 0; c < full; c += 8)
        {
            var bias = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(w.Bias), (nuint)c);
            var zero = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(w.InputZeroPoints), (nuint)c);
            var w0 = Vector256.LoadUnsafe(ref weights, (nuint)(0 * channels + c)); var w1 = Vector256.LoadUnsafe(ref weights, (nuint)(1 * channels + c));
            var w2 = Vector256.LoadUnsafe(ref weights, (nuint)(2 * channels + c)); var w3 = Vector256.LoadUnsafe(ref weights, (nuint)(3 * channels + c));
            var w4 = Vector256.LoadUnsafe(ref weights, (nuint)(4 * channels + c)); var w5 = Vector256.LoadUnsafe(ref weights, (nuint)(5 * channels + c));
            var w6 = Vector256.LoadUnsafe(ref weights, (nuint)(6 * channels + c)); var w7 = Vector256.LoadUnsafe(ref weights, (nuint)(7 * channels + c));
            var w8 = Vector256.LoadUnsafe(ref weights, (nuint)(8 * channels + c));
            int row0 = ((n * inH + y0) * inW) * channels + c, row1 = row0 + inW * channels, row2 = row1 + inW * channels;
            for (int ox = oxBegin; ox < oxEnd; ox++)
            {
                int x = (ox * p.StrideW - p.Padding.Left) * channels;
                var acc = bias;
                acc += (Load(ref b0, row0 + x, signed) - zero) * w0 + (Load(ref b0, row0 + x + channels, signed) - zero) * w1 + (Load(ref b0, row0 + x + 2 * channels, signed) - zero) * w2;
                acc += (Load(ref b0, row1 + x, signed) - zero) * w3 + (Load(ref b0, row1 + x + channels, signed) - zero) * w4 + (Load(ref b0, row1 + x + 2 * channels, signed) - zero) * w5;
                acc += (Load(ref b0, row2 + x, signed) - zero) * w6 + (Load(ref b0, row2 + x + channels, signed) - zero) * w7 + (Load(ref b0, row2 + x + 2 * channels, signed) - zero) * w8;
                OutputStageX86.Store(OutputStageX86.Apply8(acc, stage, c), output, ((n * outH + oy) * outW + ox) * channels + c, 8, values);
            }
        }
        if (full < channels)
            for (int ox = oxBegin; ox < oxEnd; ox++)
                TailScalar(input, signed, w, p, n, y0, ox * p.StrideW - p.Padding.Left, 0, 2, 0, 2, full, output, ((n * outH + oy) * outW + ox) * channels);
    }

    // Eight bytes at an index the caller has bounds-checked (interior pixels, full channel blocks), widened to int32.
    private static Vector256<int> Load(ref byte b0, int at, bool signed)
    {
        var raw = Vector128.CreateScalar(System.Runtime.CompilerServices.Unsafe.ReadUnaligned<ulong>(ref System.Runtime.CompilerServices.Unsafe.Add(ref b0, at)));
        return signed ? Avx2.ConvertToVector256Int32(raw.AsSByte()) : Avx2.ConvertToVector256Int32(raw.AsByte());
    }
}
#endif
