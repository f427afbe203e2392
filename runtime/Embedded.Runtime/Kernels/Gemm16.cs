using System;
using System.Runtime.InteropServices;
#if NET
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
#endif

namespace Embedded.Runtime.Kernels;

/// <summary>
/// The int16-input GEMM core (<see cref="PackedGemm16"/>): dot[r, o] = Σ_k x[r, k]·w_s[o, k] with rows of int16
/// (K padded to pairs). AVX2 multiplies and adds pairs with VPMADDWD; the portable path widens to int32.
/// </summary>
public static partial class Gemm16
{
    public static void Dot(KernelPath path, ReadOnlySpan<short> x, int rowStride, int rows, PackedGemm16 w, Span<int> dot)
    {
#if NET
        if (path.UsesAvx2()) { DotAvx2(x, rowStride, rows, w, dot); return; }
        if (path.UsesNeon() && rowStride % 2 == 0) { DotNeon(x, rowStride, rows, w, dot); return; }
        if (path != KernelPath.Reference && Vector128.IsHardwareAccelerated) { DotVector128(x, rowStride, rows, w, dot); return; }
#endif
        int width = w.Blocks * PackedGemm16.BlockChannels;
        for (int r = 0; r < rows; r++)
        for (int o = 0; o < width; o++)
        {
            int b = o / PackedGemm16.BlockChannels, j = o % PackedGemm16.BlockChannels, sum = 0;
            for (int q = 0; q < w.Pairs; q++)
            for (int i = 0; i < 2; i++)
                sum += x[r * rowStride + 2 * q + i] * w.Weights[((b * w.Pairs + q) * PackedGemm16.BlockChannels + j) * 2 + i];
            dot[r * width + o] = sum;
        }
    }

#if NET
    private static void DotAvx2(ReadOnlySpan<short> x, int rowStride, int rows, PackedGemm16 w, Span<int> dot)
    {
        int width = w.Blocks * PackedGemm16.BlockChannels;
        ref short wBase = ref MemoryMarshal.GetReference<short>(w.Weights);
        ref int dBase = ref MemoryMarshal.GetReference(dot);
        var pairs = MemoryMarshal.Cast<short, int>(x);
        for (int r = 0; r < rows; r++)
        for (int b = 0; b < w.Blocks; b++)
        {
            Vector256<int> a = default;
            ref short wb = ref Unsafe.Add(ref wBase, b * w.Pairs * 16);
            int rowPair = r * rowStride / 2;
            for (int q = 0; q < w.Pairs; q++)
                a = Avx2.Add(a, Avx2.MultiplyAddAdjacent(Vector256.Create(pairs[rowPair + q]).AsInt16(), Vector256.LoadUnsafe(ref wb, (nuint)(q * 16))));
            a.StoreUnsafe(ref dBase, (nuint)(r * width + b * PackedGemm16.BlockChannels));
        }
    }

    private static void DotVector128(ReadOnlySpan<short> x, int rowStride, int rows, PackedGemm16 w, Span<int> dot)
    {
        int width = w.Blocks * PackedGemm16.BlockChannels;
        ref short wBase = ref MemoryMarshal.GetReference<short>(w.Weights);
        var pairs = MemoryMarshal.Cast<short, int>(x);
        for (int r = 0; r < rows; r++)
        for (int b = 0; b < w.Blocks; b++)
        {
            // Accumulators of products [channel a: x0·w0, x1·w1, channel b: x0·w0, x1·w1]; pairs are added at the end.
            Vector128<int> a0 = default, a1 = default, a2 = default, a3 = default;
            ref short wb = ref Unsafe.Add(ref wBase, b * w.Pairs * 16);
            int rowPair = r * rowStride / 2;
            for (int q = 0; q < w.Pairs; q++)
            {
                var xv = Vector128.WidenLower(Vector128.Create(pairs[rowPair + q]).AsInt16());
                var lo = Vector128.LoadUnsafe(ref wb, (nuint)(q * 16));
                var hi = Vector128.LoadUnsafe(ref wb, (nuint)(q * 16 + 8));
                a0 += Vector128.WidenLower(lo) * xv; a1 += Vector128.WidenUpper(lo) * xv;
                a2 += Vector128.WidenLower(hi) * xv; a3 += Vector128.WidenUpper(hi) * xv;
            }
            var o = dot.Slice(r * width + b * PackedGemm16.BlockChannels, PackedGemm16.BlockChannels);
            o[0] = a0[0] + a0[1]; o[1] = a0[2] + a0[3]; o[2] = a1[0] + a1[1]; o[3] = a1[2] + a1[3];
            o[4] = a2[0] + a2[1]; o[5] = a2[2] + a2[3]; o[6] = a3[0] + a3[1]; o[7] = a3[2] + a3[3];
        }
    }
#endif
}
