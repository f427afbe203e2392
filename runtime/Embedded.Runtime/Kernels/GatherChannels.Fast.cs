using System;
using System.Collections.Generic;
#if NET
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
#endif
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

/// <summary>
/// A channel gather prepared for 16-byte shuffles: each block of 16 output bytes of a pixel is the OR of a few
/// shuffled 16-byte windows of the input pixel (a channel shuffle of two halves needs two windows, a slice one).
/// Indices are in bytes, so int16 tensors gather byte pairs the same way.
/// </summary>
public sealed class ChannelGatherPlan
{
    /// <summary>A shuffle mask byte that selects nothing: PSHUFB (high bit) and TBL (≥ 16) both give 0.</summary>
    private const byte None = 0xFF;

    internal readonly int InBytes, OutBytes, Blocks;
    /// <summary>Per block, the first window and one past its last (into <see cref="WindowStarts"/>).</summary>
    internal readonly int[] BlockWindows;
    internal readonly int[] WindowStarts;
    internal readonly byte[] Masks;
    /// <summary>Source byte of each output byte, for the tail past the last full block.</summary>
    internal readonly int[] SourceBytes;

    private ChannelGatherPlan(int inBytes, int[] sourceBytes)
    {
        InBytes = inBytes;
        OutBytes = sourceBytes.Length;
        SourceBytes = sourceBytes;
        Blocks = OutBytes / 16;
        BlockWindows = new int[Blocks + 1];
        var starts = new List<int>();
        var masks = new List<byte>();
        var mask = new byte[16];
        for (int b = 0; b < Blocks; b++)
        {
            BlockWindows[b] = starts.Count;
            var done = new bool[16];
            for (int k = 0; k < 16; k++)
            {
                if (done[k]) continue;
                // The window starts at this byte's source, pulled back so all 16 bytes lie inside the pixel.
                int start = Math.Min(sourceBytes[b * 16 + k], inBytes - 16);
                for (int m = 0; m < 16; m++)
                {
                    int offset = sourceBytes[b * 16 + m] - start;
                    bool inside = !done[m] && offset >= 0 && offset < 16;
                    mask[m] = inside ? (byte)offset : None;
                    if (inside) done[m] = true;
                }
                starts.Add(start);
                masks.AddRange(mask);
            }
        }
        BlockWindows[Blocks] = starts.Count;
        WindowStarts = starts.ToArray();
        Masks = masks.ToArray();
    }

    /// <summary>A plan for 8- and 16-bit tensors whose pixels hold at least 16 bytes in and out; otherwise null.</summary>
    public static ChannelGatherPlan? TryCreate(TensorDefinition input, GatherChannelsParams p)
    {
        int size = input.Type.SizeInBytes();
        if (input.Type == ElementType.Float32 || input.Rank == 0) return null;
        int inBytes = input.Shape[input.Rank - 1] * size, outBytes = p.Indices.Length * size;
        if (inBytes < 16 || outBytes < 16) return null;
        var sourceBytes = new int[outBytes];
        for (int j = 0; j < p.Indices.Length; j++)
        for (int e = 0; e < size; e++)
            sourceBytes[j * size + e] = p.Indices[j] * size + e;
        return new ChannelGatherPlan(inBytes, sourceBytes);
    }
}

public static partial class GatherChannels
{
    /// <summary>
    /// The gather with 16-byte shuffles (SSSE3 PSHUFB, NEON TBL, or the portable shuffle) per block, then the
    /// tail bytes one by one. The same bytes as <see cref="Reference"/>; false when no vector path applies.
    /// </summary>
    public static bool TryFast(KernelPath path, ReadOnlySpan<byte> input, Span<byte> output, ChannelGatherPlan plan)
    {
#if NET
        if (path == KernelPath.Reference || !Vector128.IsHardwareAccelerated) return false;
        int pixels = input.Length / plan.InBytes;
        bool neon = path.UsesNeon() && AdvSimd.Arm64.IsSupported, ssse3 = !neon && Ssse3.IsSupported;
        for (int pixel = 0; pixel < pixels; pixel++)
        {
            var source = input.Slice(pixel * plan.InBytes, plan.InBytes);
            var target = output.Slice(pixel * plan.OutBytes, plan.OutBytes);
            for (int b = 0; b < plan.Blocks; b++)
            {
                var sum = Vector128<byte>.Zero;
                for (int w = plan.BlockWindows[b]; w < plan.BlockWindows[b + 1]; w++)
                {
                    var window = Vector128.Create(source.Slice(plan.WindowStarts[w], 16));
                    var mask = Vector128.Create(plan.Masks.AsSpan(w * 16, 16));
                    sum |= neon ? AdvSimd.Arm64.VectorTableLookup(window, mask)
                        : ssse3 ? Ssse3.Shuffle(window, mask)
                        : Vector128.Shuffle(window, mask);
                }
                sum.CopyTo(target.Slice(b * 16, 16));
            }
            for (int k = plan.Blocks * 16; k < plan.OutBytes; k++) target[k] = source[plan.SourceBytes[k]];
        }
        return true;
#else
        return false;
#endif
    }
}
