using System;
using System.Runtime.InteropServices;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

public static partial class Mul
{
    /// <summary>
    /// Whether a Mul is the squeeze-excite product of a symmetric 16-bit [N,H,W,C] tensor and an 8- or 16-bit
    /// per-channel [N,1,1,C] gate that <see cref="Wide"/> computes: |x·(g − z_g)| &lt; 2^31 always holds there.
    /// </summary>
    public static bool IsWideSqueezeExcite(TensorDefinition a, TensorDefinition b, TensorDefinition output)
    {
        if (a.ElementCount != output.ElementCount) (a, b) = (b, a);
        return a.Type == ElementType.Int16 && output.Rank == 4 && a.ElementCount == output.ElementCount && a.Quantization is { } q && Array.TrueForAll(q.ZeroPoints, z => z == 0)
            && b.Type.IsQuantizedActivation() && b.Quantization is not null
            && (long)b.ElementCount * output.Shape[1] * output.Shape[2] == output.ElementCount && b.Shape[b.Rank - 1] == output.Shape[3];
    }

    /// <summary>
    /// <see cref="IsWideSqueezeExcite"/>'s product: per image the gate minus its zero points, then a chunk of pixels at a
    /// time x·g into int32 rows and the wide output stage (<paramref name="stage"/>: the Mul's multipliers and clamps,
    /// no activation). Parts split the pixels of each image. <paramref name="scratch"/> holds one padded row of gates and
    /// at least one of sums.
    /// </summary>
    public static void Wide(KernelPath path, QuantizedInput a, QuantizedInput b, QuantizedOutput output, OutputStage stage, VectorOutputStage? vectorStage, int[] zeros,
        Span<int> scratch, int part = 0, int parts = 1, int partEnd = -1)
    {
        if (a.Bytes.Length != output.Bytes.Length * 2 / output.Type.SizeInBytes()) { var t = a; a = b; b = t; }
        int channels = output.Channels, width = zeros.Length;
        int pixels = output.Shape[1] * output.Shape[2];
        var x = MemoryMarshal.Cast<byte, short>(a.Bytes);
        var gate = scratch.Slice(0, width);
        var sums = scratch.Slice(width);
        int chunk = Math.Max(1, Math.Min(KernelScratch.ChunkRows, sums.Length / width));
        if (sums.Length < width) throw new ArgumentException("Mul: scratch holds no row of sums.", nameof(scratch));
        var (begin, end) = PartRange.Of(pixels, part, parts, partEnd);
        for (int n = 0; n < output.Shape[0]; n++)
        {
            for (int c = 0; c < channels; c++) gate[c] = b[n * channels + c] - b.ZeroPoint(b.ZeroPoints.Length == 1 ? 0 : c);
            for (int first = begin; first < end; first += chunk)
            {
                int count = Math.Min(chunk, end - first);
                for (int r = 0; r < count; r++)
                {
                    var row = sums.Slice(r * width, width);
                    row.Clear();
                    WideMultiplyAdd.Into(path, x.Slice((n * pixels + first + r) * channels, channels), gate, row);
                }
                WideFinish.Rows(path, sums, width, zeros, count, n * pixels + first, channels, stage, vectorStage, output);
            }
        }
    }
}
