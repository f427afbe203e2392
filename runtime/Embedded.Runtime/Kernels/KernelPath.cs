using System.Collections.Generic;

namespace Embedded.Runtime.Kernels;

/// <summary>
/// The implementations of the compute-heavy kernels. Every path gives the same bytes as <see cref="Reference"/>
/// (tests compare them with equality); they differ only in speed and in what the CPU must support.
/// </summary>
public enum KernelPath
{
    /// <summary>Scalar reference kernels: the oracle, obviously correct, never optimized.</summary>
    Reference,
    /// <summary>Portable 128-bit SIMD (<c>Vector128</c>): NEON on arm64, SSE on x64.</summary>
    Vector128,
    /// <summary>x86 AVX2 (256-bit), with AVX-VNNI dot products when the CPU has them.</summary>
    Avx2,
    /// <summary>
    /// ARM64 with the ARMv8.2 dot product (SDOT: Cortex-A76/A55, Raspberry Pi 5, Apple M, Graviton 2+): the
    /// <see cref="Neon"/> kernels with SDOT in the int8 GEMM core.
    /// </summary>
    Arm,
    /// <summary>
    /// x86 with AVX-512 (F, VL, DQ, BW) besides AVX2: the AVX2 kernels, with the output stage's 64-bit steps
    /// (h-swish gate, wide requantization) on native 64-bit lanes (VPMULDQ, VPSRAVQ, VPMINSQ, VPMOVQD) instead of
    /// AVX2's even/odd emulation.
    /// </summary>
    Avx512,
    /// <summary>
    /// ARM64 NEON (AdvSimd) without the dot product (Cortex-A72/A53: Raspberry Pi 4, 3, Zero 2): widening multiplies
    /// (SMULL/SMLAL, SADALP) in the GEMM and depthwise cores, SQRDMULH + rounding shifts in the output stage.
    /// </summary>
    Neon,
}

/// <summary>Which kernel paths this process can run, and the fastest of them.</summary>
public static class KernelPaths
{
    public static bool IsSupported(KernelPath path) => path switch
    {
        KernelPath.Reference => true,
#if NET
        KernelPath.Vector128 => System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated,
        KernelPath.Avx2 => System.Runtime.Intrinsics.X86.Avx2.IsSupported,
        KernelPath.Arm => System.Runtime.Intrinsics.Arm.AdvSimd.Arm64.IsSupported && System.Runtime.Intrinsics.Arm.Dp.IsSupported,
        KernelPath.Neon => System.Runtime.Intrinsics.Arm.AdvSimd.Arm64.IsSupported,
        KernelPath.Avx512 => System.Runtime.Intrinsics.X86.Avx2.IsSupported && System.Runtime.Intrinsics.X86.Avx512F.IsSupported
            && System.Runtime.Intrinsics.X86.Avx512F.VL.IsSupported && System.Runtime.Intrinsics.X86.Avx512DQ.IsSupported && System.Runtime.Intrinsics.X86.Avx512BW.IsSupported,
#endif
        _ => false,
    };

    /// <summary>True for the paths that run the AVX2 kernels (AVX2 and AVX-512) on a CPU that has AVX2.</summary>
    public static bool UsesAvx2(this KernelPath path) =>
#if NET
        (path == KernelPath.Avx2 || path == KernelPath.Avx512) && System.Runtime.Intrinsics.X86.Avx2.IsSupported;
#else
        false;
#endif

    /// <summary>True for the paths that run the NEON kernels (Neon and Arm) on a CPU that has them.</summary>
    public static bool UsesNeon(this KernelPath path) =>
#if NET
        (path == KernelPath.Neon || path == KernelPath.Arm) && System.Runtime.Intrinsics.Arm.AdvSimd.Arm64.IsSupported;
#else
        false;
#endif

    /// <summary>True when the NEON kernels may use SDOT (the Arm path on a CPU with the dot product).</summary>
    public static bool UsesDot(this KernelPath path) =>
#if NET
        path == KernelPath.Arm && System.Runtime.Intrinsics.Arm.AdvSimd.Arm64.IsSupported && System.Runtime.Intrinsics.Arm.Dp.IsSupported;
#else
        false;
#endif

    /// <summary>True when the AVX-512 output stage may run (the path asks for it and the CPU has it).</summary>
    public static bool UsesAvx512(this KernelPath path) => path == KernelPath.Avx512 && IsSupported(KernelPath.Avx512);

    /// <summary>True when the AVX2 path uses AVX-VNNI dot products (u8·s8 → int32 without intermediate saturation).</summary>
    public static bool HasVnni =>
#if NET
        System.Runtime.Intrinsics.X86.AvxVnni.IsSupported;
#else
        false;
#endif

    public static IReadOnlyList<KernelPath> Available
    {
        get
        {
            var list = new List<KernelPath>();
            foreach (KernelPath p in new[] { KernelPath.Reference, KernelPath.Vector128, KernelPath.Avx2, KernelPath.Avx512, KernelPath.Neon, KernelPath.Arm })
                if (IsSupported(p)) list.Add(p);
            return list;
        }
    }

    /// <summary>The fastest supported path (what interpreters use unless told otherwise).</summary>
    public static KernelPath Best =>
        IsSupported(KernelPath.Avx512) ? KernelPath.Avx512 : IsSupported(KernelPath.Avx2) ? KernelPath.Avx2 : IsSupported(KernelPath.Arm) ? KernelPath.Arm : IsSupported(KernelPath.Neon) ? KernelPath.Neon : IsSupported(KernelPath.Vector128) ? KernelPath.Vector128 : KernelPath.Reference;
}
