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
    /// (<paramref name="ring"/>, <see cref="EnsureRingRows"/>), so every pixel takes the kernel's whole width and starts
    /// from bias − z·Σw over its valid kernel rows. With signed-byte weights (in [−127, 127]) and 8-bit outputs, blocks
    /// of sixteen channels first (<see cref="IDepthwiseTaps.Sums16"/>: the sums of up to 32 pixels, then their output
    /// stage with its constants in registers); then eight channels per step, two pixels per weight load, the taps as
    /// <see cref="SignedByteTaps{TBytes}"/> (SMULL/SMLAL in int16 lanes) or <see cref="WideTaps{TBytes}"/> (any other
    /// weights: int16 SMLAL), the NEON output stage and narrowing stores. Fewer than eight last channels go scalar.
    /// </summary>
    internal static void RowsNeon(QuantizedInput input, bool signed, PackedDepthwise w, Model.DepthwiseConv2DParams p, int n, int pixelBegin, int pixelEnd,
        VectorOutputStage stage, QuantizedOutput output, int outW, int outH, Span<byte> ring)
    {
        if (pixelBegin >= pixelEnd || outW == 0) return;
        CheckPaddedRows(input, w, p, n, pixelEnd, output, outW, outH, ring);
        int inH = input.Shape[1], inW = input.Shape[2];
        var g = new RowGeometry(p, w, n, inH, inW, outW, outH, pixelBegin, pixelEnd);
        if (w.SignedByteWeights)
        {
            if (signed) RowsNeon<SignedByteTaps<SignedBytes8>>(g, input.Bytes, w, p.Output, stage, output, ring);
            else RowsNeon<SignedByteTaps<UnsignedBytes8>>(g, input.Bytes, w, p.Output, stage, output, ring);
        }
        else if (signed) RowsNeon<WideTaps<SignedBytes8>>(g, input.Bytes, w, p.Output, stage, output, ring);
        else RowsNeon<WideTaps<UnsignedBytes8>>(g, input.Bytes, w, p.Output, stage, output, ring);
    }

    private static void RowsNeon<TTaps>(in RowGeometry g, ReadOnlySpan<byte> input, PackedDepthwise w, Model.OutputStage scalarStage, VectorOutputStage stage, QuantizedOutput output, Span<byte> ring)
        where TTaps : struct, IDepthwiseTaps
    {
        if (OutputStageNeon.IsRightShiftOnly(stage)) RowsNeon<TTaps, OutputStageNeon.RightShift>(g, input, w, scalarStage, stage, output, ring);
        else if (OutputStageNeon.IsPlain(stage)) RowsNeon<TTaps, OutputStageNeon.Lanes>(g, input, w, scalarStage, stage, output, ring);
        else if (OutputStageNeon.IsHardSwish(stage)) RowsNeon<TTaps, OutputStageNeon.Gate>(g, input, w, scalarStage, stage, output, ring);
        else if (stage.SingleRounding) RowsNeon<TTaps, OutputStageNeon.Single>(g, input, w, scalarStage, stage, output, ring);
        else RowsNeon<TTaps, OutputStageNeon.Any>(g, input, w, scalarStage, stage, output, ring);
    }

    private static void RowsNeon<TTaps, TStage>(in RowGeometry g, ReadOnlySpan<byte> input, PackedDepthwise w, Model.OutputStage scalarStage, VectorOutputStage stage, QuantizedOutput output, Span<byte> ring)
        where TTaps : struct, IDepthwiseTaps where TStage : struct, OutputStageNeon.IBlock4<TStage>
    {
        nint channels = g.Channels;
        nint tapStep = channels * g.DilationW, pixelStep = channels * g.StrideW, channelBytes = channels * TTaps.WeightBytes;
        nint weightRowBytes = g.KernelW * channelBytes;
        int prefixRow = g.KernelW + 1, full8 = g.Channels / 8 * 8, kernelW = g.KernelW;
        ref byte weights = ref TTaps.Weights(w);
        ref int prefix = ref MemoryMarshal.GetArrayDataReference(w.WeightPrefix);
        ref int bias = ref MemoryMarshal.GetArrayDataReference(w.Bias);
        ref int zeros = ref MemoryMarshal.GetArrayDataReference(w.InputZeroPoints);
        ref byte rows0 = ref MemoryMarshal.GetReference(ring);
        Span<nint> rowAt = stackalloc nint[MaxKernelRows];
        ref nint rowAt0 = ref MemoryMarshal.GetReference(rowAt);
        ref byte out0 = ref MemoryMarshal.GetReference(output.Bytes);
        bool int16 = output.Type == Model.ElementType.Int16;
        int outBytes = int16 ? 2 : 1;
        var offset = Vector128.Create(TTaps.Offset);
        bool blocks16 = TTaps.Sums16Ready && !int16;
        Span<int> sums = stackalloc int[ChunkPixels * 16];
        ref int sums0 = ref MemoryMarshal.GetReference(sums);
        int filledBegin = int.MinValue, filledEnd = int.MinValue;   // input rows [filledBegin, filledEnd) are in the ring
        for (int oy = g.RowBegin; oy < g.RowEnd; oy++)
        {
            var (kyA, kyB) = RingRowsFor(g, input, w.PaddingPixel, ring, oy, rowAt, ref filledBegin, ref filledEnd);
            int rows = kyB - kyA;
            var (xFrom, xTo) = Columns(g, oy);
            int outRow = (g.N * g.OutH + oy) * g.OutW;
            // Σw over kernel rows [kyA, kyB), all columns: prefix sums at column kW minus the rows above kyA.
            nint sumB = (nint)(kyB * prefixRow + g.KernelW) * channels, sumA = (nint)(kyA * prefixRow + g.KernelW) * channels;
            int c8 = 0;
            if (blocks16)
            {
                // Sixteen channels at a time: the sums of up to ChunkPixels pixels, then their output stage.
                ref byte outRow0 = ref Unsafe.Add(ref out0, (nint)outRow * channels);
                for (; c8 + 16 <= g.Channels; c8 += 16)
                {
                    var s0 = Start(ref bias, ref zeros, ref prefix, sumA, sumB, c8, offset);
                    var s1 = Start(ref bias, ref zeros, ref prefix, sumA, sumB, c8 + 4, offset);
                    var s2 = Start(ref bias, ref zeros, ref prefix, sumA, sumB, c8 + 8, offset);
                    var s3 = Start(ref bias, ref zeros, ref prefix, sumA, sumB, c8 + 12, offset);
                    ref byte blockWeights = ref Unsafe.Add(ref weights, kyA * weightRowBytes + c8);
                    ref byte block = ref Unsafe.Add(ref rows0, c8);
                    for (int x = xFrom; x < xTo; x += ChunkPixels)
                    {
                        int pixels = Math.Min(ChunkPixels, xTo - x);
                        TTaps.Sums16(ref Unsafe.Add(ref block, x * pixelStep), ref rowAt0, rows, ref blockWeights, weightRowBytes, tapStep, pixelStep, channels, kernelW, pixels, s0, s1, s2, s3, ref sums0);
                        Stage16<TStage>(stage, c8, ref sums0, pixels, ref Unsafe.Add(ref outRow0, x * channels + c8), channels);
                    }
                }
            }
            for (int c = c8; c < full8; c += 8)
            {
                var start0 = Start(ref bias, ref zeros, ref prefix, sumA, sumB, c, offset);
                var start1 = Start(ref bias, ref zeros, ref prefix, sumA, sumB, c + 4, offset);
                ref byte blockWeights = ref Unsafe.Add(ref weights, kyA * weightRowBytes + c * TTaps.WeightBytes);
                var stage0 = TStage.For(stage, c);
                var stage1 = TStage.For(stage, c + 4);
                ref byte block = ref Unsafe.Add(ref rows0, c);
                nint at = ((nint)(outRow + xFrom) * channels + c) * outBytes, outStep = channels * outBytes;
                int ox = xFrom;
                for (; ox + 2 <= xTo; ox += 2, at += 2 * outStep)
                {
                    ref byte taps = ref Unsafe.Add(ref block, ox * pixelStep);
                    Vector128<int> a0 = start0, a1 = start1, b0 = start0, b1 = start1;
                    ref byte wr = ref blockWeights;
                    for (int r = 0; r < rows; r++, wr = ref Unsafe.Add(ref wr, weightRowBytes))
                        TTaps.Row2(ref Unsafe.Add(ref taps, Unsafe.Add(ref rowAt0, r)), ref wr, tapStep, pixelStep, channelBytes, kernelW, ref a0, ref a1, ref b0, ref b1);
                    OutputStageNeon.Store8(stage0.Apply(a0), stage1.Apply(a1), ref Unsafe.Add(ref out0, at), int16);
                    OutputStageNeon.Store8(stage0.Apply(b0), stage1.Apply(b1), ref Unsafe.Add(ref out0, at + outStep), int16);
                }
                if (ox < xTo)
                {
                    // The last pixel of a row: the pair form with the second pixel the same one (its sums are dropped).
                    ref byte taps = ref Unsafe.Add(ref block, ox * pixelStep);
                    Vector128<int> a0 = start0, a1 = start1, b0 = start0, b1 = start1;
                    ref byte wr = ref blockWeights;
                    for (int r = 0; r < rows; r++, wr = ref Unsafe.Add(ref wr, weightRowBytes))
                        TTaps.Row2(ref Unsafe.Add(ref taps, Unsafe.Add(ref rowAt0, r)), ref wr, tapStep, 0, channelBytes, kernelW, ref a0, ref a1, ref b0, ref b1);
                    OutputStageNeon.Store8(stage0.Apply(a0), stage1.Apply(a1), ref Unsafe.Add(ref out0, at), int16);
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
                        acc = unchecked(acc + TTaps.Value(raw) * w.Weights[((kyA + r) * g.KernelW + k) * g.Channels + c]);
                    }
                    output.Store((outRow + ox) * g.Channels + c, OutputStageMath.Apply(scalarStage, c, acc, false, output.ZeroPoint(c)));
                }
            }
        }
    }

    /// <summary>Output pixels per pass of the 16-channel blocks: their int32 sums (2 KB) stay in L1 for the output stage.</summary>
    private const int ChunkPixels = 32;

    /// <summary>bias − (z − offset)·Σw over the valid kernel rows for channels [c, c + 4): x − z = x_t − (z − offset).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Start(ref int bias, ref int zeros, ref int prefix, nint sumA, nint sumB, int c, Vector128<int> offset) =>
        Vector128.LoadUnsafe(ref bias, (nuint)c) - (Vector128.LoadUnsafe(ref zeros, (nuint)c) - offset)
            * (Vector128.LoadUnsafe(ref prefix, (nuint)(sumB + c)) - Vector128.LoadUnsafe(ref prefix, (nuint)(sumA + c)));

    /// <summary>
    /// The output stage of 16 channels [c, c + 16) over <paramref name="pixels"/> pixels' sums (16 int32 per pixel), eight
    /// channels at a time so that a block's constants stay in registers for the whole run; 8-bit outputs
    /// (<see cref="OutputStageNeon.Clamp8"/>), <paramref name="channels"/> bytes apart.
    /// </summary>
    private static void Stage16<TStage>(VectorOutputStage stage, int c, ref int sums, int pixels, ref byte output, nint channels)
        where TStage : struct, OutputStageNeon.IBlock4<TStage>
    {
        for (int half = 0; half < 16; half += 8)
        {
            var lower = TStage.For(stage, c + half);
            var upper = TStage.For(stage, c + half + 4);
            var clamp = OutputStageNeon.Clamp8.For(stage, c + half);
            ref int at = ref Unsafe.Add(ref sums, half);
            ref byte target = ref Unsafe.Add(ref output, half);
            for (int p = 0; p < pixels; p++, at = ref Unsafe.Add(ref at, 16), target = ref Unsafe.Add(ref target, channels))
                Unsafe.WriteUnaligned(ref target, clamp.Bytes(lower.Scale(Vector128.LoadUnsafe(ref at)), upper.Scale(Vector128.LoadUnsafe(ref at, 4))));
        }
    }

    /// <summary>How <see cref="RowsNeon{TTaps, TStage}"/> multiplies a kernel row of two pixels into their int32 sums.</summary>
    private interface IDepthwiseTaps
    {
        /// <summary>What the taps' x_t is below the input value (x − z = x_t − (z − Offset)).</summary>
        static abstract int Offset { get; }
        /// <summary>Bytes per packed weight, and the weights (tap-major, as <see cref="PackedDepthwise.Weights16"/>).</summary>
        static abstract int WeightBytes { get; }
        static abstract ref byte Weights(PackedDepthwise w);
        /// <summary>The input value of a byte, for the scalar channel tail.</summary>
        static abstract int Value(byte raw);

        /// <summary>
        /// Σ x_t·w over one kernel row of <paramref name="kernelW"/> taps (<paramref name="tapStep"/> bytes apart) for eight
        /// channels of two pixels (<paramref name="pixelStep"/> bytes apart), added to a (channels 0–3, 4–7) and b.
        /// </summary>
        static abstract void Row2(ref byte x, ref byte w, nint tapStep, nint pixelStep, nint channelBytes, int kernelW,
            ref Vector128<int> a0, ref Vector128<int> a1, ref Vector128<int> b0, ref Vector128<int> b1);

        /// <summary>Whether <see cref="Sums16"/> exists for these taps.</summary>
        static abstract bool Sums16Ready { get; }

        /// <summary>
        /// The int32 sums (starting from s0–s3) of 16 channels for <paramref name="pixels"/> pixels (<paramref name="pixelStep"/>
        /// bytes apart from <paramref name="x"/>) over the kernel rows at <paramref name="rowAt"/> offsets, into
        /// <paramref name="sums"/> (16 per pixel); weights of a tap <paramref name="channels"/> bytes apart.
        /// </summary>
        static abstract void Sums16(ref byte x, ref nint rowAt, int rows, ref byte w, nint weightRowBytes, nint tapStep, nint pixelStep, nint channels,
            int kernelW, int pixels, Vector128<int> s0, Vector128<int> s1, Vector128<int> s2, Vector128<int> s3, ref int sums);
    }

    /// <summary>
    /// Weights in signed bytes, inputs as x_s (uint8 XOR 0x80): two taps multiplied and added in int16 lanes (SMULL +
    /// SMLAL on 8-byte loads; |x_s·w| ≤ 128·127, so two fit) and widened into the int32 sums with SADDW/SADDW2 — half the
    /// instructions per tap of <see cref="WideTaps{TBytes}"/>. Kernel rows of 3 and 5 taps run as straight-line code.
    /// </summary>
    private readonly struct SignedByteTaps<TBytes> : IDepthwiseTaps where TBytes : struct, IWiden8
    {
        public static int Offset => TBytes.Offset;
        public static int WeightBytes => 1;
        public static ref byte Weights(PackedDepthwise w) => ref Unsafe.As<sbyte, byte>(ref MemoryMarshal.GetArrayDataReference(w.Weights8));
        public static int Value(byte raw) => TBytes.Value(raw);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Row2(ref byte x, ref byte w, nint tapStep, nint pixelStep, nint channelBytes, int kernelW,
            ref Vector128<int> a0, ref Vector128<int> a1, ref Vector128<int> b0, ref Vector128<int> b1)
        {
            if (kernelW == 3)
            {
                TapPair(ref x, ref w, tapStep, pixelStep, channelBytes, ref a0, ref a1, ref b0, ref b1);
                Tap(ref Unsafe.Add(ref x, 2 * tapStep), ref Unsafe.Add(ref w, 2 * channelBytes), pixelStep, ref a0, ref a1, ref b0, ref b1);
                return;
            }
            if (kernelW == 5)
            {
                TapPair(ref x, ref w, tapStep, pixelStep, channelBytes, ref a0, ref a1, ref b0, ref b1);
                TapPair(ref Unsafe.Add(ref x, 2 * tapStep), ref Unsafe.Add(ref w, 2 * channelBytes), tapStep, pixelStep, channelBytes, ref a0, ref a1, ref b0, ref b1);
                Tap(ref Unsafe.Add(ref x, 4 * tapStep), ref Unsafe.Add(ref w, 4 * channelBytes), pixelStep, ref a0, ref a1, ref b0, ref b1);
                return;
            }
            int k = 0;
            for (; k + 2 <= kernelW; k += 2, x = ref Unsafe.Add(ref x, 2 * tapStep), w = ref Unsafe.Add(ref w, 2 * channelBytes))
                TapPair(ref x, ref w, tapStep, pixelStep, channelBytes, ref a0, ref a1, ref b0, ref b1);
            if (k < kernelW) Tap(ref x, ref w, pixelStep, ref a0, ref a1, ref b0, ref b1);
        }

        public static bool Sums16Ready => true;

        public static void Sums16(ref byte x, ref nint rowAt, int rows, ref byte w, nint weightRowBytes, nint tapStep, nint pixelStep, nint channels,
            int kernelW, int pixels, Vector128<int> s0, Vector128<int> s1, Vector128<int> s2, Vector128<int> s3, ref int sums)
        {
            for (int p = 0; p < pixels; p += 2, x = ref Unsafe.Add(ref x, 2 * pixelStep), sums = ref Unsafe.Add(ref sums, 32))
            {
                // A last odd pixel takes the pair form with its partner the same pixel (whose sums are not stored).
                nint step = p + 1 < pixels ? pixelStep : 0;
                Vector128<int> a0 = s0, a1 = s1, a2 = s2, a3 = s3, b0 = s0, b1 = s1, b2 = s2, b3 = s3;
                ref byte wr = ref w;
                for (int r = 0; r < rows; r++, wr = ref Unsafe.Add(ref wr, weightRowBytes))
                {
                    ref byte xr = ref Unsafe.Add(ref x, Unsafe.Add(ref rowAt, r));
                    if (kernelW == 3)
                    {
                        Pair16(ref xr, ref wr, tapStep, step, channels, ref a0, ref a1, ref a2, ref a3, ref b0, ref b1, ref b2, ref b3);
                        Single16(ref Unsafe.Add(ref xr, 2 * tapStep), ref Unsafe.Add(ref wr, 2 * channels), step, ref a0, ref a1, ref a2, ref a3, ref b0, ref b1, ref b2, ref b3);
                        continue;
                    }
                    if (kernelW == 5)
                    {
                        Pair16(ref xr, ref wr, tapStep, step, channels, ref a0, ref a1, ref a2, ref a3, ref b0, ref b1, ref b2, ref b3);
                        Pair16(ref Unsafe.Add(ref xr, 2 * tapStep), ref Unsafe.Add(ref wr, 2 * channels), tapStep, step, channels, ref a0, ref a1, ref a2, ref a3, ref b0, ref b1, ref b2, ref b3);
                        Single16(ref Unsafe.Add(ref xr, 4 * tapStep), ref Unsafe.Add(ref wr, 4 * channels), step, ref a0, ref a1, ref a2, ref a3, ref b0, ref b1, ref b2, ref b3);
                        continue;
                    }
                    int k = 0;
                    for (; k + 2 <= kernelW; k += 2)
                        Pair16(ref Unsafe.Add(ref xr, k * tapStep), ref Unsafe.Add(ref wr, k * channels), tapStep, step, channels, ref a0, ref a1, ref a2, ref a3, ref b0, ref b1, ref b2, ref b3);
                    if (k < kernelW)
                        Single16(ref Unsafe.Add(ref xr, k * tapStep), ref Unsafe.Add(ref wr, k * channels), step, ref a0, ref a1, ref a2, ref a3, ref b0, ref b1, ref b2, ref b3);
                }
                a0.StoreUnsafe(ref sums); a1.StoreUnsafe(ref sums, 4); a2.StoreUnsafe(ref sums, 8); a3.StoreUnsafe(ref sums, 12);
                if (step == 0) break;
                b0.StoreUnsafe(ref sums, 16); b1.StoreUnsafe(ref sums, 20); b2.StoreUnsafe(ref sums, 24); b3.StoreUnsafe(ref sums, 28);
            }
        }

        // 16 channels as two 8-byte halves throughout (LDP of two D registers, SMULL/SMLAL on each): .NET copies a
        // register for every GetLower() of a vector that stays live, which SMULL2 would need.

        /// <summary>Taps k and k + 1 of two pixels, 16 channels.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Pair16(ref byte x, ref byte w, nint tapStep, nint pixelStep, nint channels,
            ref Vector128<int> a0, ref Vector128<int> a1, ref Vector128<int> a2, ref Vector128<int> a3,
            ref Vector128<int> b0, ref Vector128<int> b1, ref Vector128<int> b2, ref Vector128<int> b3)
        {
            var w0 = Vector64.LoadUnsafe(ref w).AsSByte(); var w0h = Vector64.LoadUnsafe(ref w, 8).AsSByte();
            ref byte w1r = ref Unsafe.Add(ref w, channels);
            var w1 = Vector64.LoadUnsafe(ref w1r).AsSByte(); var w1h = Vector64.LoadUnsafe(ref w1r, 8).AsSByte();
            ref byte x1 = ref Unsafe.Add(ref x, tapStep);
            ref byte y0 = ref Unsafe.Add(ref x, pixelStep);
            ref byte y1 = ref Unsafe.Add(ref x1, pixelStep);
            Widen16(
                AdvSimd.MultiplyWideningLowerAndAdd(AdvSimd.MultiplyWideningLower(TBytes.Signed(ref x), w0), TBytes.Signed(ref x1), w1),
                AdvSimd.MultiplyWideningLowerAndAdd(AdvSimd.MultiplyWideningLower(TBytes.Signed(ref x, 8), w0h), TBytes.Signed(ref x1, 8), w1h),
                ref a0, ref a1, ref a2, ref a3);
            Widen16(
                AdvSimd.MultiplyWideningLowerAndAdd(AdvSimd.MultiplyWideningLower(TBytes.Signed(ref y0), w0), TBytes.Signed(ref y1), w1),
                AdvSimd.MultiplyWideningLowerAndAdd(AdvSimd.MultiplyWideningLower(TBytes.Signed(ref y0, 8), w0h), TBytes.Signed(ref y1, 8), w1h),
                ref b0, ref b1, ref b2, ref b3);
        }

        /// <summary>One tap of two pixels, 16 channels.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Single16(ref byte x, ref byte w, nint pixelStep,
            ref Vector128<int> a0, ref Vector128<int> a1, ref Vector128<int> a2, ref Vector128<int> a3,
            ref Vector128<int> b0, ref Vector128<int> b1, ref Vector128<int> b2, ref Vector128<int> b3)
        {
            var w0 = Vector64.LoadUnsafe(ref w).AsSByte(); var w0h = Vector64.LoadUnsafe(ref w, 8).AsSByte();
            ref byte y = ref Unsafe.Add(ref x, pixelStep);
            Widen16(AdvSimd.MultiplyWideningLower(TBytes.Signed(ref x), w0), AdvSimd.MultiplyWideningLower(TBytes.Signed(ref x, 8), w0h), ref a0, ref a1, ref a2, ref a3);
            Widen16(AdvSimd.MultiplyWideningLower(TBytes.Signed(ref y), w0), AdvSimd.MultiplyWideningLower(TBytes.Signed(ref y, 8), w0h), ref b0, ref b1, ref b2, ref b3);
        }

        /// <summary>Channels 0–7 (<paramref name="lower"/>) and 8–15 (<paramref name="upper"/>) of int16 products into the int32 sums (SADDW2 before SADDW: see above).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Widen16(Vector128<short> lower, Vector128<short> upper, ref Vector128<int> a0, ref Vector128<int> a1, ref Vector128<int> a2, ref Vector128<int> a3)
        {
            a1 = AdvSimd.AddWideningUpper(a1, lower); a0 = AdvSimd.AddWideningLower(a0, lower.GetLower());
            a3 = AdvSimd.AddWideningUpper(a3, upper); a2 = AdvSimd.AddWideningLower(a2, upper.GetLower());
        }

        /// <summary>Taps k and k + 1 of two pixels.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void TapPair(ref byte x, ref byte w, nint tapStep, nint pixelStep, nint channelBytes,
            ref Vector128<int> a0, ref Vector128<int> a1, ref Vector128<int> b0, ref Vector128<int> b1)
        {
            var w0 = Vector64.LoadUnsafe(ref w).AsSByte();
            var w1 = Vector64.LoadUnsafe(ref Unsafe.Add(ref w, channelBytes)).AsSByte();
            ref byte x1 = ref Unsafe.Add(ref x, tapStep);
            var pa = AdvSimd.MultiplyWideningLowerAndAdd(AdvSimd.MultiplyWideningLower(TBytes.Signed(ref x), w0), TBytes.Signed(ref x1), w1);
            var pb = AdvSimd.MultiplyWideningLowerAndAdd(AdvSimd.MultiplyWideningLower(TBytes.Signed(ref Unsafe.Add(ref x, pixelStep)), w0), TBytes.Signed(ref Unsafe.Add(ref x1, pixelStep)), w1);
            Accumulate(ref a0, ref a1, ref b0, ref b1, pa, pb);
        }

        /// <summary>One tap of two pixels (SMULL).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Tap(ref byte x, ref byte w, nint pixelStep, ref Vector128<int> a0, ref Vector128<int> a1, ref Vector128<int> b0, ref Vector128<int> b1)
        {
            var w0 = Vector64.LoadUnsafe(ref w).AsSByte();
            Accumulate(ref a0, ref a1, ref b0, ref b1, AdvSimd.MultiplyWideningLower(TBytes.Signed(ref x), w0), AdvSimd.MultiplyWideningLower(TBytes.Signed(ref Unsafe.Add(ref x, pixelStep)), w0));
        }

        /// <summary>Two pixels' int16 products into their int32 sums (SADDW/SADDW2).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Accumulate(ref Vector128<int> a0, ref Vector128<int> a1, ref Vector128<int> b0, ref Vector128<int> b1, Vector128<short> pa, Vector128<short> pb)
        {
            a1 = AdvSimd.AddWideningUpper(a1, pa); a0 = AdvSimd.AddWideningLower(a0, pa.GetLower());
            b1 = AdvSimd.AddWideningUpper(b1, pb); b0 = AdvSimd.AddWideningLower(b0, pb.GetLower());
        }
    }

    /// <summary>
    /// Any weights (w − z_w in [−383, 383], e.g. uint8 weights with a zero point): inputs widened to int16 (SXTL/UXTL),
    /// times the int16 weights, accumulated in int32 with SMLAL/SMLAL2 (exact: |x|·|w| ≤ 255·383).
    /// </summary>
    private readonly struct WideTaps<TBytes> : IDepthwiseTaps where TBytes : struct, IWiden8
    {
        public static int Offset => 0;
        public static int WeightBytes => 2;
        public static ref byte Weights(PackedDepthwise w) => ref Unsafe.As<short, byte>(ref MemoryMarshal.GetArrayDataReference(w.Weights16));
        public static int Value(byte raw) => TBytes.Value(raw);
        public static bool Sums16Ready => false;

        public static void Sums16(ref byte x, ref nint rowAt, int rows, ref byte w, nint weightRowBytes, nint tapStep, nint pixelStep, nint channels,
            int kernelW, int pixels, Vector128<int> s0, Vector128<int> s1, Vector128<int> s2, Vector128<int> s3, ref int sums) =>
            throw new NotSupportedException("Wide depthwise taps have no 16-channel form.");

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Row2(ref byte x, ref byte w, nint tapStep, nint pixelStep, nint channelBytes, int kernelW,
            ref Vector128<int> a0, ref Vector128<int> a1, ref Vector128<int> b0, ref Vector128<int> b1)
        {
            for (int k = 0; k < kernelW; k++, x = ref Unsafe.Add(ref x, tapStep), w = ref Unsafe.Add(ref w, channelBytes))
            {
                var wv = Vector128.LoadUnsafe(ref Unsafe.As<byte, short>(ref w));
                var xa = TBytes.Widen(ref x);
                var xb = TBytes.Widen(ref Unsafe.Add(ref x, pixelStep));
                a0 = AdvSimd.MultiplyWideningLowerAndAdd(a0, xa.GetLower(), wv.GetLower());
                a1 = AdvSimd.MultiplyWideningUpperAndAdd(a1, xa, wv);
                b0 = AdvSimd.MultiplyWideningLowerAndAdd(b0, xb.GetLower(), wv.GetLower());
                b1 = AdvSimd.MultiplyWideningUpperAndAdd(b1, xb, wv);
            }
        }
    }

    /// <summary>Eight input bytes as int16 lanes (sign- or zero-extended by the input type), or as x_s in signed bytes.</summary>
    private interface IWiden8
    {
        static abstract Vector128<short> Widen(ref byte x);
        static abstract int Value(byte x);
        /// <summary>Eight input bytes as x_s = x − <see cref="Offset"/> in signed bytes.</summary>
        static abstract Vector64<sbyte> Signed(ref byte x, nuint at = 0);
        static abstract int Offset { get; }
    }

    private readonly struct SignedBytes8 : IWiden8
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<short> Widen(ref byte x) => AdvSimd.SignExtendWideningLower(Vector64.LoadUnsafe(ref x).AsSByte());
        public static int Value(byte x) => (sbyte)x;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector64<sbyte> Signed(ref byte x, nuint at = 0) => Vector64.LoadUnsafe(ref x, at).AsSByte();
        public static int Offset => 0;
    }

    private readonly struct UnsignedBytes8 : IWiden8
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<short> Widen(ref byte x) => AdvSimd.ZeroExtendWideningLower(Vector64.LoadUnsafe(ref x)).AsInt16();
        public static int Value(byte x) => x;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector64<sbyte> Signed(ref byte x, nuint at = 0) => (Vector64.LoadUnsafe(ref x, at) ^ Vector64.Create((byte)0x80)).AsSByte();
        public static int Offset => 128;
    }
}
#endif
