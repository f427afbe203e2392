using System;
using Embedded.Runtime.Model;
#if NET
using System.Runtime.Intrinsics;
#endif

namespace Embedded.Runtime.Kernels;

public static partial class GlobalAveragePool
{
    /// <summary>
    /// The first phase of a pool split over threads (image 0 only): sums[c] = Σ x over the cells
    /// [H·W·part/parts, H·W·(part+1)/parts) (<see cref="PartRange"/>: the pixels every split kernel gives that part), in
    /// int32 as the reference sums. Each thread sums the pixels it wrote itself, so no thread reads another's lines
    /// (the in-place squeeze-excite product that follows then writes lines no other core holds); <see cref="FinishSums"/>
    /// adds the parts' sums on one thread.
    /// </summary>
    public static void SumPixels(KernelPath path, QuantizedInput input, int part, int parts, Span<int> sums, int partEnd = -1)
    {
        int height = input.Shape[1], width = input.Shape[2], channels = input.Shape[3];
        if (sums.Length < channels) throw new ArgumentException("Global average pool: the partial sums are shorter than the channels.", nameof(sums));
        var (first, end) = PartRange.Of(height * width, part, parts, partEnd);
        var cellsBytes = input.Bytes.Slice(first * channels, (end - first) * channels);
        bool signed = input.Type == ElementType.Int8;
        int cells = end - first;
        int c = 0;
#if NET
        if (path.UsesAvx512())
            for (; c + 16 <= channels; c += 16)
            {
                Vector512<int> a = Vector512<int>.Zero, b = Vector512<int>.Zero;
                int i = 0;
                for (; i + 2 <= cells; i += 2)
                {
                    a += Widen512.Bytes(Vector128.Create(cellsBytes.Slice(i * channels + c, 16)), signed);
                    b += Widen512.Bytes(Vector128.Create(cellsBytes.Slice((i + 1) * channels + c, 16)), signed);
                }
                if (i < cells) a += Widen512.Bytes(Vector128.Create(cellsBytes.Slice(i * channels + c, 16)), signed);
                (a + b).CopyTo(sums.Slice(c, 16));
            }
        if (path.UsesNeon()) c = SumPixelsNeon(cellsBytes, signed, cells, channels, sums);
#endif
        for (; c < channels; c++)
        {
            int sum = 0;
            for (int i = 0; i < cells; i++) sum += signed ? (sbyte)cellsBytes[i * channels + c] : cellsBytes[i * channels + c];
            sums[c] = sum;
        }
    }

    /// <summary>
    /// Any of the pool's algorithms (TFLite's MEAN forms too) for one 8-bit image on one thread: the sums as
    /// <see cref="SumPixels"/> computes them (vectorized on AVX-512 and NEON), each channel finished as the reference
    /// does. False where it does not apply (the Reference path, int16 inputs, batches, a short scratch).
    /// </summary>
    public static bool TryFastSums(KernelPath path, QuantizedInput input, QuantizedOutput output, GlobalAveragePoolParams p, Span<int> sums)
    {
        if (path == KernelPath.Reference || input.IsWide || input.Shape.Length != 4 || input.Shape[0] != 1 || sums.Length < input.Shape[3]
            || (long)input.Shape[1] * input.Shape[2] >= 1 << 23) return false;   // int32 sums of 8-bit values stay exact below 2^23 cells
        int cells = input.Shape[1] * input.Shape[2], channels = input.Shape[3];
        SumPixels(path, input, 0, 1, sums);
        for (int c = 0; c < channels; c++) output.Store(c, Finish(sums[c], c, cells, input, output, p));
        return true;
    }

    /// <summary>
    /// The second phase: adds the parts' sums (<see cref="SumPixels"/>) and finishes as <see cref="TryFast"/> does — minus
    /// H·W·z_in, the shared requantization, the output zero point and clamp — so the bytes are the reference's.
    /// </summary>
    public static void FinishSums(KernelPath path, QuantizedInput input, QuantizedOutput output, VectorOutputStage stage, ReadOnlySpan<int[]> partSums)
    {
        int cells = input.Shape[1] * input.Shape[2], channels = input.Shape[3];
        int c = 0;
#if NET
        if (path.UsesAvx512() && output.Type is ElementType.Int8 or ElementType.UInt8 && output.Bytes.Length >= channels)
        {
            ref byte o = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(output.Bytes);
            for (; c + 16 <= channels; c += 16)
            {
                var sum = Vector512<int>.Zero;
                foreach (var part in partSums) sum += Vector512.Create(part.AsSpan(c, 16));
                var offset = input.ZeroPoints.Length == channels ? Vector512.Create(input.ZeroPoints.Slice(c, 16)) : Vector512.Create(input.ZeroPoint(0));
                OutputStage512.StoreBytes(OutputStage512.Apply16(sum - offset * cells, stage, c), ref o, c, 16);
            }
        }
#endif
        for (; c < channels; c++)
        {
            int sum = 0;
            foreach (var part in partSums) sum = unchecked(sum + part[c]);
            output.Store(c, stage.ApplyScalar(unchecked(sum - cells * input.ZeroPoint(c)), c));
        }
    }
}
