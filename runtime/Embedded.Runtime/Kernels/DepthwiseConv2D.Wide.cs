using System;
using System.Runtime.InteropServices;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

public static partial class DepthwiseConv2D
{
    /// <summary>
    /// Depthwise convolution of a 16-bit input (<see cref="PackedDepthwise16"/>): a chunk of output pixels at a time,
    /// the int32 sums of eight channels per vector (the input widened as it loads), then the path's output stage over
    /// the chunk — AVX2/AVX-512 and NEON vector stages, else the reference's scalar one. Parts split the output
    /// pixels of the whole batch.
    /// </summary>
    public static void Wide(KernelPath path, QuantizedInput input, QuantizedOutput output, DepthwiseConv2DParams p, PackedDepthwise16 w, KernelScratch scratch,
        VectorOutputStage? vectorStage, int part = 0, int parts = 1, int partEnd = -1)
    {
        int inH = input.Shape[1], inW = input.Shape[2], channels = w.Channels;
        int outH = output.Shape[1], outW = output.Shape[2];
        int width = w.Width;
        var x = MemoryMarshal.Cast<byte, short>(input.Bytes);
        var sums = scratch.Dots.AsSpan();
        int chunk = Math.Max(1, Math.Min(KernelScratch.ChunkRows, sums.Length / width));
        var (begin, end) = PartRange.Of(input.Shape[0] * outH * outW, part, parts, partEnd);
        for (int first = begin; first < end; first += chunk)
        {
            int count = Math.Min(chunk, end - first);
            for (int r = 0; r < count; r++)
            {
                int pixel = first + r, ox = pixel % outW, oy = pixel / outW % outH, n = pixel / (outW * outH);
                var acc = sums.Slice(r * width, width);
                acc.Clear();
                for (int ky = 0; ky < w.KernelH; ky++)
                {
                    int iy = oy * p.StrideH - p.Padding.Top + ky * p.DilationH;
                    if (iy < 0 || iy >= inH) continue;
                    for (int kx = 0; kx < w.KernelW; kx++)
                    {
                        int ix = ox * p.StrideW - p.Padding.Left + kx * p.DilationW;
                        if (ix < 0 || ix >= inW) continue;
                        // Padded cells are the zero point, 0: they add nothing.
                        WideMultiplyAdd.Into(path, x.Slice(((n * inH + iy) * inW + ix) * channels, channels), w.Weights.AsSpan((ky * w.KernelW + kx) * width, width), acc);
                    }
                }
            }
            WideFinish.Rows(path, sums, width, w.Bias, count, first, channels, p.Output, vectorStage, output);
        }
    }
}
