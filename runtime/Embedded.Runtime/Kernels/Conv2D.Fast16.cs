using System;
using System.Runtime.InteropServices;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

public static partial class Conv2D
{
    /// <summary>
    /// Conv2D on an int16 input (the stem after the exact input normalization) as a GEMM over <see cref="PackedGemm16"/>:
    /// output pixels are unrolled a chunk at a time (padding = each channel's zero point), summed exactly in int32 and
    /// finished with the reference's 64-bit output stage.
    /// </summary>
    public static void Fast16(KernelPath path, QuantizedInput input, int kH, int kW, QuantizedOutput output, Conv2DParams p, PackedGemm16 w, KernelScratch scratch, VectorOutputStage? vectorStage = null, int part = 0, int parts = 1, int partEnd = -1)
    {
        int batches = input.Shape[0];
        int outH = output.Shape[1], outW = output.Shape[2];
        int pixels = batches * outH * outW;
        int rowShorts = w.Pairs * 2;
        var x = MemoryMarshal.Cast<byte, short>(input.Bytes);
        var rowsBuffer = MemoryMarshal.Cast<byte, short>(scratch.Rows.AsSpan());
        int width = w.Blocks * PackedGemm16.BlockChannels;
        Span<int> values = stackalloc int[8];
        var (begin, end) = PartRange.Of(pixels, part, parts, partEnd);
#if NET
        if (vectorStage is not null && path.UsesAvx512() && w.RowWeights.Length > 0 && kH == w.KernelRows && kH * w.RowPairs * 2 <= MaxDirectWindow)
        {
            Direct16<Avx512Windows>(input, kH, kW, output, p, w, vectorStage, begin, end, scratch);
            return;
        }
        if (vectorStage is not null && vectorStage.NeonReady && path.UsesNeon() && w.RowWeights.Length > 0 && kH == w.KernelRows && kH * w.RowPairs * 2 <= MaxDirectWindow)
        {
            Direct16<NeonWindows>(input, kH, kW, output, p, w, vectorStage, begin, end, scratch);
            return;
        }
#endif
        for (int first = begin; first < end; first += KernelScratch.ChunkRows)
        {
            int rows = Math.Min(KernelScratch.ChunkRows, end - first);
            Im2Col.Unroll(x, input.Shape, w.PaddingRow, p, kH, kW, outH, outW, first, rows, rowShorts, rowsBuffer);
            Gemm16.Dot(path, rowsBuffer, rowShorts, rows, w, scratch.Dots);
#if NET
            if (vectorStage is not null && path.UsesAvx2())
            {
                // Sums fit in int32 (checked at packing), so the wide stage sees the same accumulator as the reference.
                for (int r = 0; r < rows; r++)
                for (int o = 0; o < w.Outputs; o += 8)
                {
                    var acc = System.Runtime.Intrinsics.Vector256.Create((ReadOnlySpan<int>)w.Constants.AsSpan(o, 8))
                        + System.Runtime.Intrinsics.Vector256.Create((ReadOnlySpan<int>)scratch.Dots.AsSpan(r * width + o, 8));
                    OutputStageX86.Store(OutputStageX86.Apply8(acc, vectorStage, o, path.UsesAvx512()), output, (first + r) * w.Outputs + o, Math.Min(8, w.Outputs - o), values);
                }
                continue;
            }
            if (vectorStage is not null && vectorStage.NeonReady && path.UsesNeon())
            {
                Gemm.FinishNeon(scratch.Dots, width, w.Constants, null, default, rows, first, w.Outputs, vectorStage, output);
                continue;
            }
#endif
            for (int r = 0; r < rows; r++)
            {
                int outBase = (first + r) * w.Outputs;
                for (int o = 0; o < w.Outputs; o++)
                    output.Store(outBase + o, OutputStageMath.Apply(p.Output, o, (long)w.Constants[o] + scratch.Dots[r * width + o], true, output.ZeroPoint(o)));
            }
        }
    }
}
