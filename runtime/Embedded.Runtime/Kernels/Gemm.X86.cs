#if NET
using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Embedded.Runtime.Kernels;

public static partial class Gemm
{
    private const int RowsPerStep = 4;

    /// <summary>
    /// AVX-VNNI: one VPDPBUSD per group and row gives eight 4-byte dot products of (x_s + 128) as unsigned bytes
    /// with signed weights, accumulated in int32 without intermediate saturation. Four rows share each weight load.
    /// </summary>
    internal static void DotAvxVnni(ReadOnlySpan<byte> x, int rowStride, int rows, PackedGemm w, Span<int> dot)
    {
        int width = w.Blocks * PackedGemm.BlockChannels;
        uint xor = (byte)(w.InputXor ^ 0x80) * 0x01010101u;   // x_s + 128 = x ^ (InputXor ^ 0x80)
        ref sbyte wBase = ref MemoryMarshal.GetReference<sbyte>(w.Weights);
        ref int dBase = ref MemoryMarshal.GetReference(dot);
        int r = 0;
        for (; r + RowsPerStep <= rows; r += RowsPerStep)
        {
            var row0 = x.Slice(r * rowStride); var row1 = x.Slice((r + 1) * rowStride);
            var row2 = x.Slice((r + 2) * rowStride); var row3 = x.Slice((r + 3) * rowStride);
            for (int b = 0; b < w.Blocks; b++)
            {
                Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default;
                ref sbyte wb = ref Unsafe.Add(ref wBase, b * w.Groups * 32);
                for (int g = 0; g < w.Groups; g++)
                {
                    var wv = Vector256.LoadUnsafe(ref wb, (nuint)(g * 32));
                    a0 = AvxVnni.MultiplyWideningAndAdd(a0, Broadcast(row0, g, xor), wv);
                    a1 = AvxVnni.MultiplyWideningAndAdd(a1, Broadcast(row1, g, xor), wv);
                    a2 = AvxVnni.MultiplyWideningAndAdd(a2, Broadcast(row2, g, xor), wv);
                    a3 = AvxVnni.MultiplyWideningAndAdd(a3, Broadcast(row3, g, xor), wv);
                }
                int at = r * width + b * PackedGemm.BlockChannels;
                a0.StoreUnsafe(ref dBase, (nuint)at);
                a1.StoreUnsafe(ref dBase, (nuint)(at + width));
                a2.StoreUnsafe(ref dBase, (nuint)(at + 2 * width));
                a3.StoreUnsafe(ref dBase, (nuint)(at + 3 * width));
            }
        }
        var xorBytes = Vector256.Create(xor).AsByte();
        for (; r < rows; r++)
        {
            ref byte row = ref MemoryMarshal.GetReference(x.Slice(r * rowStride, w.Groups * 4));
            for (int b = 0; b < w.Blocks; b++)
                DotRow(ref row, ref Unsafe.Add(ref wBase, b * w.Groups * 32), w.Groups, xorBytes).StoreUnsafe(ref dBase, (nuint)(r * width + b * PackedGemm.BlockChannels));
        }
    }

    /// <summary>
    /// AVX2 without VNNI: VPMADDUBSW on |x_s| (unsigned) and w_s with x_s's sign — products ≤ 128·127, pair sums
    /// ≤ 32512, so nothing saturates (this needs w_s ≠ −128, checked at packing) — then VPMADDWD with ones.
    /// </summary>
    internal static void DotAvx2(ReadOnlySpan<byte> x, int rowStride, int rows, PackedGemm w, Span<int> dot)
    {
        int width = w.Blocks * PackedGemm.BlockChannels;
        uint xor = w.InputXor * 0x01010101u;
        ref sbyte wBase = ref MemoryMarshal.GetReference<sbyte>(w.Weights);
        ref int dBase = ref MemoryMarshal.GetReference(dot);
        var ones = Vector256.Create((short)1);
        for (int r = 0; r < rows; r++)
        {
            var row = x.Slice(r * rowStride);
            for (int b = 0; b < w.Blocks; b++)
            {
                Vector256<int> a = default;
                ref sbyte wb = ref Unsafe.Add(ref wBase, b * w.Groups * 32);
                for (int g = 0; g < w.Groups; g++)
                {
                    var xs = Broadcast(row, g, xor).AsSByte();
                    var wv = Vector256.LoadUnsafe(ref wb, (nuint)(g * 32));
                    var pairs = Avx2.MultiplyAddAdjacent(Avx2.Abs(xs), Avx2.Sign(wv, xs));
                    a = Avx2.Add(a, Avx2.MultiplyAddAdjacent(pairs, ones));
                }
                a.StoreUnsafe(ref dBase, (nuint)(r * width + b * PackedGemm.BlockChannels));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Broadcast(ReadOnlySpan<byte> row, int group, uint xor) =>
        Vector256.Create(BinaryPrimitives.ReadUInt32LittleEndian(row.Slice(4 * group)) ^ xor).AsByte();
}
#endif
