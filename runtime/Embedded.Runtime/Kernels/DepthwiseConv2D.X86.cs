#if NET
using System;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Embedded.Runtime.Kernels;

public static partial class DepthwiseConv2D
{
    /// <summary>8 channels per step with VPMOVSXBD/VPMOVZXBD and VPMULLD. Returns channels done.</summary>
    internal static int AccumulateTapAvx2(ReadOnlySpan<byte> x, bool signed, ReadOnlySpan<int> zeroPoints, ReadOnlySpan<int> weights, Span<int> acc)
    {
        ref int z = ref MemoryMarshal.GetReference(zeroPoints);
        ref int wr = ref MemoryMarshal.GetReference(weights);
        ref int a = ref MemoryMarshal.GetReference(acc);
        int c = 0;
        for (; c + 8 <= acc.Length; c += 8)
        {
            var raw = Vector128.CreateScalar(BinaryPrimitives.ReadUInt64LittleEndian(x.Slice(c)));
            var xv = signed ? Avx2.ConvertToVector256Int32(raw.AsSByte()) : Avx2.ConvertToVector256Int32(raw.AsByte());
            var sum = Vector256.LoadUnsafe(ref a, (nuint)c) + (xv - Vector256.LoadUnsafe(ref z, (nuint)c)) * Vector256.LoadUnsafe(ref wr, (nuint)c);
            sum.StoreUnsafe(ref a, (nuint)c);
        }
        return c + AccumulateTapVector128(x.Slice(c), signed, zeroPoints.Slice(c), weights.Slice(c), acc.Slice(c));
    }
}
#endif
