using System;
using Embedded.Runtime.Model;
#if NET
using System.Runtime.Intrinsics;
#endif

namespace Embedded.Runtime.Kernels;

/// <summary>
/// The output stage over rows of int32 sums that fit in int32 (the 16-bit-input kernels check that when they pack):
/// acc = constant[c] + sum, then the path's vector stage (AVX2/AVX-512, NEON; built wide) or the reference's scalar
/// 64-bit one, which the vector stages equal for such sums.
/// </summary>
internal static class WideFinish
{
    /// <summary>
    /// Rows r of <paramref name="sums"/> (<paramref name="width"/> apart, a multiple of eight) become output pixels
    /// <paramref name="firstRow"/> + r; <paramref name="constants"/> is padded to <paramref name="width"/> too.
    /// </summary>
    public static void Rows(KernelPath path, Span<int> sums, int width, int[] constants, int rows, int firstRow, int channels, OutputStage stage, VectorOutputStage? vectorStage, QuantizedOutput output)
    {
#if NET
        if (vectorStage is not null && path.UsesAvx2())
        {
            Span<int> values = stackalloc int[8];
            bool avx512 = path.UsesAvx512();
            for (int r = 0; r < rows; r++)
            for (int o = 0; o < channels; o += 8)
            {
                var acc = Vector256.Create((ReadOnlySpan<int>)constants.AsSpan(o, 8)) + Vector256.Create((ReadOnlySpan<int>)sums.Slice(r * width + o, 8));
                OutputStageX86.Store(OutputStageX86.Apply8(acc, vectorStage, o, avx512), output, (firstRow + r) * channels + o, Math.Min(8, channels - o), values);
            }
            return;
        }
        if (vectorStage is not null && vectorStage.NeonReady && path.UsesNeon())
        {
            Gemm.FinishNeon(sums, width, constants, null, default, rows, firstRow, channels, vectorStage, output);
            return;
        }
#endif
        for (int r = 0; r < rows; r++)
        for (int o = 0; o < channels; o++)
            output.Store((firstRow + r) * channels + o, OutputStageMath.Apply(stage, o, (long)constants[o] + sums[r * width + o], true, output.ZeroPoint(o)));
    }
}
