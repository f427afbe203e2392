#if NET
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Embedded.Runtime.Kernels;

/// <summary>Sixteen 8-bit elements to sixteen int32 lanes (VPMOVSXBD / VPMOVZXBD), for the AVX-512 element-wise kernels.</summary>
internal static class Widen512
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Bytes(Vector128<byte> bytes, bool signed) =>
        signed ? Avx512F.ConvertToVector512Int32(bytes.AsSByte()) : Avx512F.ConvertToVector512Int32(bytes);
}
#endif
