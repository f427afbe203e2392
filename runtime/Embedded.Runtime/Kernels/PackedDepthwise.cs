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
    public int[] Bias { get; }
    public int[] InputZeroPoints { get; }
    /// <summary>
    /// Σ w[ky', kx', c] over ky' &lt; i, kx' &lt; j at [(i·(kW + 1) + j)·C + c]: any rectangle of the kernel sums in four
    /// reads, for the zero-point term z·Σw of pixels whose valid taps form that rectangle (the AVX-512 rows).
    /// </summary>
    public int[] WeightPrefix { get; }

    private PackedDepthwise(int channels, int kH, int kW)
    {
        Channels = channels; KernelH = kH; KernelW = kW;
        Weights = new int[kH * kW * channels];
        Bias = new int[channels];
        InputZeroPoints = new int[channels];
        WeightPrefix = new int[(kH + 1) * (kW + 1) * channels];
    }

    public static PackedDepthwise? TryCreate(TensorDefinition input, TensorDefinition weights, ReadOnlySpan<byte> weightBytes, ReadOnlySpan<int> bias, DepthwiseConv2DParams p)
    {
        if (p.DepthMultiplier != 1 || input.Type is not (ElementType.Int8 or ElementType.UInt8) || weights.Type is not (ElementType.Int8 or ElementType.UInt8)) return null;
        if (input.Quantization is null || weights.Quantization is null) return null;
        int channels = weights.Shape[3], kH = weights.Shape[1], kW = weights.Shape[2];
        if (weightBytes.Length != kH * kW * channels) return null;
        var packed = new PackedDepthwise(channels, kH, kW);
        var wq = weights.Quantization;
        var xq = input.Quantization;
        for (int c = 0; c < channels; c++)
        {
            int zw = wq.ZeroPoints[wq.Count == 1 ? 0 : c];
            for (int t = 0; t < kH * kW; t++)
            {
                int raw = weights.Type == ElementType.UInt8 ? weightBytes[t * channels + c] : (sbyte)weightBytes[t * channels + c];
                packed.Weights[t * channels + c] = raw - zw;
            }
            packed.Bias[c] = bias.IsEmpty ? 0 : bias[c];
            packed.InputZeroPoints[c] = xq.ZeroPoints[xq.Count == 1 ? 0 : c];
        }
        for (int i = 1; i <= kH; i++)
        for (int j = 1; j <= kW; j++)
        for (int c = 0; c < channels; c++)
            packed.WeightPrefix[(i * (kW + 1) + j) * channels + c] = unchecked(packed.Weights[((i - 1) * kW + j - 1) * channels + c]
                + packed.WeightPrefix[((i - 1) * (kW + 1) + j) * channels + c] + packed.WeightPrefix[(i * (kW + 1) + j - 1) * channels + c]
                - packed.WeightPrefix[((i - 1) * (kW + 1) + j - 1) * channels + c]);
        return packed;
    }
}
