#if NET
using System;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Embedded.Runtime.Kernels;

public static partial class DepthwiseConv2D
{
    /// <summary>4 channels per step: bytes widened to int32, minus zero points, times int32 weights. Returns channels done.</summary>
    internal static int AccumulateTapVector128(ReadOnlySpan<byte> x, bool signed, ReadOnlySpan<int> zeroPoints, ReadOnlySpan<int> weights, Span<int> acc)
    {
        ref int z = ref MemoryMarshal.GetReference(zeroPoints);
        ref int wr = ref MemoryMarshal.GetReference(weights);
        ref int a = ref MemoryMarshal.GetReference(acc);
        int c = 0;
        for (; c + 4 <= acc.Length; c += 4)
        {
            var raw = Vector128.CreateScalar(BinaryPrimitives.ReadUInt32LittleEndian(x.Slice(c)));
            Vector128<int> xv = signed
                ? Vector128.WidenLower(Vector128.WidenLower(raw.AsSByte()))
                : Vector128.WidenLower(Vector128.WidenLower(raw.AsByte())).AsInt32();
            var sum = Vector128.LoadUnsafe(ref a, (nuint)c) + (xv - Vector128.LoadUnsafe(ref z, (nuint)c)) * Vector128.LoadUnsafe(ref wr, (nuint)c);
            sum.StoreUnsafe(ref a, (nuint)c);
        }
        return c;
    }
}
#endif
