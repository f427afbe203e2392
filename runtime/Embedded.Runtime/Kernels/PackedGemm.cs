using System;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

/// <summary>
/// Conv2D (groups = 1) and FullyConnected weights packed once at load for the fast GEMM paths, with every
/// zero-point term folded into per-channel constants.
/// <para>
/// With x_s = x − s_x (s_x = 128 for uint8 inputs, else 0) and w_s = w − a_w (a_w = 128 for uint8 weights, else 0),
/// both signed bytes, Σ_k (x − z_x)(w − z_w[o]) = Σ x_s·w_s + f[o]·Σ x_s + C[o] with e = s_x − z_x,
/// f[o] = a_w − z_w[o] and C[o] = bias[o] + e·Σ_k w_s + K·e·f[o]. All int32 with wrapping, which is exactly the
/// reference's int32 accumulator.
/// </para>
/// <para>
/// Layout: output channels in blocks of 8, K in groups of 4 (zero padded): block b, group g holds
/// w_s[8b + j, 4g + i] at byte ((b·G + g)·8 + j)·4 + i — one 32-byte row per group, which is one AVX2 register of
/// eight 4-byte dot products, or two Vector128 halves.
/// </para>
/// </summary>
public sealed class PackedGemm
{
    public const int BlockChannels = 8;

    public int Outputs { get; }
    public int Depth { get; }
    /// <summary>Groups of 4 along K (Depth rounded up / 4).</summary>
    public int Groups { get; }
    public int Blocks { get; }
    public sbyte[] Weights { get; }
    /// <summary>C[o] for the s8·s8 paths; padded to Blocks·8.</summary>
    public int[] Constants { get; }
    /// <summary>C[o] − 128·Σw_s[o]: for the VNNI path, whose input is x_s + 128 (unsigned).</summary>
    public int[] VnniConstants { get; }
    /// <summary>f[o] = a_w − z_w[o]; all zero (the usual case) means Σx_s is not needed.</summary>
    public int[] InputSumFactors { get; }
    public bool NeedsInputSums { get; }
    /// <summary>A weight equal to −128 rules out the AVX2 sign trick (|w| must fit in a signed byte).</summary>
    public bool HasMinus128 { get; }
    /// <summary>XOR applied to input bytes to get x_s (0x80 for uint8 inputs).</summary>
    public byte InputXor { get; }
    public int InputZeroPoint { get; }
    /// <summary>One input pixel of the zero point (Cin bytes): what im2col writes for cells outside the image.</summary>
    public byte[] PaddingRow { get; private set; } = Array.Empty<byte>();

    private PackedGemm(int outputs, int depth)
    {
        Outputs = outputs;
        Depth = depth;
        Groups = (depth + 3) / 4;
        Blocks = (outputs + BlockChannels - 1) / BlockChannels;
        Weights = new sbyte[Blocks * Groups * BlockChannels * 4];
        Constants = new int[Blocks * BlockChannels];
        VnniConstants = new int[Blocks * BlockChannels];
        InputSumFactors = new int[Blocks * BlockChannels];
    }

    /// <summary>
    /// Packs [outputs, depth] weights (OHWI flattened per output channel, or FC rows) for an 8-bit input with one
    /// zero point; null when the operator is not of that kind (the reference kernel then runs).
    /// </summary>
    public static PackedGemm? TryCreate(TensorDefinition input, TensorDefinition weights, ReadOnlySpan<byte> weightBytes, ReadOnlySpan<int> bias, int outputs, int depth)
    {
        if (input.Type is not (ElementType.Int8 or ElementType.UInt8) || weights.Type is not (ElementType.Int8 or ElementType.UInt8)) return null;
        if (input.Quantization is null || input.Quantization.Count != 1 || weights.Quantization is null) return null;
        if ((long)outputs * depth != weightBytes.Length) return null;
        var packed = new PackedGemm(outputs, depth);
        int zx = input.Quantization.ZeroPoints[0];
        int sx = input.Type == ElementType.UInt8 ? 128 : 0;
        int aw = weights.Type == ElementType.UInt8 ? 128 : 0;
        int e = sx - zx;
        bool minus128 = false, needsSums = false;
        var wq = weights.Quantization;
        for (int o = 0; o < outputs; o++)
        {
            int zw = wq.ZeroPoints[wq.Count == 1 ? 0 : o];
            int f = aw - zw;
            int sum = 0;
            int block = o / BlockChannels, lane = o % BlockChannels;
            for (int k = 0; k < depth; k++)
            {
                int raw = weights.Type == ElementType.UInt8 ? weightBytes[o * depth + k] : (sbyte)weightBytes[o * depth + k];
                int ws = raw - aw;
                if (ws == -128) minus128 = true;
                sum += ws;
                packed.Weights[((block * packed.Groups + k / 4) * BlockChannels + lane) * 4 + k % 4] = (sbyte)ws;
            }
            int b = bias.IsEmpty ? 0 : bias[o];
            packed.Constants[o] = unchecked(b + e * sum + depth * e * f);
            packed.VnniConstants[o] = unchecked(packed.Constants[o] - 128 * sum);
            packed.InputSumFactors[o] = f;
            if (f != 0) needsSums = true;
        }
        var result = new PackedGemm(packed, minus128, needsSums, (byte)(sx == 128 ? 0x80 : 0), zx);
        result.PaddingRow = new byte[input.Shape[input.Rank - 1]];
        Array.Fill(result.PaddingRow, (byte)zx);
        return result;
    }

    private PackedGemm(PackedGemm p, bool minus128, bool needsSums, byte inputXor, int inputZeroPoint)
    {
        Outputs = p.Outputs; Depth = p.Depth; Groups = p.Groups; Blocks = p.Blocks;
        Weights = p.Weights; Constants = p.Constants; VnniConstants = p.VnniConstants; InputSumFactors = p.InputSumFactors;
        HasMinus128 = minus128; NeedsInputSums = needsSums; InputXor = inputXor; InputZeroPoint = inputZeroPoint;
    }
}
