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

    private PackedDepthwise(int channels, int kH, int kW)
    {
        Channels = channels; KernelH = kH; KernelW = kW;
        Weights = new int[kH * kW * channels];
        Bias = new int[channels];
        InputZeroPoints = new int[channels];
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
        return packed;
    }
}
