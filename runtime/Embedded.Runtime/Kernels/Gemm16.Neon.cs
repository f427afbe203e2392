#if NET
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace Embedded.Runtime.Kernels;

public static partial class Gemm16
{
    /// <summary>
    /// NEON: a 4-row × 8-channel tile. A pair of int16 inputs is duplicated to every 32-bit lane, so SMLAL/SMLAL2 against a
    /// pair row of the packed weights (channel j's two weights in lanes 2j, 2j + 1) add both products of two channels per
    /// instruction in int32; ADDP folds each channel's two lanes at the end. Four rows share each weight load.
    /// </summary>
    private static void DotNeon(ReadOnlySpan<short> x, int rowStride, int rows, PackedGemm16 w, Span<int> dot)
    {
        int width = w.Blocks * PackedGemm16.BlockChannels, pairs = w.Pairs;
        ref short wBase = ref MemoryMarshal.GetReference<short>(w.Weights);
        ref int xBase = ref Unsafe.As<short, int>(ref MemoryMarshal.GetReference(x));
        ref int dBase = ref MemoryMarshal.GetReference(dot);
        int stride = rowStride / 2;   // in pairs
        int r = 0;
        for (; r + 4 <= rows; r += 4)
        {
            ref int x0 = ref Unsafe.Add(ref xBase, r * stride);
            ref int x1 = ref Unsafe.Add(ref x0, stride);
            ref int x2 = ref Unsafe.Add(ref x1, stride);
            ref int x3 = ref Unsafe.Add(ref x2, stride);
            for (int b = 0; b < w.Blocks; b++)
            {
                Vector128<int> a00 = default, a01 = default, a02 = default, a03 = default, a10 = default, a11 = default, a12 = default, a13 = default;
                Vector128<int> a20 = default, a21 = default, a22 = default, a23 = default, a30 = default, a31 = default, a32 = default, a33 = default;
                ref short wb = ref Unsafe.Add(ref wBase, b * pairs * 16);
                for (int q = 0; q < pairs; q++)
                {
                    var lo = Vector128.LoadUnsafe(ref wb, (nuint)(q * 16));       // channels 0–3
                    var hi = Vector128.LoadUnsafe(ref wb, (nuint)(q * 16 + 8));   // channels 4–7
                    var p = Vector128.Create(Unsafe.Add(ref x0, q)).AsInt16();
                    a00 = AdvSimd.MultiplyWideningLowerAndAdd(a00, lo.GetLower(), p.GetLower()); a01 = AdvSimd.MultiplyWideningUpperAndAdd(a01, lo, p);
                    a02 = AdvSimd.MultiplyWideningLowerAndAdd(a02, hi.GetLower(), p.GetLower()); a03 = AdvSimd.MultiplyWideningUpperAndAdd(a03, hi, p);
                    p = Vector128.Create(Unsafe.Add(ref x1, q)).AsInt16();
                    a10 = AdvSimd.MultiplyWideningLowerAndAdd(a10, lo.GetLower(), p.GetLower()); a11 = AdvSimd.MultiplyWideningUpperAndAdd(a11, lo, p);
                    a12 = AdvSimd.MultiplyWideningLowerAndAdd(a12, hi.GetLower(), p.GetLower()); a13 = AdvSimd.MultiplyWideningUpperAndAdd(a13, hi, p);
                    p = Vector128.Create(Unsafe.Add(ref x2, q)).AsInt16();
                    a20 = AdvSimd.MultiplyWideningLowerAndAdd(a20, lo.GetLower(), p.GetLower()); a21 = AdvSimd.MultiplyWideningUpperAndAdd(a21, lo, p);
                    a22 = AdvSimd.MultiplyWideningLowerAndAdd(a22, hi.GetLower(), p.GetLower()); a23 = AdvSimd.MultiplyWideningUpperAndAdd(a23, hi, p);
                    p = Vector128.Create(Unsafe.Add(ref x3, q)).AsInt16();
                    a30 = AdvSimd.MultiplyWideningLowerAndAdd(a30, lo.GetLower(), p.GetLower()); a31 = AdvSimd.MultiplyWideningUpperAndAdd(a31, lo, p);
                    a32 = AdvSimd.MultiplyWideningLowerAndAdd(a32, hi.GetLower(), p.GetLower()); a33 = AdvSimd.MultiplyWideningUpperAndAdd(a33, hi, p);
                }
                ref int d = ref Unsafe.Add(ref dBase, r * width + b * PackedGemm16.BlockChannels);
                AdvSimd.Arm64.AddPairwise(a00, a01).StoreUnsafe(ref d); AdvSimd.Arm64.AddPairwise(a02, a03).StoreUnsafe(ref d, 4);
                AdvSimd.Arm64.AddPairwise(a10, a11).StoreUnsafe(ref d, (nuint)width); AdvSimd.Arm64.AddPairwise(a12, a13).StoreUnsafe(ref d, (nuint)width + 4);
                AdvSimd.Arm64.AddPairwise(a20, a21).StoreUnsafe(ref d, (nuint)(2 * width)); AdvSimd.Arm64.AddPairwise(a22, a23).StoreUnsafe(ref d, (nuint)(2 * width) + 4);
                AdvSimd.Arm64.AddPairwise(a30, a31).StoreUnsafe(ref d, (nuint)(3 * width)); AdvSimd.Arm64.AddPairwise(a32, a33).StoreUnsafe(ref d, (nuint)(3 * width) + 4);
            }
        }
        for (; r < rows; r++)
        {
            ref int x0 = ref Unsafe.Add(ref xBase, r * stride);
            for (int b = 0; b < w.Blocks; b++)
            {
                Vector128<int> a00 = default, a01 = default, a02 = default, a03 = default;
                ref short wb = ref Unsafe.Add(ref wBase, b * pairs * 16);
                for (int q = 0; q < pairs; q++)
                {
                    var lo = Vector128.LoadUnsafe(ref wb, (nuint)(q * 16));
                    var hi = Vector128.LoadUnsafe(ref wb, (nuint)(q * 16 + 8));
                    var p = Vector128.Create(Unsafe.Add(ref x0, q)).AsInt16();
                    a00 = AdvSimd.MultiplyWideningLowerAndAdd(a00, lo.GetLower(), p.GetLower()); a01 = AdvSimd.MultiplyWideningUpperAndAdd(a01, lo, p);
                    a02 = AdvSimd.MultiplyWideningLowerAndAdd(a02, hi.GetLower(), p.GetLower()); a03 = AdvSimd.MultiplyWideningUpperAndAdd(a03, hi, p);
                }
                ref int d = ref Unsafe.Add(ref dBase, r * width + b * PackedGemm16.BlockChannels);
                AdvSimd.Arm64.AddPairwise(a00, a01).StoreUnsafe(ref d); AdvSimd.Arm64.AddPairwise(a02, a03).StoreUnsafe(ref d, 4);
            }
        }
    }
}
#endif
