#if NET
using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
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

    /// <summary>Largest kernel (taps) the row kernel lists on the stack; larger ones take the per-tap path.</summary>
    internal const int MaxRowTaps = 64;

    /// <summary>
    /// Output pixels [oxBegin, oxEnd) of row <paramref name="oy"/>, any kernel size up to <see cref="MaxRowTaps"/>,
    /// dilation and padding: per pixel the valid taps are listed once (input and weight offsets; padded taps are
    /// left out, which is the reference's real 0), then per block of 8 channels they multiply-add (x − z)·w in
    /// registers and requantize straight to the output. Channels past the last full block go through the scalar stage.
    /// </summary>
    internal static void RowAvx2(QuantizedInput input, bool signed, PackedDepthwise w, DepthwiseConv2DParams p, int n, int oy, int oxBegin, int oxEnd,
        VectorOutputStage stage, QuantizedOutput output, int outW, int outH, Span<int> values)
    {
        if (signed) RowAvx2<SignedBytes>(input, w, p, n, oy, oxBegin, oxEnd, stage, output, outW, outH, values);
        else RowAvx2<UnsignedBytes>(input, w, p, n, oy, oxBegin, oxEnd, stage, output, outW, outH, values);
    }

    private static void RowAvx2<TBytes>(QuantizedInput input, PackedDepthwise w, DepthwiseConv2DParams p, int n, int oy, int oxBegin, int oxEnd,
        VectorOutputStage stage, QuantizedOutput output, int outW, int outH, Span<int> values) where TBytes : struct, IWidenBytes
    {
        if (oxBegin >= oxEnd) return;
        int inH = input.Shape[1], inW = input.Shape[2], channels = w.Channels;
        // Every tap listed below is inside the image and every 8-byte read ends at or before its pixel's last channel.
        if (input.Bytes.Length < (long)(n + 1) * inH * inW * channels) throw new ArgumentException("Depthwise input is shorter than its shape.", nameof(input));
        if (w.KernelH * w.KernelW > MaxRowTaps) throw new ArgumentException("Depthwise kernel too large for the row kernel.", nameof(w));
        Span<int> inputOffsets = stackalloc int[MaxRowTaps];
        Span<int> weightOffsets = stackalloc int[MaxRowTaps];
        ref byte b0 = ref MemoryMarshal.GetReference(input.Bytes);
        ref int weights = ref MemoryMarshal.GetArrayDataReference(w.Weights);
        ref int bias = ref MemoryMarshal.GetArrayDataReference(w.Bias);
        ref int zeros = ref MemoryMarshal.GetArrayDataReference(w.InputZeroPoints);
        ref int inOff = ref MemoryMarshal.GetReference(inputOffsets);
        ref int wOff = ref MemoryMarshal.GetReference(weightOffsets);
        bool plain = stage.Activation is not (FusedActivation.HardSigmoid or FusedActivation.HardSwish) && !stage.Wide && !stage.SingleRounding;
        int full = channels / 8 * 8;
        int y0 = oy * p.StrideH - p.Padding.Top;
        for (int ox = oxBegin; ox < oxEnd; ox++)
        {
            int taps = ListValidTaps(w, p, n, inH, inW, y0, ox * p.StrideW - p.Padding.Left, inputOffsets, weightOffsets);
            int outBase = ((n * outH + oy) * outW + ox) * channels;
            for (int c = 0; c < full; c += 8)
            {
                var acc = SumTaps<TBytes>(ref Unsafe.Add(ref b0, c), ref Unsafe.Add(ref weights, c), ref inOff, ref wOff, taps,
                    Vector256.LoadUnsafe(ref bias, (nuint)c), Vector256.LoadUnsafe(ref zeros, (nuint)c));
                OutputStageX86.Store(plain ? OutputStageX86.Lanes.Load(stage, c).Apply(acc) : OutputStageX86.Apply8(acc, stage, c, avx512: false), output, outBase + c, 8, values);
            }
            if (full < channels)
                TailScalar(input.Bytes, typeof(TBytes) == typeof(SignedBytes), w, p.Output, inputOffsets.Slice(0, taps), weightOffsets.Slice(0, taps), full, output, outBase);
        }
    }

    /// <summary>
    /// Lists the taps of the window at (y0, x0) that lie inside the image: each one's input offset (pixel start) and
    /// weight offset (tap start). Padded taps are left out — the reference's real 0. Returns how many.
    /// </summary>
    internal static int ListValidTaps(PackedDepthwise w, DepthwiseConv2DParams p, int n, int inH, int inW, int y0, int x0, Span<int> inputOffsets, Span<int> weightOffsets)
    {
        int taps = 0, channels = w.Channels;
        for (int ky = 0; ky < w.KernelH; ky++)
        {
            int iy = y0 + ky * p.DilationH;
            if ((uint)iy >= (uint)inH) continue;
            for (int kx = 0; kx < w.KernelW; kx++)
            {
                int ix = x0 + kx * p.DilationW;
                if ((uint)ix >= (uint)inW) continue;
                inputOffsets[taps] = ((n * inH + iy) * inW + ix) * channels;
                weightOffsets[taps++] = (ky * w.KernelW + kx) * channels;
            }
        }
        return taps;
    }

    /// <summary>
    /// acc + Σ_t (x[inOff[t]] − zero)·w[wOff[t]] over eight channels. A method of its own (not inlined) so the
    /// accumulator and pointers live in registers: inside the large row method the JIT kept them on the stack and
    /// reloaded five of them on every tap.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector256<int> SumTaps<TBytes>(ref byte input, ref int weights, ref int inOff, ref int wOff, int taps, Vector256<int> acc, Vector256<int> zero)
        where TBytes : struct, IWidenBytes
    {
        var other = Vector256<int>.Zero;   // two accumulators: two taps in flight per iteration
        int t = 0;
        for (; t + 2 <= taps; t += 2)
        {
            acc += (TBytes.Widen(ref Unsafe.Add(ref input, (nint)(uint)Unsafe.Add(ref inOff, t))) - zero) * Vector256.LoadUnsafe(ref weights, (nuint)(uint)Unsafe.Add(ref wOff, t));
            other += (TBytes.Widen(ref Unsafe.Add(ref input, (nint)(uint)Unsafe.Add(ref inOff, t + 1))) - zero) * Vector256.LoadUnsafe(ref weights, (nuint)(uint)Unsafe.Add(ref wOff, t + 1));
        }
        if (t < taps)
            acc += (TBytes.Widen(ref Unsafe.Add(ref input, (nint)(uint)Unsafe.Add(ref inOff, t))) - zero) * Vector256.LoadUnsafe(ref weights, (nuint)(uint)Unsafe.Add(ref wOff, t));
        return acc + other;
    }

    /// <summary>Eight input bytes widened to int32 lanes, as int8 or uint8 (a type parameter, so each form compiles to one instruction).</summary>
    internal interface IWidenBytes
    {
        static abstract Vector256<int> Widen(ref byte at);
        /// <summary>Sixteen bytes to ZMM int32 lanes (AVX-512 callers only).</summary>
        static abstract Vector512<int> Widen16(ref byte at);
        /// <summary>Eight bytes at <paramref name="at"/> and eight <paramref name="second"/> bytes on, to ZMM int32 lanes (AVX-512 callers only).</summary>
        static abstract Vector512<int> WidenPair(ref byte at, nint second);
    }

    internal readonly struct SignedBytes : IWidenBytes
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Widen(ref byte at) => Avx2.ConvertToVector256Int32(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref at)).AsSByte());

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<int> Widen16(ref byte at) => Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref at).AsSByte());

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<int> WidenPair(ref byte at, nint second) =>
            Avx512F.ConvertToVector512Int32(Vector128.Create(Unsafe.ReadUnaligned<ulong>(ref at), Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref at, second))).AsSByte());
    }

    internal readonly struct UnsignedBytes : IWidenBytes
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> Widen(ref byte at) => Avx2.ConvertToVector256Int32(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<long>(ref at)).AsByte());

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<int> Widen16(ref byte at) => Avx512F.ConvertToVector512Int32(Vector128.LoadUnsafe(ref at));

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<int> WidenPair(ref byte at, nint second) =>
            Avx512F.ConvertToVector512Int32(Vector128.Create(Unsafe.ReadUnaligned<ulong>(ref at), Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref at, second))).AsByte());
    }

    /// <summary>Channels [from, C) of one pixel (those past the last full block of 8) over its listed taps, with the scalar output stage.</summary>
    private static void TailScalar(ReadOnlySpan<byte> bytes, bool signed, PackedDepthwise w, OutputStage stage, ReadOnlySpan<int> inputOffsets, ReadOnlySpan<int> weightOffsets,
        int from, QuantizedOutput output, int outBase)
    {
        for (int c = from; c < w.Channels; c++)
        {
            int acc = w.Bias[c];
            for (int t = 0; t < inputOffsets.Length; t++)
            {
                int at = inputOffsets[t] + c;
                acc = unchecked(acc + ((signed ? (sbyte)bytes[at] : bytes[at]) - w.InputZeroPoints[c]) * w.Weights[weightOffsets[t] + c]);
            }
            output.Store(outBase + c, OutputStageMath.Apply(stage, c, acc, false, output.ZeroPoint(c)));
        }
    }

    /// <summary>
    /// The interior of one output row of a 3×3, dilation-1 depthwise convolution (pixels whose 9 taps are all inside
    /// the image): per block of 8 channels the nine weight vectors stay in registers across the row.
    /// Returns nothing; the caller runs <see cref="RowAvx2"/> for the border pixels.
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
                OutputStageX86.Store(OutputStageX86.Apply8(acc, stage, c, avx512: false), output, ((n * outH + oy) * outW + ox) * channels + c, 8, values);
            }
        }
        if (full == channels) return;
        Span<int> inputOffsets = stackalloc int[9], weightOffsets = stackalloc int[9];
        for (int ox = oxBegin; ox < oxEnd; ox++)
        {
            for (int t = 0; t < 9; t++)
            {
                inputOffsets[t] = ((n * inH + y0 + t / 3) * inW + ox * p.StrideW - p.Padding.Left + t % 3) * channels;
                weightOffsets[t] = t * channels;
            }
            TailScalar(input.Bytes, signed, w, p.Output, inputOffsets, weightOffsets, full, output, ((n * outH + oy) * outW + ox) * channels);
        }
    }

    // Eight bytes at an index the caller has bounds-checked (interior pixels, full channel blocks), widened to int32.
    private static Vector256<int> Load(ref byte b0, int at, bool signed)
    {
        var raw = Vector128.CreateScalar(System.Runtime.CompilerServices.Unsafe.ReadUnaligned<ulong>(ref System.Runtime.CompilerServices.Unsafe.Add(ref b0, at)));
        return signed ? Avx2.ConvertToVector256Int32(raw.AsSByte()) : Avx2.ConvertToVector256Int32(raw.AsByte());
    }
}
#endif
