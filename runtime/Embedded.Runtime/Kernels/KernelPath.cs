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
    /// ARM64 with the ARMv8.2 dot product (SDOT: Raspberry Pi 5, Apple M, Graviton 2+) for the GEMM core; the other
    /// kernels use the portable 128-bit forms (NEON).
    /// </summary>
    Arm,
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
        KernelPath.Arm => System.Runtime.Intrinsics.Arm.Dp.IsSupported,
#endif
        _ => false,
    };

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
            foreach (KernelPath p in new[] { KernelPath.Reference, KernelPath.Vector128, KernelPath.Avx2, KernelPath.Arm })
                if (IsSupported(p)) list.Add(p);
            return list;
        }
    }

    /// <summary>The fastest supported path (what interpreters use unless told otherwise).</summary>
    public static KernelPath Best =>
        IsSupported(KernelPath.Avx2) ? KernelPath.Avx2 : IsSupported(KernelPath.Arm) ? KernelPath.Arm : IsSupported(KernelPath.Vector128) ? KernelPath.Vector128 : KernelPath.Reference;
}
