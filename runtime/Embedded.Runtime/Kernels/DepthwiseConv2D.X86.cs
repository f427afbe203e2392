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
        for (; c < channels; c++)
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
}
#endif
