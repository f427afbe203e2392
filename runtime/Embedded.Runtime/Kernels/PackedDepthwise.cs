using System;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

/// <summary>
/// Depthwise weights prepared once at load for the fast paths (depth multiplier 1, 8-bit input): w − z_w[c] widened
/// to int32 as [tap, channel], with the bias and the per-channel input zero points, so a tap is one
/// multiply-add over a vector of channels.
/// </summary>
public sealed class PackedDepthwise
{
    public int Channels { get; }
    public int KernelH { get; }
    public int KernelW { get; }
    public int[] Weights { get; }
    /// <summary>
    /// The same weights as int16 (w − z_w lies in [−383, 383]): the AVX-512 rows widen them as they load, so a layer's
    /// weights take half the L1 they would as int32 (a 14×14×240 5×5 layer's 24 KB of int32 weights, its input rows
    /// and its stage constants did not fit in 48 KB together).
    /// </summary>
    public short[] Weights16 { get; }
    /// <summary>
    /// For 16k + 8 channels: each tap's last eight weights of <see cref="Weights16"/> twice (16 per tap), with which the
    /// AVX-512 rows multiply two pixels' last eight channels in one ZMM (<c>DepthwiseConv2D.Pairs512</c> for 8-channel
    /// layers, the tail of <c>Blocks512</c>). Empty for other channel counts.
    /// </summary>
    public short[] PairWeights16 { get; private set; } = Array.Empty<short>();
    /// <summary>
    /// The same weights as signed bytes when every one lies in [−127, 127] (<see cref="SignedByteWeights"/>; int8 weights
    /// without zero point, as TFLite and our converter make them): the NEON rows multiply them with SMULL/SMLAL, two taps
    /// per int16 lane (|x_s·w| ≤ 128·127, so two products fit).
    /// </summary>
    public sbyte[] Weights8 { get; }
    public bool SignedByteWeights { get; private set; }
    public int[] Bias { get; }
    public int[] InputZeroPoints { get; }
    /// <summary>
    /// Σ w[ky', kx', c] over ky' &lt; i, kx' &lt; j at [(i·(kW + 1) + j)·C + c]: any rectangle of the kernel sums in four
    /// reads, for the zero-point term z·Σw of pixels whose valid taps form that rectangle (the AVX-512 rows).
    /// </summary>
    public int[] WeightPrefix { get; }

    /// <summary>The input zero points as bytes, one pixel of them: what the AVX-512 kernel pads its input rows with.</summary>
    public byte[] PaddingPixel { get; }

    private PackedDepthwise(int channels, int kH, int kW)
    {
        PaddingPixel = new byte[channels];
        Channels = channels; KernelH = kH; KernelW = kW;
        Weights = new int[kH * kW * channels];
        Weights16 = new short[kH * kW * channels];
        Weights8 = new sbyte[kH * kW * channels];
        Bias = new int[channels];
        InputZeroPoints = new int[channels];
        WeightPrefix = new int[(kH + 1) * (kW + 1) * channels];
    }

    /// <summary>
    /// Input columns a row of <paramref name="outW"/> output pixels reads, padding included: the pixels of one padded row
    /// of the AVX-512 kernel's ring. An 8-channel layer's rows get one padding pixel more: its pairs of pixels
    /// (<see cref="PairWeights16"/>) read the taps of one pixel past an odd last one, whose sums are not stored.
    /// </summary>
    public long PaddedWidth(DepthwiseConv2DParams p, int outW) => outW <= 0 ? 0 : (long)(outW - 1) * p.StrideW + (long)(KernelW - 1) * p.DilationW + 1 + (Channels == VectorOutputStage.PairChannels ? 1 : 0);

    /// <summary>Input rows one output row's taps span: the padded rows the AVX-512 kernel keeps at once.</summary>
    public long RingRows(DepthwiseConv2DParams p) => (long)(KernelH - 1) * p.DilationH + 1;

    /// <summary>
    /// Scratch bytes for the padded input rows of a layer with <paramref name="outW"/> output columns
    /// (<see cref="KernelScratch.DepthwiseRows"/>). A layer needing more than <see cref="MaxPaddedRowBytes"/> is not given
    /// them and takes the AVX2 rows instead.
    /// </summary>
    public long PaddedRowBytes(DepthwiseConv2DParams p, int outW) => RingRows(p) * PaddedWidth(p, outW) * Channels;

    /// <summary>The most scratch an interpreter gives the padded rows (a 5×5 kernel over 1000 columns of 2000 channels fits).</summary>
    public const long MaxPaddedRowBytes = 16L << 20;

    public static PackedDepthwise? TryCreate(TensorDefinition input, TensorDefinition weights, ReadOnlySpan<byte> weightBytes, ReadOnlySpan<int> bias, DepthwiseConv2DParams p)
    {
        if (p.DepthMultiplier != 1 || input.Type is not (ElementType.Int8 or ElementType.UInt8) || weights.Type is not (ElementType.Int8 or ElementType.UInt8)) return null;
        if (input.Quantization is null || weights.Quantization is null) return null;
        int channels = weights.Shape[3], kH = weights.Shape[1], kW = weights.Shape[2];
        if (weightBytes.Length != kH * kW * channels) return null;
        var packed = new PackedDepthwise(channels, kH, kW);
        bool outOfByteRange = false;
        var wq = weights.Quantization;
        var xq = input.Quantization;
        for (int c = 0; c < channels; c++)
        {
            int zw = wq.ZeroPoints[wq.Count == 1 ? 0 : c];
            for (int t = 0; t < kH * kW; t++)
            {
                int raw = weights.Type == ElementType.UInt8 ? weightBytes[t * channels + c] : (sbyte)weightBytes[t * channels + c];
                packed.Weights[t * channels + c] = raw - zw;
                packed.Weights16[t * channels + c] = (short)(raw - zw);
                packed.Weights8[t * channels + c] = unchecked((sbyte)(raw - zw));
                if (raw - zw is < -127 or > 127) outOfByteRange = true;
            }
            packed.Bias[c] = bias.IsEmpty ? 0 : bias[c];
            packed.InputZeroPoints[c] = xq.ZeroPoints[xq.Count == 1 ? 0 : c];
            packed.PaddingPixel[c] = unchecked((byte)packed.InputZeroPoints[c]);
        }
        packed.SignedByteWeights = !outOfByteRange;
        for (int i = 1; i <= kH; i++)
        for (int j = 1; j <= kW; j++)
        for (int c = 0; c < channels; c++)
            packed.WeightPrefix[(i * (kW + 1) + j) * channels + c] = unchecked(packed.Weights[((i - 1) * kW + j - 1) * channels + c]
                + packed.WeightPrefix[((i - 1) * (kW + 1) + j) * channels + c] + packed.WeightPrefix[(i * (kW + 1) + j - 1) * channels + c]
                - packed.WeightPrefix[((i - 1) * (kW + 1) + j - 1) * channels + c]);
        const int pair = VectorOutputStage.PairChannels;
        if (channels % (2 * pair) == pair)
        {
            // Each tap's last eight channels twice.
            packed.PairWeights16 = new short[kH * kW * 2 * pair];
            for (int i = 0; i < packed.PairWeights16.Length; i++) packed.PairWeights16[i] = packed.Weights16[i / (2 * pair) * channels + channels - pair + i % pair];
        }
        return packed;
    }
}
