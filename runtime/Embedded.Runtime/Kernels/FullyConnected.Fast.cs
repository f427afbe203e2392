using System;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

public static partial class FullyConnected
{
    /// <summary>
    /// Part <paramref name="part"/> of <paramref name="parts"/> of a fully connected layer split by outputs: its share of
    /// the pairs of output blocks (<see cref="PartRange"/>) for every row, on the fused AVX-512 VNNI kernel. Each thread
    /// then streams only its share of the weights (the classifier's 1.6 MB). False when that kernel does not apply
    /// (<see cref="CanSplitByOutputs"/>).
    /// </summary>
    public static bool TryFastPart(KernelPath path, QuantizedInput input, QuantizedOutput output, PackedGemm w, KernelScratch scratch, VectorOutputStage? vectorStage, int part, int parts, int partEnd = -1)
    {
#if NET
        if (vectorStage is null || !CanSplitByOutputs(path, w, output.Type)) return false;
        int rows = input.Bytes.Length / w.Depth;
        for (int first = 0; first < rows; first += KernelScratch.ChunkRows)
        {
            int count = Math.Min(KernelScratch.ChunkRows, rows - first);
            var x = input.Bytes.Slice(first * w.Depth, count * w.Depth);
            if (w.NeedsInputSums)
                for (int r = 0; r < count; r++) scratch.InputSums[r] = Gemm.InputSum(x.Slice(r * w.Depth), w.Depth, w.InputXor);
            if (!Gemm.TryDotFinishAvx512(x, w.Depth, count, first, w, scratch.InputSums, vectorStage, output, part, parts, partEnd)) return false;
        }
        return true;
#else
        return false;
#endif
    }

    /// <summary>Whether <see cref="TryFastPart"/> runs: AVX-512 with VNNI, rows that are whole groups of four, an 8- or 16-bit output.</summary>
    public static bool CanSplitByOutputs(KernelPath path, PackedGemm w, ElementType outputType) =>
        path.UsesAvx512() && KernelPaths.HasVnni && w.Depth % 4 == 0 && outputType is ElementType.Int8 or ElementType.UInt8 or ElementType.Int16;

    /// <summary>FullyConnected (8-bit input, one zero point) as a GEMM over packed weights; rows copied when K is not a multiple of 4.</summary>
    public static void Fast(KernelPath path, QuantizedInput input, QuantizedOutput output, FullyConnectedParams p, PackedGemm w, KernelScratch scratch, VectorOutputStage? vectorStage = null)
    {
        int depth = w.Depth;
        int rows = input.Bytes.Length / depth;
        int rowBytes = w.Groups * 4;
        for (int first = 0; first < rows; first += KernelScratch.ChunkRows)
        {
            int count = Math.Min(KernelScratch.ChunkRows, rows - first);
            ReadOnlySpan<byte> x;
            int stride;
            if (depth % 4 == 0)
            {
                x = input.Bytes.Slice(first * depth, count * depth);
                stride = depth;
            }
            else
            {
                for (int r = 0; r < count; r++)
                {
                    var row = scratch.Rows.AsSpan(r * rowBytes, rowBytes);
                    input.Bytes.Slice((first + r) * depth, depth).CopyTo(row);
                    row.Slice(depth).Clear();
                }
                x = scratch.Rows;
                stride = rowBytes;
            }
            if (w.NeedsInputSums)
                for (int r = 0; r < count; r++) scratch.InputSums[r] = Gemm.InputSum(x.Slice(r * stride), depth, w.InputXor);
            Gemm.DotFinish(path, x, stride, count, first, w, scratch, p.Output, vectorStage, output);
        }
    }
}
