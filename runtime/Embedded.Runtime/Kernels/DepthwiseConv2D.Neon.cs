#if NET
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace Embedded.Runtime.Kernels;

public static partial class DepthwiseConv2D
{
    /// <summary>
    /// ARM NEON depthwise over output pixels [pixelBegin, pixelEnd) of image <paramref name="n"/>, any kernel size, stride,
    /// dilation and padding. Like the AVX-512 rows it reads zero-point-padded copies of the input rows
    /// (<paramref name="ring"/>, <see cref="FillRingRows"/>), so every pixel takes the kernel's whole width and starts from
    /// bias − z·Σw over its valid kernel rows. Eight channels per step: input bytes widened to int16 (SXTL/UXTL), times
    /// the int16 weights w − z_w, accumulated in int32 with SMLAL/SMLAL2 (exact: |x|·|w| ≤ 255·383), two pixels per
    /// weight load; the NEON output stage and narrowing stores. Fewer than eight last channels go scalar.
    /// </summary>
    internal static void RowsNeon(QuantizedInput input, bool signed, PackedDepthwise w, Model.DepthwiseConv2DParams p, int n, int pixelBegin, int pixelEnd,
        VectorOutputStage stage, QuantizedOutput output, int outW, int outH, Span<byte> ring)
    {
        if (pixelBegin >= pixelEnd || outW == 0) return;
        if (ring.Length < w.PaddedRowBytes(p, outW)) throw new ArgumentException("Depthwise scratch holds fewer padded input rows than this layer reads.", nameof(ring));
        if (w.KernelH > MaxKernelRows) throw new ArgumentException("Depthwise kernel has more rows than the ring kernel keeps.", nameof(w));
        int inH = input.Shape[1], inW = input.Shape[2];
        if (input.Bytes.Length < (long)(n + 1) * inH * inW * w.Channels) throw new ArgumentException("Depthwise input is shorter than its shape.", nameof(input));
        int oyEnd = (pixelEnd - 1) / outW + 1;
        if (output.Bytes.Length / Model.ElementTypeExtensions.SizeInBytes(output.Type) < (long)(n * outH + oyEnd) * outW * w.Channels)
            throw new ArgumentException("Depthwise output is shorter than its shape.", nameof(output));
        var g = new RowGeometry(p, w, n, inH, inW, outW, outH, pixelBegin, pixelEnd);
        if (signed) RowsNeon<SignedBytes8>(g, input.Bytes, w, p.Output, stage, output, ring);
        else RowsNeon<UnsignedBytes8>(g, input.Bytes, w, p.Output, stage, output, ring);
    }

    private static void RowsNeon<TBytes>(in RowGeometry g, ReadOnlySpan<byte> input, PackedDepthwise w, Model.OutputStage scalarStage, VectorOutputStage stage, QuantizedOutput output, Span<byte> ring)
        where TBytes : struct, IWiden8
    {
        if (w.SignedByteWeights)
        {
            if (OutputStageNeon.IsPlain(stage)) RowsNeon8<TBytes, OutputStageNeon.Lanes>(g, input, w, scalarStage, stage, output, ring);
            else if (OutputStageNeon.IsHardSwish(stage)) RowsNeon8<TBytes, OutputStageNeon.Gate>(g, input, w, scalarStage, stage, output, ring);
            else if (stage.SingleRounding) RowsNeon8<TBytes, OutputStageNeon.Single>(g, input, w, scalarStage, stage, output, ring);
            else RowsNeon8<TBytes, OutputStageNeon.Any>(g, input, w, scalarStage, stage, output, ring);
            return;
        }
        if (OutputStageNeon.IsPlain(stage)) RowsNeon<TBytes, OutputStageNeon.Lanes>(g, input, w, scalarStage, stage, output, ring);
        else if (OutputStageNeon.IsHardSwish(stage)) RowsNeon<TBytes, OutputStageNeon.Gate>(g, input, w, scalarStage, stage, output, ring);
        else if (stage.SingleRounding) RowsNeon<TBytes, OutputStageNeon.Single>(g, input, w, scalarStage, stage, output, ring);
        else RowsNeon<TBytes, OutputStageNeon.Any>(g, input, w, scalarStage, stage, output, ring);
    }

    private static void RowsNeon<TBytes, TStage>(in RowGeometry g, ReadOnlySpan<byte> input, PackedDepthwise w, Model.OutputStage scalarStage, VectorOutputStage stage, QuantizedOutput output, Span<byte> ring)
        where TBytes : struct, IWiden8 where TStage : struct, OutputStageNeon.IBlock4<TStage>
    {
        nint channels = g.Channels, ringRow = (nint)g.PaddedWidth * channels;
        nint tapStep = channels * g.DilationW, pixelStep = channels * g.StrideW, weightRowStep = g.KernelW * channels;
        int prefixRow = g.KernelW + 1, full8 = g.Channels / 8 * 8, kernelW = g.KernelW;
        ref short weights = ref MemoryMarshal.GetArrayDataReference(w.Weights16);
        ref int prefix = ref MemoryMarshal.GetArrayDataReference(w.WeightPrefix);
        ref int bias = ref MemoryMarshal.GetArrayDataReference(w.Bias);
        ref int zeros = ref MemoryMarshal.GetArrayDataReference(w.InputZeroPoints);
        ref byte rows0 = ref MemoryMarshal.GetReference(ring);
        Span<nint> rowAt = stackalloc nint[MaxKernelRows];
        ref nint rowAt0 = ref MemoryMarshal.GetReference(rowAt);
        ref byte out0 = ref MemoryMarshal.GetReference(output.Bytes);
        int outBytes = output.Type == Model.ElementType.Int16 ? 2 : 1;
        int filledBegin = int.MinValue, filledEnd = int.MinValue;   // input rows [filledBegin, filledEnd) are in the ring
        for (int oy = g.RowBegin; oy < g.RowEnd; oy++)
        {
            int y0 = oy * g.StrideH - g.PadTop;
            var (kyA, kyB) = ValidTaps(y0, g.DilationH, g.KernelH, g.InH);
            int rows = kyB - kyA;
            if (rows > 0)
            {
                int first = y0 + kyA * g.DilationH, last = y0 + (kyB - 1) * g.DilationH;
                EnsureRingRows(g, input, w.PaddingPixel, ring, first, last + 1, ref filledBegin, ref filledEnd);
                for (int r = 0; r < rows; r++) rowAt[r] = (first + r * g.DilationH) % g.RingRows * ringRow;
            }
            int xFrom = Math.Max(0, g.PixelBegin - oy * g.OutW), xTo = Math.Min(g.OutW, g.PixelEnd - oy * g.OutW);
            int outRow = (g.N * g.OutH + oy) * g.OutW;
            // Σw over kernel rows [kyA, kyB), all columns: prefix sums at column kW minus the rows above kyA.
            nint sumB = (nint)(kyB * prefixRow + g.KernelW) * channels, sumA = (nint)(kyA * prefixRow + g.KernelW) * channels;
            for (int c = 0; c < full8; c += 8)
            {
                var start0 = Vector128.LoadUnsafe(ref bias, (nuint)c) - Vector128.LoadUnsafe(ref zeros, (nuint)c)
                    * (Vector128.LoadUnsafe(ref prefix, (nuint)(sumB + c)) - Vector128.LoadUnsafe(ref prefix, (nuint)(sumA + c)));
                var start1 = Vector128.LoadUnsafe(ref bias, (nuint)(c + 4)) - Vector128.LoadUnsafe(ref zeros, (nuint)(c + 4))
                    * (Vector128.LoadUnsafe(ref prefix, (nuint)(sumB + c + 4)) - Vector128.LoadUnsafe(ref prefix, (nuint)(sumA + c + 4)));
                ref short blockWeights = ref Unsafe.Add(ref weights, kyA * weightRowStep + c);
                var stage0 = TStage.For(stage, c);
                var stage1 = TStage.For(stage, c + 4);
                ref byte block = ref Unsafe.Add(ref rows0, c);
                nint at = ((nint)(outRow + xFrom) * channels + c) * outBytes, outStep = channels * outBytes;
                int ox = xFrom;
                for (; ox + 2 <= xTo; ox += 2, at += 2 * outStep)
                {
                    ref byte taps = ref Unsafe.Add(ref block, ox * pixelStep);
                    Vector128<int> a0 = start0, a1 = start1, b0 = start0, b1 = start1;
                    ref short wr = ref blockWeights;
                    for (int r = 0; r < rows; r++, wr = ref Unsafe.Add(ref wr, weightRowStep))
                    {
                        ref byte x = ref Unsafe.Add(ref taps, Unsafe.Add(ref rowAt0, r));
                        ref short wk = ref wr;
                        for (int k = 0; k < kernelW; k++, x = ref Unsafe.Add(ref x, tapStep), wk = ref Unsafe.Add(ref wk, channels))
                        {
                            var wv = Vector128.LoadUnsafe(ref wk);
                            var xa = TBytes.Widen(ref x);
                            var xb = TBytes.Widen(ref Unsafe.Add(ref x, pixelStep));
                            a0 = AdvSimd.MultiplyWideningLowerAndAdd(a0, xa.GetLower(), wv.GetLower());
                            a1 = AdvSimd.MultiplyWideningUpperAndAdd(a1, xa, wv);
                            b0 = AdvSimd.MultiplyWideningLowerAndAdd(b0, xb.GetLower(), wv.GetLower());
                            b1 = AdvSimd.MultiplyWideningUpperAndAdd(b1, xb, wv);
                        }
                    }
                    Store8(stage0.Apply(a0), stage1.Apply(a1), ref Unsafe.Add(ref out0, at), outBytes);
                    Store8(stage0.Apply(b0), stage1.Apply(b1), ref Unsafe.Add(ref out0, at + outStep), outBytes);
                }
                if (ox < xTo)
                {
                    ref byte taps = ref Unsafe.Add(ref block, ox * pixelStep);
                    Vector128<int> a0 = start0, a1 = start1;
                    ref short wr = ref blockWeights;
                    for (int r = 0; r < rows; r++, wr = ref Unsafe.Add(ref wr, weightRowStep))
                    {
                        ref byte x = ref Unsafe.Add(ref taps, Unsafe.Add(ref rowAt0, r));
                        ref short wk = ref wr;
                        for (int k = 0; k < kernelW; k++, x = ref Unsafe.Add(ref x, tapStep), wk = ref Unsafe.Add(ref wk, channels))
                        {
                            var wv = Vector128.LoadUnsafe(ref wk);
                            var xa = TBytes.Widen(ref x);
                            a0 = AdvSimd.MultiplyWideningLowerAndAdd(a0, xa.GetLower(), wv.GetLower());
                            a1 = AdvSimd.MultiplyWideningUpperAndAdd(a1, xa, wv);
                        }
                    }
                    Store8(stage0.Apply(a0), stage1.Apply(a1), ref Unsafe.Add(ref out0, at), outBytes);
                }
            }
            // The last channels (fewer than eight), one at a time from the same padded rows.
            for (int c = full8; c < g.Channels; c++)
            {
                int start = unchecked(w.Bias[c] - w.InputZeroPoints[c] * (w.WeightPrefix[sumB + c] - w.WeightPrefix[sumA + c]));
                for (int ox = xFrom; ox < xTo; ox++)
                {
                    int acc = start;
                    for (int r = 0; r < rows; r++)
                    for (int k = 0; k < g.KernelW; k++)
                    {
                        byte raw = Unsafe.Add(ref rows0, rowAt[r] + ox * pixelStep + k * tapStep + c);
                        acc = unchecked(acc + TBytes.Value(raw) * w.Weights[((kyA + r) * g.KernelW + k) * g.Channels + c]);
                    }
                    output.Store((outRow + ox) * g.Channels + c, OutputStageMath.Apply(scalarStage, c, acc, false, output.ZeroPoint(c)));
                }
            }
        }
    }

    /// <summary>
    /// <see cref="RowsNeon{TBytes, TStage}"/> for weights that fit in signed bytes (<see cref="PackedDepthwise.SignedByteWeights"/>):
    /// the input bytes as x_s (uint8 inputs XOR 0x80, their + 128 folded into the start value with the zero point), two
    /// taps of a kernel row multiplied and added in int16 lanes (SMULL + SMLAL on 8-byte loads: |x_s·w| ≤ 128·127, so two
    /// fit) and widened into the int32 sums with SADDW/SADDW2: half the instructions per tap of the int16 form.
    /// </summary>
    private static void RowsNeon8<TBytes, TStage>(in RowGeometry g, ReadOnlySpan<byte> input, PackedDepthwise w, Model.OutputStage scalarStage, VectorOutputStage stage, QuantizedOutput output, Span<byte> ring)
        where TBytes : struct, IWiden8 where TStage : struct, OutputStageNeon.IBlock4<TStage>
    {
        nint channels = g.Channels, ringRow = (nint)g.PaddedWidth * channels;
        nint tapStep = channels * g.DilationW, pixelStep = channels * g.StrideW, weightRowStep = g.KernelW * channels;
        int prefixRow = g.KernelW + 1, full8 = g.Channels / 8 * 8, kernelW = g.KernelW, pairEnd = g.KernelW & ~1;
        ref sbyte weights = ref MemoryMarshal.GetArrayDataReference(w.Weights8);
        ref int prefix = ref MemoryMarshal.GetArrayDataReference(w.WeightPrefix);
        ref int bias = ref MemoryMarshal.GetArrayDataReference(w.Bias);
        ref int zeros = ref MemoryMarshal.GetArrayDataReference(w.InputZeroPoints);
        ref byte rows0 = ref MemoryMarshal.GetReference(ring);
        Span<nint> rowAt = stackalloc nint[MaxKernelRows];
        ref nint rowAt0 = ref MemoryMarshal.GetReference(rowAt);
        ref byte out0 = ref MemoryMarshal.GetReference(output.Bytes);
        int outBytes = output.Type == Model.ElementType.Int16 ? 2 : 1;
        var offset = Vector128.Create(TBytes.Offset);
        int filledBegin = int.MinValue, filledEnd = int.MinValue;   // input rows [filledBegin, filledEnd) are in the ring
        for (int oy = g.RowBegin; oy < g.RowEnd; oy++)
        {
            int y0 = oy * g.StrideH - g.PadTop;
            var (kyA, kyB) = ValidTaps(y0, g.DilationH, g.KernelH, g.InH);
            int rows = kyB - kyA;
            if (rows > 0)
            {
                int first = y0 + kyA * g.DilationH, last = y0 + (kyB - 1) * g.DilationH;
                EnsureRingRows(g, input, w.PaddingPixel, ring, first, last + 1, ref filledBegin, ref filledEnd);
                for (int r = 0; r < rows; r++) rowAt[r] = (first + r * g.DilationH) % g.RingRows * ringRow;
            }
            int xFrom = Math.Max(0, g.PixelBegin - oy * g.OutW), xTo = Math.Min(g.OutW, g.PixelEnd - oy * g.OutW);
            int outRow = (g.N * g.OutH + oy) * g.OutW;
            nint sumB = (nint)(kyB * prefixRow + g.KernelW) * channels, sumA = (nint)(kyA * prefixRow + g.KernelW) * channels;
            for (int c = 0; c < full8; c += 8)
            {
                // bias − (z − offset)·Σw over the valid kernel rows: x − z = x_s − (z − offset).
                var start0 = Vector128.LoadUnsafe(ref bias, (nuint)c) - (Vector128.LoadUnsafe(ref zeros, (nuint)c) - offset)
                    * (Vector128.LoadUnsafe(ref prefix, (nuint)(sumB + c)) - Vector128.LoadUnsafe(ref prefix, (nuint)(sumA + c)));
                var start1 = Vector128.LoadUnsafe(ref bias, (nuint)(c + 4)) - (Vector128.LoadUnsafe(ref zeros, (nuint)(c + 4)) - offset)
                    * (Vector128.LoadUnsafe(ref prefix, (nuint)(sumB + c + 4)) - Vector128.LoadUnsafe(ref prefix, (nuint)(sumA + c + 4)));
                ref sbyte blockWeights = ref Unsafe.Add(ref weights, kyA * weightRowStep + c);
                var stage0 = TStage.For(stage, c);
                var stage1 = TStage.For(stage, c + 4);
                ref byte block = ref Unsafe.Add(ref rows0, c);
                nint at = ((nint)(outRow + xFrom) * channels + c) * outBytes, outStep = channels * outBytes;
                int ox = xFrom;
                for (; ox + 2 <= xTo; ox += 2, at += 2 * outStep)
                {
                    ref byte taps = ref Unsafe.Add(ref block, ox * pixelStep);
                    Vector128<int> a0 = start0, a1 = start1, b0 = start0, b1 = start1;
                    ref sbyte wr = ref blockWeights;
                    for (int r = 0; r < rows; r++, wr = ref Unsafe.Add(ref wr, weightRowStep))
                    {
                        ref byte x = ref Unsafe.Add(ref taps, Unsafe.Add(ref rowAt0, r));
                        Vector128<short> pa, pb;
                        if (kernelW == 3)
                        {
                            // Taps 0+1 in int16 lanes, tap 2 alone: straight-line code for the common kernel widths.
                            (pa, pb) = TapPair<TBytes>(ref x, ref wr, tapStep, pixelStep, channels);
                            Accumulate(ref a0, ref a1, ref b0, ref b1, pa, pb);
                            (pa, pb) = Tap<TBytes>(ref Unsafe.Add(ref x, 2 * tapStep), ref Unsafe.Add(ref wr, 2 * channels), pixelStep);
                            Accumulate(ref a0, ref a1, ref b0, ref b1, pa, pb);
                            continue;
                        }
                        if (kernelW == 5)
                        {
                            (pa, pb) = TapPair<TBytes>(ref x, ref wr, tapStep, pixelStep, channels);
                            Accumulate(ref a0, ref a1, ref b0, ref b1, pa, pb);
                            (pa, pb) = TapPair<TBytes>(ref Unsafe.Add(ref x, 2 * tapStep), ref Unsafe.Add(ref wr, 2 * channels), tapStep, pixelStep, channels);
                            Accumulate(ref a0, ref a1, ref b0, ref b1, pa, pb);
                            (pa, pb) = Tap<TBytes>(ref Unsafe.Add(ref x, 4 * tapStep), ref Unsafe.Add(ref wr, 4 * channels), pixelStep);
                            Accumulate(ref a0, ref a1, ref b0, ref b1, pa, pb);
                            continue;
                        }
                        ref sbyte wk = ref wr;
                        int k = 0;
                        for (; k < pairEnd; k += 2, x = ref Unsafe.Add(ref x, 2 * tapStep), wk = ref Unsafe.Add(ref wk, 2 * channels))
                        {
                            (pa, pb) = TapPair<TBytes>(ref x, ref wk, tapStep, pixelStep, channels);
                            Accumulate(ref a0, ref a1, ref b0, ref b1, pa, pb);
                        }
                        if (k < kernelW)
                        {
                            (pa, pb) = Tap<TBytes>(ref x, ref wk, pixelStep);
                            Accumulate(ref a0, ref a1, ref b0, ref b1, pa, pb);
                        }
                    }
                    Store8(stage0.Apply(a0), stage1.Apply(a1), ref Unsafe.Add(ref out0, at), outBytes);
                    Store8(stage0.Apply(b0), stage1.Apply(b1), ref Unsafe.Add(ref out0, at + outStep), outBytes);
                }
                if (ox < xTo)
                {
                    ref byte taps = ref Unsafe.Add(ref block, ox * pixelStep);
                    Vector128<int> a0 = start0, a1 = start1;
                    ref sbyte wr = ref blockWeights;
                    for (int r = 0; r < rows; r++, wr = ref Unsafe.Add(ref wr, weightRowStep))
                    {
                        ref byte x = ref Unsafe.Add(ref taps, Unsafe.Add(ref rowAt0, r));
                        ref sbyte wk = ref wr;
                        for (int k = 0; k < kernelW; k++, x = ref Unsafe.Add(ref x, tapStep), wk = ref Unsafe.Add(ref wk, channels))
                        {
                            var pa = AdvSimd.MultiplyWideningLower(TBytes.Signed(ref x), Vector64.LoadUnsafe(ref wk));
                            a0 = AdvSimd.AddWideningLower(a0, pa.GetLower()); a1 = AdvSimd.AddWideningUpper(a1, pa);
                        }
                    }
                    Store8(stage0.Apply(a0), stage1.Apply(a1), ref Unsafe.Add(ref out0, at), outBytes);
                }
            }
            // The last channels (fewer than eight), one at a time from the same padded rows.
            for (int c = full8; c < g.Channels; c++)
            {
                int start = unchecked(w.Bias[c] - w.InputZeroPoints[c] * (w.WeightPrefix[sumB + c] - w.WeightPrefix[sumA + c]));
                for (int ox = xFrom; ox < xTo; ox++)
                {
                    int acc = start;
                    for (int r = 0; r < rows; r++)
                    for (int k = 0; k < g.KernelW; k++)
                    {
                        byte raw = Unsafe.Add(ref rows0, rowAt[r] + ox * pixelStep + k * tapStep + c);
                        acc = unchecked(acc + TBytes.Value(raw) * w.Weights[((kyA + r) * g.KernelW + k) * g.Channels + c]);
                    }
                    output.Store((outRow + ox) * g.Channels + c, OutputStageMath.Apply(scalarStage, c, acc, false, output.ZeroPoint(c)));
                }
            }
        }
    }

    /// <summary>Two taps (columns k, k + 1) of two pixels: SMULL + SMLAL of x_s and the signed-byte weights, int16 lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<short> A, Vector128<short> B) TapPair<TBytes>(ref byte x, ref sbyte w, nint tapStep, nint pixelStep, nint channels)
        where TBytes : struct, IWiden8
    {
        var w0 = Vector64.LoadUnsafe(ref w);
        var w1 = Vector64.LoadUnsafe(ref Unsafe.Add(ref w, channels));
        ref byte x1 = ref Unsafe.Add(ref x, tapStep);
        var pa = AdvSimd.MultiplyWideningLowerAndAdd(AdvSimd.MultiplyWideningLower(TBytes.Signed(ref x), w0), TBytes.Signed(ref x1), w1);
        var pb = AdvSimd.MultiplyWideningLowerAndAdd(AdvSimd.MultiplyWideningLower(TBytes.Signed(ref Unsafe.Add(ref x, pixelStep)), w0), TBytes.Signed(ref Unsafe.Add(ref x1, pixelStep)), w1);
        return (pa, pb);
    }

    /// <summary>One tap of two pixels (SMULL).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<short> A, Vector128<short> B) Tap<TBytes>(ref byte x, ref sbyte w, nint pixelStep) where TBytes : struct, IWiden8
    {
        var w0 = Vector64.LoadUnsafe(ref w);
        return (AdvSimd.MultiplyWideningLower(TBytes.Signed(ref x), w0), AdvSimd.MultiplyWideningLower(TBytes.Signed(ref Unsafe.Add(ref x, pixelStep)), w0));
    }

    /// <summary>Two pixels' int16 products into their int32 sums (SADDW/SADDW2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate(ref Vector128<int> a0, ref Vector128<int> a1, ref Vector128<int> b0, ref Vector128<int> b1, Vector128<short> pa, Vector128<short> pb)
    {
        a0 = AdvSimd.AddWideningLower(a0, pa.GetLower()); a1 = AdvSimd.AddWideningUpper(a1, pa);
        b0 = AdvSimd.AddWideningLower(b0, pb.GetLower()); b1 = AdvSimd.AddWideningUpper(b1, pb);
    }

    /// <summary>
    /// Eight clamped values at <paramref name="target"/> as int8/uint8 (<paramref name="bytes"/> = 1: XTN keeps each
    /// int16's low byte, which is the value itself for anything already clamped to the type) or int16 (2). Bounds were
    /// checked once for the whole call.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store8(Vector128<int> lower, Vector128<int> upper, ref byte target, int bytes)
    {
        var words = AdvSimd.ExtractNarrowingSaturateUpper(AdvSimd.ExtractNarrowingSaturateLower(lower), upper);
        if (bytes == 2) Unsafe.WriteUnaligned(ref target, words);
        else Unsafe.WriteUnaligned(ref target, AdvSimd.ExtractNarrowingLower(words));
    }

    /// <summary>Eight input bytes as int16 lanes: sign- or zero-extended by the input type.</summary>
    private interface IWiden8
    {
        static abstract Vector128<short> Widen(ref byte x);
        static abstract int Value(byte x);
        /// <summary>Eight input bytes as x_s = x − <see cref="Offset"/> in signed bytes.</summary>
        static abstract Vector64<sbyte> Signed(ref byte x);
        static abstract int Offset { get; }
    }

    private readonly struct SignedBytes8 : IWiden8
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<short> Widen(ref byte x) => AdvSimd.SignExtendWideningLower(Vector64.LoadUnsafe(ref x).AsSByte());
        public static int Value(byte x) => (sbyte)x;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector64<sbyte> Signed(ref byte x) => Vector64.LoadUnsafe(ref x).AsSByte();
        public static int Offset => 0;
    }

    private readonly struct UnsignedBytes8 : IWiden8
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<short> Widen(ref byte x) => AdvSimd.ZeroExtendWideningLower(Vector64.LoadUnsafe(ref x)).AsInt16();
        public static int Value(byte x) => x;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector64<sbyte> Signed(ref byte x) => (Vector64.LoadUnsafe(ref x) ^ Vector64.Create((byte)0x80)).AsSByte();
        public static int Offset => 128;
    }
}
#endif
