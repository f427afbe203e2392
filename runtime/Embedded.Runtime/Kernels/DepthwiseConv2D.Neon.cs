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
        nint channels = g.Channels, ringRow = (nint)g.PaddedWidth * channels;
        nint tapStep = channels * g.DilationW, pixelStep = channels * g.StrideW, weightRowStep = g.KernelW * channels;
        int prefixRow = g.KernelW + 1, full8 = g.Channels / 8 * 8;
        bool plain = OutputStageNeon.IsPlain(stage);
        ref short weights = ref MemoryMarshal.GetArrayDataReference(w.Weights16);
        ref int prefix = ref MemoryMarshal.GetArrayDataReference(w.WeightPrefix);
        ref int bias = ref MemoryMarshal.GetArrayDataReference(w.Bias);
        ref int zeros = ref MemoryMarshal.GetArrayDataReference(w.InputZeroPoints);
        ref byte rows0 = ref MemoryMarshal.GetReference(ring);
        Span<nint> rowAt = stackalloc nint[MaxKernelRows];
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
                var lanes0 = plain ? OutputStageNeon.Lanes.Load(stage, c) : default;
                var lanes1 = plain ? OutputStageNeon.Lanes.Load(stage, c + 4) : default;
                int ox = xFrom;
                for (; ox + 2 <= xTo; ox += 2)
                {
                    ref byte taps = ref Unsafe.Add(ref rows0, ox * pixelStep + c);
                    Vector128<int> a0 = start0, a1 = start1, b0 = start0, b1 = start1;
                    for (int r = 0; r < rows; r++)
                    {
                        ref byte x = ref Unsafe.Add(ref taps, rowAt[r]);
                        ref short wr = ref Unsafe.Add(ref blockWeights, r * weightRowStep);
                        for (int k = 0; k < g.KernelW; k++)
                        {
                            var wk = Vector128.LoadUnsafe(ref Unsafe.Add(ref wr, k * channels));
                            var xa = TBytes.Widen(ref Unsafe.Add(ref x, k * tapStep));
                            var xb = TBytes.Widen(ref Unsafe.Add(ref x, k * tapStep + pixelStep));
                            a0 = AdvSimd.MultiplyWideningLowerAndAdd(a0, xa.GetLower(), wk.GetLower());
                            a1 = AdvSimd.MultiplyWideningUpperAndAdd(a1, xa, wk);
                            b0 = AdvSimd.MultiplyWideningLowerAndAdd(b0, xb.GetLower(), wk.GetLower());
                            b1 = AdvSimd.MultiplyWideningUpperAndAdd(b1, xb, wk);
                        }
                    }
                    int at = (outRow + ox) * g.Channels + c;
                    if (plain)
                    {
                        OutputStageNeon.Store8(lanes0.Apply(a0), lanes1.Apply(a1), output, at, 8);
                        OutputStageNeon.Store8(lanes0.Apply(b0), lanes1.Apply(b1), output, at + g.Channels, 8);
                    }
                    else
                    {
                        OutputStageNeon.Store8(OutputStageNeon.Apply4(a0, stage, c), OutputStageNeon.Apply4(a1, stage, c + 4), output, at, 8);
                        OutputStageNeon.Store8(OutputStageNeon.Apply4(b0, stage, c), OutputStageNeon.Apply4(b1, stage, c + 4), output, at + g.Channels, 8);
                    }
                }
                if (ox < xTo)
                {
                    ref byte taps = ref Unsafe.Add(ref rows0, ox * pixelStep + c);
                    Vector128<int> a0 = start0, a1 = start1;
                    for (int r = 0; r < rows; r++)
                    {
                        ref byte x = ref Unsafe.Add(ref taps, rowAt[r]);
                        ref short wr = ref Unsafe.Add(ref blockWeights, r * weightRowStep);
                        for (int k = 0; k < g.KernelW; k++)
                        {
                            var wk = Vector128.LoadUnsafe(ref Unsafe.Add(ref wr, k * channels));
                            var xa = TBytes.Widen(ref Unsafe.Add(ref x, k * tapStep));
                            a0 = AdvSimd.MultiplyWideningLowerAndAdd(a0, xa.GetLower(), wk.GetLower());
                            a1 = AdvSimd.MultiplyWideningUpperAndAdd(a1, xa, wk);
                        }
                    }
                    OutputStageNeon.Store8(OutputStageNeon.Apply4(a0, stage, c), OutputStageNeon.Apply4(a1, stage, c + 4), output, (outRow + ox) * g.Channels + c, 8);
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

    /// <summary>Eight input bytes as int16 lanes: sign- or zero-extended by the input type.</summary>
    private interface IWiden8
    {
        static abstract Vector128<short> Widen(ref byte x);
        static abstract int Value(byte x);
    }

    private readonly struct SignedBytes8 : IWiden8
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<short> Widen(ref byte x) => AdvSimd.SignExtendWideningLower(Vector64.LoadUnsafe(ref x).AsSByte());
        public static int Value(byte x) => (sbyte)x;
    }

    private readonly struct UnsignedBytes8 : IWiden8
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector128<short> Widen(ref byte x) => AdvSimd.ZeroExtendWideningLower(Vector64.LoadUnsafe(ref x)).AsInt16();
        public static int Value(byte x) => x;
    }
}
#endif
