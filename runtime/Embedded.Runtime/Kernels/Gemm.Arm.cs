#if NET
using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace Embedded.Runtime.Kernels;

public static partial class Gemm
{
    /// <summary>
    /// ARMv8.2 dot product (SDOT, e.g. Raspberry Pi 5): each 16-byte half of a packed group row is four channels ×
    /// four signed weights, so one SDOT against the broadcast four input bytes (x_s, signed) adds four channels'
    /// 4-term dot products into int32 lanes — exactly Σ x_s·w_s, the same sums as every other path. Four rows share
    /// each weight load. Compiled everywhere; runs only where <see cref="Dp.IsSupported"/> (checked by `selftest`).
    /// </summary>
    internal static void DotArmDp(ReadOnlySpan<byte> x, int rowStride, int rows, PackedGemm w, Span<int> dot)
    {
        int width = w.Blocks * PackedGemm.BlockChannels;
        uint xor = w.InputXor * 0x01010101u;
        ref sbyte wBase = ref MemoryMarshal.GetReference<sbyte>(w.Weights);
        ref int dBase = ref MemoryMarshal.GetReference(dot);
        int r = 0;
        for (; r + 4 <= rows; r += 4)
        {
            var row0 = x.Slice(r * rowStride); var row1 = x.Slice((r + 1) * rowStride);
            var row2 = x.Slice((r + 2) * rowStride); var row3 = x.Slice((r + 3) * rowStride);
            for (int b = 0; b < w.Blocks; b++)
            {
                Vector128<int> a0 = default, b0 = default, a1 = default, b1 = default, a2 = default, b2 = default, a3 = default, b3 = default;
                ref sbyte wb = ref Unsafe.Add(ref wBase, b * w.Groups * 32);
                for (int g = 0; g < w.Groups; g++)
                {
                    var lo = Vector128.LoadUnsafe(ref wb, (nuint)(g * 32));
                    var hi = Vector128.LoadUnsafe(ref wb, (nuint)(g * 32 + 16));
                    var x0 = Group(row0, g, xor); var x1 = Group(row1, g, xor); var x2 = Group(row2, g, xor); var x3 = Group(row3, g, xor);
                    a0 = Dp.DotProduct(a0, lo, x0); b0 = Dp.DotProduct(b0, hi, x0);
                    a1 = Dp.DotProduct(a1, lo, x1); b1 = Dp.DotProduct(b1, hi, x1);
                    a2 = Dp.DotProduct(a2, lo, x2); b2 = Dp.DotProduct(b2, hi, x2);
                    a3 = Dp.DotProduct(a3, lo, x3); b3 = Dp.DotProduct(b3, hi, x3);
                }
                int at = r * width + b * PackedGemm.BlockChannels;
                a0.StoreUnsafe(ref dBase, (nuint)at); b0.StoreUnsafe(ref dBase, (nuint)(at + 4));
                a1.StoreUnsafe(ref dBase, (nuint)(at + width)); b1.StoreUnsafe(ref dBase, (nuint)(at + width + 4));
                a2.StoreUnsafe(ref dBase, (nuint)(at + 2 * width)); b2.StoreUnsafe(ref dBase, (nuint)(at + 2 * width + 4));
                a3.StoreUnsafe(ref dBase, (nuint)(at + 3 * width)); b3.StoreUnsafe(ref dBase, (nuint)(at + 3 * width + 4));
            }
        }
        for (; r < rows; r++)
        {
            var row = x.Slice(r * rowStride);
            for (int b = 0; b < w.Blocks; b++)
            {
                Vector128<int> a = default, c = default;
                ref sbyte wb = ref Unsafe.Add(ref wBase, b * w.Groups * 32);
                for (int g = 0; g < w.Groups; g++)
                {
                    var xg = Group(row, g, xor);
                    a = Dp.DotProduct(a, Vector128.LoadUnsafe(ref wb, (nuint)(g * 32)), xg);
                    c = Dp.DotProduct(c, Vector128.LoadUnsafe(ref wb, (nuint)(g * 32 + 16)), xg);
                }
                int at = r * width + b * PackedGemm.BlockChannels;
                a.StoreUnsafe(ref dBase, (nuint)at);
                c.StoreUnsafe(ref dBase, (nuint)(at + 4));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<sbyte> Group(ReadOnlySpan<byte> row, int group, uint xor) =>
        Vector128.Create(BinaryPrimitives.ReadUInt32LittleEndian(row.Slice(4 * group)) ^ xor).AsSByte();
}
#endif
