using System;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

public static partial class Conv2D
{
    /// <summary>
    /// Output pixels per GEMM call for a 1×1 convolution read in place (no scratch rows, no input sums): more than
    /// <see cref="KernelScratch.ChunkRows"/>, so each block pair's stage constants serve more rows (V3-Small ~2 % faster
    /// at 1 and 2 threads, interleaved A/B against 32).
    /// </summary>
    internal const int DirectTileRows = 128;

    /// <summary>
    /// Conv2D (groups = 1, 8-bit input with one zero point) as a GEMM over packed weights: 1×1 stride-1 unpadded
    /// convolutions read the NHWC input rows in place; any other shape is unrolled (im2col) a chunk of output pixels
    /// at a time into scratch rows, padding filled with the input zero point (a real 0), each row's input sum taken
    /// as it is unrolled when the weights need it.
    /// </summary>
    public static void Fast(KernelPath path, QuantizedInput input, int kH, int kW, QuantizedOutput output, Conv2DParams p, PackedGemm w, KernelScratch scratch, VectorOutputStage? vectorStage = null, int part = 0, int parts = 1, int partEnd = -1)
    {
        int batches = input.Shape[0], inC = input.Shape[3];
        int outH = output.Shape[1], outW = output.Shape[2];
        int pixels = batches * outH * outW;
        bool direct = kH == 1 && kW == 1 && p.StrideH == 1 && p.StrideW == 1 && p.Padding.IsNone && inC % 4 == 0;
        int rowBytes = w.Groups * 4;
        // Worker `part` of `parts` computes its share of the output pixels (threads split the work this way).
        var (begin, end) = PartRange.Of(pixels, part, parts, partEnd);
        // Scratch rows and input sums hold ChunkRows pixels; in-place rows without sums need neither.
        int tile = direct && !w.NeedsInputSums ? DirectTileRows : KernelScratch.ChunkRows;
        for (int first = begin; first < end; first += tile)
        {
            int rows = Math.Min(tile, end - first);
            ReadOnlySpan<byte> x;
            int stride;
            if (direct)
            {
                x = input.Bytes.Slice(first * inC, rows * inC);
                stride = inC;
            }
            else
            {
                Im2Col.UnrollBytes(input.Bytes, input.Shape, w.PaddingRow, p, kH, kW, outH, outW, first, rows, rowBytes, w.Depth, w.InputXor, scratch.Rows,
                    w.NeedsInputSums ? scratch.InputSums : default);
                x = scratch.Rows;
                stride = rowBytes;
            }
            if (direct && w.NeedsInputSums)
                for (int r = 0; r < rows; r++) scratch.InputSums[r] = Gemm.InputSum(x.Slice(r * stride), w.Depth, w.InputXor);
            Gemm.DotFinish(path, x, stride, rows, first, w, scratch, p.Output, vectorStage, output);
        }
    }
}
