using System;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

/// <summary>
/// Depthwise weights for a 16-bit input (depth multiplier 1, input zero point 0, as the converter makes them), packed
/// once at load: w − z_w as int32 [tap, channel] and the bias, each row padded to whole blocks of eight channels. Only
/// made when every channel's sum fits in int32 — |bias| + Σ|w|·32768 ≤ 2^31 − 1 — so the fast path's int32 sums equal
/// the reference's 64-bit ones.
/// </summary>
public sealed class PackedDepthwise16
{
    public const int Block = 8;

    public int Channels { get; }
    /// <summary>Channels rounded up to a whole block: the row length of <see cref="Weights"/>, <see cref="Bias"/> and the sums.</summary>
    public int Width { get; }
    public int KernelH { get; }
    public int KernelW { get; }
    public int[] Weights { get; }
    public int[] Bias { get; }

    private PackedDepthwise16(int channels, int kH, int kW)
    {
        Channels = channels; KernelH = kH; KernelW = kW;
        Width = (channels + Block - 1) / Block * Block;
        Weights = new int[kH * kW * Width];
        Bias = new int[Width];
    }

    public static PackedDepthwise16? TryCreate(TensorDefinition input, TensorDefinition weights, ReadOnlySpan<byte> weightBytes, ReadOnlySpan<int> bias, DepthwiseConv2DParams p)
    {
        if (p.DepthMultiplier != 1 || input.Type != ElementType.Int16 || weights.Type is not (ElementType.Int8 or ElementType.UInt8)) return null;
        if (input.Quantization is null || weights.Quantization is null) return null;
        foreach (int zp in input.Quantization.ZeroPoints) if (zp != 0) return null;
        int channels = weights.Shape[3], kH = weights.Shape[1], kW = weights.Shape[2];
        if (weightBytes.Length != kH * kW * channels || input.Shape[3] != channels) return null;
        var packed = new PackedDepthwise16(channels, kH, kW);
        var wq = weights.Quantization;
        for (int c = 0; c < channels; c++)
        {
            int zw = wq.ZeroPoints[wq.Count == 1 ? 0 : c];
            long bound = bias.IsEmpty ? 0 : Math.Abs((long)bias[c]);
            for (int t = 0; t < kH * kW; t++)
            {
                int raw = weights.Type == ElementType.UInt8 ? weightBytes[t * channels + c] : (sbyte)weightBytes[t * channels + c];
                packed.Weights[t * packed.Width + c] = raw - zw;
                bound += Math.Abs((long)(raw - zw)) * 32768;
            }
            if (bound > int.MaxValue) return null;
            packed.Bias[c] = bias.IsEmpty ? 0 : bias[c];
        }
        return packed;
    }
}
