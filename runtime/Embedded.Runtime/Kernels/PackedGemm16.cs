using System;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

/// <summary>
/// Conv2D weights packed for int16 inputs (the exact input normalization feeds the stem convolution int16 pixels).
/// Σ_k (x − z_x[c_k])(w − z_w[o]) = Σ x·w_s + C[o] with w_s = w − z_w[o] and C[o] = bias[o] − Σ_k z_x[c_k]·w_s
/// (c_k = k mod C_in: the input may be quantized per channel, as the normalized image is): products are
/// summed in int32 pairs (VPMADDWD), which is exact as long as the whole sum fits in int32 — checked here against the
/// worst case, so the reference's 64-bit accumulator never holds a value the fast path could not.
/// Layout: blocks of 8 output channels, K in pairs: block b, pair q holds w_s[8b + j, 2q + i] at ((b·Q + q)·8 + j)·2 + i.
/// </summary>
public sealed class PackedGemm16
{
    public const int BlockChannels = 8;

    public int Outputs { get; }
    public int Depth { get; }
    public int Pairs { get; }
    public int Blocks { get; }
    public short[] Weights { get; }
    public int[] Constants { get; }
    /// <summary>Kernel rows and the pairs each one is padded to (⌈kW·C / 2⌉), for <see cref="RowWeights"/>.</summary>
    public int KernelRows { get; private set; }
    public int RowPairs { get; private set; }
    /// <summary>
    /// The same weights with every kernel row padded to whole pairs (zeros after its kW·C values), so a window row
    /// that is contiguous in the NHWC input is read in place, pairs and all (the direct AVX-512 stem kernel), and
    /// sixteen output channels (two blocks) side by side, one ZMM register per pair.
    /// Layout: channel group g of 16, kernel row ky, pair q, lane j (0..15): ((g·kH + ky)·RowPairs + q)·32 + 2j + i.
    /// </summary>
    public short[] RowWeights { get; private set; } = Array.Empty<short>();
    /// <summary>
    /// The same row-padded weights tap by tap for NEON's multiply-by-element (SMLAL v.4s, v.4h, v.h[i]): block b of eight
    /// output channels, kernel row ky, element k of the padded row (2·RowPairs of them), lane j: ((b·kH + ky)·2·RowPairs + k)·8 + j.
    /// </summary>
    public short[] TapWeights { get; private set; } = Array.Empty<short>();
    /// <summary><see cref="Constants"/> padded to whole groups of sixteen channels (zeros past the last output).</summary>
    public int[] RowConstants { get; private set; } = Array.Empty<int>();
    /// <summary>Groups of sixteen output channels in <see cref="RowWeights"/>.</summary>
    public int RowGroups => (Outputs + 15) / 16;
    /// <summary>One input pixel of zero points (per channel): what im2col writes for cells outside the image.</summary>
    public short[] PaddingRow { get; private set; } = Array.Empty<short>();

    private PackedGemm16(int outputs, int depth)
    {
        Outputs = outputs;
        Depth = depth;
        Pairs = (depth + 1) / 2;
        Blocks = (outputs + BlockChannels - 1) / BlockChannels;
        Weights = new short[Blocks * Pairs * BlockChannels * 2];
        Constants = new int[Blocks * BlockChannels];
    }

    public static PackedGemm16? TryCreate(TensorDefinition input, TensorDefinition weights, ReadOnlySpan<byte> weightBytes, ReadOnlySpan<int> bias, int outputs, int depth)
    {
        if (input.Type != ElementType.Int16 || weights.Type is not (ElementType.Int8 or ElementType.UInt8)) return null;
        if (input.Quantization is null || weights.Quantization is null) return null;
        int inChannels = input.Shape[input.Rank - 1];
        if (input.Quantization.Count != 1 && input.Quantization.Count != inChannels) return null;
        if ((long)outputs * depth != weightBytes.Length) return null;
        var packed = new PackedGemm16(outputs, depth);
        var zx = input.Quantization.ZeroPoints;
        packed.PaddingRow = new short[inChannels];
        for (int c = 0; c < inChannels; c++) packed.PaddingRow[c] = (short)zx[zx.Length == 1 ? 0 : c];
        var wq = weights.Quantization;
        for (int o = 0; o < outputs; o++)
        {
            int zw = wq.ZeroPoints[wq.Count == 1 ? 0 : o];
            long zeroPointTerm = 0, magnitude = 0;
            int block = o / BlockChannels, lane = o % BlockChannels;
            for (int k = 0; k < depth; k++)
            {
                int raw = weights.Type == ElementType.UInt8 ? weightBytes[o * depth + k] : (sbyte)weightBytes[o * depth + k];
                int ws = raw - zw;
                zeroPointTerm += (long)zx[zx.Length == 1 ? 0 : k % inChannels] * ws;
                magnitude += Math.Abs(ws);
                packed.Weights[((block * packed.Pairs + k / 2) * BlockChannels + lane) * 2 + k % 2] = (short)ws;
            }
            long b = bias.IsEmpty ? 0 : bias[o];
            long constant = b - zeroPointTerm;
            // |Σ x·w_s| ≤ 32768·Σ|w_s|; the partial sums and the constant must stay inside int32.
            if (Math.Abs(constant) + 32768L * magnitude > int.MaxValue) return null;
            packed.Constants[o] = (int)constant;
        }
        if (weights.Rank == 4 && weights.Shape[3] == inChannels && (long)weights.Shape[1] * weights.Shape[2] * inChannels == depth)
        {
            int kH = weights.Shape[1], rowLength = weights.Shape[2] * inChannels;
            packed.KernelRows = kH;
            packed.RowPairs = (rowLength + 1) / 2;
            packed.RowWeights = new short[packed.RowGroups * kH * packed.RowPairs * 32];
            packed.RowConstants = new int[packed.RowGroups * 16];
            packed.Constants.AsSpan(0, outputs).CopyTo(packed.RowConstants);
            var tapWeights = new short[packed.Blocks * kH * 2 * packed.RowPairs * BlockChannels];
            for (int o = 0; o < outputs; o++)
            for (int k = 0; k < depth; k++)
            {
                int ky = k / rowLength, inRow = k % rowLength;
                int block = o / BlockChannels, lane = o % BlockChannels;
                short weight = packed.Weights[((block * packed.Pairs + k / 2) * BlockChannels + lane) * 2 + k % 2];
                packed.RowWeights[(((o / 16) * kH + ky) * packed.RowPairs + inRow / 2) * 32 + (o % 16) * 2 + inRow % 2] = weight;
                tapWeights[((block * kH + ky) * 2 * packed.RowPairs + inRow) * BlockChannels + lane] = weight;
            }
            packed.TapWeights = tapWeights;
        }
        return packed;
    }
}
