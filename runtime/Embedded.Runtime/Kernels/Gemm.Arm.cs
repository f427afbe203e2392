#if NET
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace Embedded.Runtime.Kernels;

public static partial class Gemm
{
    /// <summary>Dot products with SDOT (<see cref="TilesDot"/>) into the scratch layout.</summary>
    internal static void DotArmDp(ReadOnlySpan<byte> x, int rowStride, int rows, PackedGemm w, Span<int> dot)
    {
        var sink = new DotRows(dot, w.Blocks * PackedGemm.BlockChannels);
        TilesDot(x, rowStride, rows, w, ref sink);
    }

    /// <summary>
    /// ARMv8.2 dot product (SDOT, Cortex-A76/A55: Raspberry Pi 5): each 16-byte half of a packed group row is four
    /// channels × four signed weights, so one SDOT by element against group i of a row's 16 input bytes (x_s) adds four
    /// channels' 4-term dot products into int32 lanes — exactly Σ x_s·w_s. A 4-row × 8-channel tile: four 16-byte input
    /// loads and eight weight loads feed 32 SDOTs per four groups; the last groups (fewer than four) broadcast their four
    /// bytes. Runs only where <see cref="Dp.IsSupported"/>.
    /// </summary>
    internal static void TilesDot<TSink>(ReadOnlySpan<byte> x, int rowStride, int rows, PackedGemm w, ref TSink sink)
        where TSink : IRowSink, allows ref struct
    {
        // A local copy: the JIT keeps its fields (a block's stage constants) in registers, not behind the reference.
        var s = sink;
        int groups = w.Groups, quadEnd = groups & ~3;
        var xor = Vector128.Create(w.InputXor).AsSByte();
        ref sbyte wBase = ref MemoryMarshal.GetReference<sbyte>(w.Weights);
        ref byte xBase = ref MemoryMarshal.GetReference(x);
        if (rows > 0 && (long)(rows - 1) * rowStride + groups * 4 > x.Length) throw new ArgumentException("GEMM rows are shorter than the packed depth.", nameof(x));
        // Blocks outer, rows inner: a block's stage constants are set up once for all the rows of the call (up to 128
        // pixels of an in-place 1×1 convolution, whose rows stay in L1 while the blocks pass over them).
        int fullRows = rows & ~3;
        for (int b = 0; b < w.Blocks; b++)
        {
            s.Block(b);
            for (int r = 0; r < fullRows; r += 4)
            {
                ref byte x0 = ref Unsafe.Add(ref xBase, r * rowStride);
                ref byte x1 = ref Unsafe.Add(ref x0, rowStride);
                ref byte x2 = ref Unsafe.Add(ref x1, rowStride);
                ref byte x3 = ref Unsafe.Add(ref x2, rowStride);
                Vector128<int> a0 = default, b0 = default, a1 = default, b1 = default, a2 = default, b2 = default, a3 = default, b3 = default;
                ref sbyte wb = ref Unsafe.Add(ref wBase, b * groups * 32);
                int g = 0;
                for (; g < quadEnd; g += 4)
                {
                    ref sbyte wg = ref Unsafe.Add(ref wb, g * 32);
                    var v0 = Vector128.LoadUnsafe(ref Unsafe.Add(ref x0, 4 * g)).AsSByte() ^ xor;
                    var v1 = Vector128.LoadUnsafe(ref Unsafe.Add(ref x1, 4 * g)).AsSByte() ^ xor;
                    var v2 = Vector128.LoadUnsafe(ref Unsafe.Add(ref x2, 4 * g)).AsSByte() ^ xor;
                    var v3 = Vector128.LoadUnsafe(ref Unsafe.Add(ref x3, 4 * g)).AsSByte() ^ xor;
                    var lo = Vector128.LoadUnsafe(ref wg); var hi = Vector128.LoadUnsafe(ref wg, 16);
                    a0 = Dp.DotProductBySelectedQuadruplet(a0, lo, v0, 0); b0 = Dp.DotProductBySelectedQuadruplet(b0, hi, v0, 0);
                    a1 = Dp.DotProductBySelectedQuadruplet(a1, lo, v1, 0); b1 = Dp.DotProductBySelectedQuadruplet(b1, hi, v1, 0);
                    a2 = Dp.DotProductBySelectedQuadruplet(a2, lo, v2, 0); b2 = Dp.DotProductBySelectedQuadruplet(b2, hi, v2, 0);
                    a3 = Dp.DotProductBySelectedQuadruplet(a3, lo, v3, 0); b3 = Dp.DotProductBySelectedQuadruplet(b3, hi, v3, 0);
                    lo = Vector128.LoadUnsafe(ref wg, 32); hi = Vector128.LoadUnsafe(ref wg, 48);
                    a0 = Dp.DotProductBySelectedQuadruplet(a0, lo, v0, 1); b0 = Dp.DotProductBySelectedQuadruplet(b0, hi, v0, 1);
                    a1 = Dp.DotProductBySelectedQuadruplet(a1, lo, v1, 1); b1 = Dp.DotProductBySelectedQuadruplet(b1, hi, v1, 1);
                    a2 = Dp.DotProductBySelectedQuadruplet(a2, lo, v2, 1); b2 = Dp.DotProductBySelectedQuadruplet(b2, hi, v2, 1);
                    a3 = Dp.DotProductBySelectedQuadruplet(a3, lo, v3, 1); b3 = Dp.DotProductBySelectedQuadruplet(b3, hi, v3, 1);
                    lo = Vector128.LoadUnsafe(ref wg, 64); hi = Vector128.LoadUnsafe(ref wg, 80);
                    a0 = Dp.DotProductBySelectedQuadruplet(a0, lo, v0, 2); b0 = Dp.DotProductBySelectedQuadruplet(b0, hi, v0, 2);
                    a1 = Dp.DotProductBySelectedQuadruplet(a1, lo, v1, 2); b1 = Dp.DotProductBySelectedQuadruplet(b1, hi, v1, 2);
                    a2 = Dp.DotProductBySelectedQuadruplet(a2, lo, v2, 2); b2 = Dp.DotProductBySelectedQuadruplet(b2, hi, v2, 2);
                    a3 = Dp.DotProductBySelectedQuadruplet(a3, lo, v3, 2); b3 = Dp.DotProductBySelectedQuadruplet(b3, hi, v3, 2);
                    lo = Vector128.LoadUnsafe(ref wg, 96); hi = Vector128.LoadUnsafe(ref wg, 112);
                    a0 = Dp.DotProductBySelectedQuadruplet(a0, lo, v0, 3); b0 = Dp.DotProductBySelectedQuadruplet(b0, hi, v0, 3);
                    a1 = Dp.DotProductBySelectedQuadruplet(a1, lo, v1, 3); b1 = Dp.DotProductBySelectedQuadruplet(b1, hi, v1, 3);
                    a2 = Dp.DotProductBySelectedQuadruplet(a2, lo, v2, 3); b2 = Dp.DotProductBySelectedQuadruplet(b2, hi, v2, 3);
                    a3 = Dp.DotProductBySelectedQuadruplet(a3, lo, v3, 3); b3 = Dp.DotProductBySelectedQuadruplet(b3, hi, v3, 3);
                }
                for (; g < groups; g++)
                {
                    var lo = Vector128.LoadUnsafe(ref wb, (nuint)(g * 32));
                    var hi = Vector128.LoadUnsafe(ref wb, (nuint)(g * 32 + 16));
                    var p = Broadcast(ref x0, 4 * g, xor); a0 = Dp.DotProduct(a0, lo, p); b0 = Dp.DotProduct(b0, hi, p);
                    p = Broadcast(ref x1, 4 * g, xor); a1 = Dp.DotProduct(a1, lo, p); b1 = Dp.DotProduct(b1, hi, p);
                    p = Broadcast(ref x2, 4 * g, xor); a2 = Dp.DotProduct(a2, lo, p); b2 = Dp.DotProduct(b2, hi, p);
                    p = Broadcast(ref x3, 4 * g, xor); a3 = Dp.DotProduct(a3, lo, p); b3 = Dp.DotProduct(b3, hi, p);
                }
                s.Row(r, a0, b0); s.Row(r + 1, a1, b1); s.Row(r + 2, a2, b2); s.Row(r + 3, a3, b3);
            }
            for (int r = fullRows; r < rows; r++)
            {
                ref byte x0 = ref Unsafe.Add(ref xBase, r * rowStride);
                Vector128<int> a0 = default, b0 = default;
                ref sbyte wb = ref Unsafe.Add(ref wBase, b * groups * 32);
                int g = 0;
                for (; g < quadEnd; g += 4)
                {
                    // A single row (a fully connected layer): 16 input bytes per load, SDOT by element as in the tiles.
                    ref sbyte wg = ref Unsafe.Add(ref wb, g * 32);
                    var v0 = Vector128.LoadUnsafe(ref Unsafe.Add(ref x0, 4 * g)).AsSByte() ^ xor;
                    a0 = Dp.DotProductBySelectedQuadruplet(a0, Vector128.LoadUnsafe(ref wg), v0, 0);
                    b0 = Dp.DotProductBySelectedQuadruplet(b0, Vector128.LoadUnsafe(ref wg, 16), v0, 0);
                    a0 = Dp.DotProductBySelectedQuadruplet(a0, Vector128.LoadUnsafe(ref wg, 32), v0, 1);
                    b0 = Dp.DotProductBySelectedQuadruplet(b0, Vector128.LoadUnsafe(ref wg, 48), v0, 1);
                    a0 = Dp.DotProductBySelectedQuadruplet(a0, Vector128.LoadUnsafe(ref wg, 64), v0, 2);
                    b0 = Dp.DotProductBySelectedQuadruplet(b0, Vector128.LoadUnsafe(ref wg, 80), v0, 2);
                    a0 = Dp.DotProductBySelectedQuadruplet(a0, Vector128.LoadUnsafe(ref wg, 96), v0, 3);
                    b0 = Dp.DotProductBySelectedQuadruplet(b0, Vector128.LoadUnsafe(ref wg, 112), v0, 3);
                }
                for (; g < groups; g++)
                {
                    var p = Broadcast(ref x0, 4 * g, xor);
                    a0 = Dp.DotProduct(a0, Vector128.LoadUnsafe(ref wb, (nuint)(g * 32)), p);
                    b0 = Dp.DotProduct(b0, Vector128.LoadUnsafe(ref wb, (nuint)(g * 32 + 16)), p);
                }
                s.Row(r, a0, b0);
            }
        }
        sink = s;
    }
}
#endif
