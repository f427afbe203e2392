using System;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

public static partial class FullyConnected
{
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
