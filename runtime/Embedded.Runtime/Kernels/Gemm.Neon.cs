#if NET
using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace Embedded.Runtime.Kernels;

public static partial class Gemm
{
    /// <summary>Dot products on NEON without the dot product instruction (<see cref="TilesNeon"/>) into the scratch layout.</summary>
    internal static void DotNeon(ReadOnlySpan<byte> x, int rowStride, int rows, PackedGemm w, Span<int> dot)
    {
        var sink = new DotRows(dot, w.Blocks * PackedGemm.BlockChannels);
        TilesNeon(x, rowStride, rows, w, ref sink);
    }

    /// <summary>
    /// ARM NEON without the dot product (Cortex-A72/A53): a 4-row × 8-channel tile in sixteen int32 accumulators. A row's
    /// 16 input bytes (four K groups) are loaded once and each group's four bytes duplicated to all four 32-bit lanes
    /// (DUP by element), so SMULL/SMULL2 against a 16-byte half of a packed group row give two channels' four products
    /// each in int16 lanes; SMLAL/SMLAL2 add the next group's products to the same lanes (|x_s·w_s| ≤ 128·127, so two
    /// fit in int16 unless a weight is −128: <see cref="PackedGemm.HasMinus128"/> takes one group at a time), and SADALP
    /// folds adjacent int16 pairs into the int32 accumulators. ADDP of two accumulators gives four channels' sums at the
    /// end, exactly Σ x_s·w_s as on every path; the sink stores them or requantizes them in registers.
    /// </summary>
    internal static void TilesNeon<TSink>(ReadOnlySpan<byte> x, int rowStride, int rows, PackedGemm w, ref TSink sink)
        where TSink : IRowSink, allows ref struct
    {
        // A local copy: the JIT keeps its fields (a block's stage constants) in registers, not behind the reference.
        var s = sink;
        int groups = w.Groups;
        int quadEnd = w.HasMinus128 ? 0 : groups & ~3;   // 16-byte input loads; pairs of groups share int16 lanes
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
                // a<row><channel pair>: lanes [c 2j: k0+k1, k2+k3 | c 2j+1: k0+k1, k2+k3] summed over groups.
                Vector128<int> a00 = default, a01 = default, a02 = default, a03 = default, a10 = default, a11 = default, a12 = default, a13 = default;
                Vector128<int> a20 = default, a21 = default, a22 = default, a23 = default, a30 = default, a31 = default, a32 = default, a33 = default;
                ref sbyte wb = ref Unsafe.Add(ref wBase, b * groups * 32);
                int g = 0;
                for (; g < quadEnd; g += 4)
                {
                    ref sbyte wg = ref Unsafe.Add(ref wb, g * 32);
                    var lo0 = Vector128.LoadUnsafe(ref wg); var hi0 = Vector128.LoadUnsafe(ref wg, 16);
                    var lo1 = Vector128.LoadUnsafe(ref wg, 32); var hi1 = Vector128.LoadUnsafe(ref wg, 48);
                    var v0 = Vector128.LoadUnsafe(ref Unsafe.Add(ref x0, 4 * g)).AsSByte() ^ xor;
                    var v1 = Vector128.LoadUnsafe(ref Unsafe.Add(ref x1, 4 * g)).AsSByte() ^ xor;
                    var v2 = Vector128.LoadUnsafe(ref Unsafe.Add(ref x2, 4 * g)).AsSByte() ^ xor;
                    var v3 = Vector128.LoadUnsafe(ref Unsafe.Add(ref x3, 4 * g)).AsSByte() ^ xor;
                    var p = Lane(v0, 0); var q = Lane(v0, 1);
                    a00 = Lower2(a00, lo0, p, lo1, q); a01 = Upper2(a01, lo0, p, lo1, q); a02 = Lower2(a02, hi0, p, hi1, q); a03 = Upper2(a03, hi0, p, hi1, q);
                    p = Lane(v1, 0); q = Lane(v1, 1);
                    a10 = Lower2(a10, lo0, p, lo1, q); a11 = Upper2(a11, lo0, p, lo1, q); a12 = Lower2(a12, hi0, p, hi1, q); a13 = Upper2(a13, hi0, p, hi1, q);
                    p = Lane(v2, 0); q = Lane(v2, 1);
                    a20 = Lower2(a20, lo0, p, lo1, q); a21 = Upper2(a21, lo0, p, lo1, q); a22 = Lower2(a22, hi0, p, hi1, q); a23 = Upper2(a23, hi0, p, hi1, q);
                    p = Lane(v3, 0); q = Lane(v3, 1);
                    a30 = Lower2(a30, lo0, p, lo1, q); a31 = Upper2(a31, lo0, p, lo1, q); a32 = Lower2(a32, hi0, p, hi1, q); a33 = Upper2(a33, hi0, p, hi1, q);
                    lo0 = Vector128.LoadUnsafe(ref wg, 64); hi0 = Vector128.LoadUnsafe(ref wg, 80);
                    lo1 = Vector128.LoadUnsafe(ref wg, 96); hi1 = Vector128.LoadUnsafe(ref wg, 112);
                    p = Lane(v0, 2); q = Lane(v0, 3);
                    a00 = Lower2(a00, lo0, p, lo1, q); a01 = Upper2(a01, lo0, p, lo1, q); a02 = Lower2(a02, hi0, p, hi1, q); a03 = Upper2(a03, hi0, p, hi1, q);
                    p = Lane(v1, 2); q = Lane(v1, 3);
                    a10 = Lower2(a10, lo0, p, lo1, q); a11 = Upper2(a11, lo0, p, lo1, q); a12 = Lower2(a12, hi0, p, hi1, q); a13 = Upper2(a13, hi0, p, hi1, q);
                    p = Lane(v2, 2); q = Lane(v2, 3);
                    a20 = Lower2(a20, lo0, p, lo1, q); a21 = Upper2(a21, lo0, p, lo1, q); a22 = Lower2(a22, hi0, p, hi1, q); a23 = Upper2(a23, hi0, p, hi1, q);
                    p = Lane(v3, 2); q = Lane(v3, 3);
                    a30 = Lower2(a30, lo0, p, lo1, q); a31 = Upper2(a31, lo0, p, lo1, q); a32 = Lower2(a32, hi0, p, hi1, q); a33 = Upper2(a33, hi0, p, hi1, q);
                }
                for (; g < groups; g++)
                {
                    var lo = Vector128.LoadUnsafe(ref wb, (nuint)(g * 32));
                    var hi = Vector128.LoadUnsafe(ref wb, (nuint)(g * 32 + 16));
                    var p = Broadcast(ref x0, 4 * g, xor);
                    a00 = Lower1(a00, lo, p); a01 = Upper1(a01, lo, p); a02 = Lower1(a02, hi, p); a03 = Upper1(a03, hi, p);
                    p = Broadcast(ref x1, 4 * g, xor);
                    a10 = Lower1(a10, lo, p); a11 = Upper1(a11, lo, p); a12 = Lower1(a12, hi, p); a13 = Upper1(a13, hi, p);
                    p = Broadcast(ref x2, 4 * g, xor);
                    a20 = Lower1(a20, lo, p); a21 = Upper1(a21, lo, p); a22 = Lower1(a22, hi, p); a23 = Upper1(a23, hi, p);
                    p = Broadcast(ref x3, 4 * g, xor);
                    a30 = Lower1(a30, lo, p); a31 = Upper1(a31, lo, p); a32 = Lower1(a32, hi, p); a33 = Upper1(a33, hi, p);
                }
                s.Row(r, AdvSimd.Arm64.AddPairwise(a00, a01), AdvSimd.Arm64.AddPairwise(a02, a03));
                s.Row(r + 1, AdvSimd.Arm64.AddPairwise(a10, a11), AdvSimd.Arm64.AddPairwise(a12, a13));
                s.Row(r + 2, AdvSimd.Arm64.AddPairwise(a20, a21), AdvSimd.Arm64.AddPairwise(a22, a23));
                s.Row(r + 3, AdvSimd.Arm64.AddPairwise(a30, a31), AdvSimd.Arm64.AddPairwise(a32, a33));
            }
            for (int r = fullRows; r < rows; r++)
            {
                ref byte x0 = ref Unsafe.Add(ref xBase, r * rowStride);
                Vector128<int> a00 = default, a01 = default, a02 = default, a03 = default;
                ref sbyte wb = ref Unsafe.Add(ref wBase, b * groups * 32);
                int g = 0;
                for (; g < quadEnd; g += 4)
                {
                    // A single row (a fully connected layer): 16 input bytes per load, groups duplicated by element as in the tiles.
                    ref sbyte wg = ref Unsafe.Add(ref wb, g * 32);
                    var v0 = Vector128.LoadUnsafe(ref Unsafe.Add(ref x0, 4 * g)).AsSByte() ^ xor;
                    var lo0 = Vector128.LoadUnsafe(ref wg); var hi0 = Vector128.LoadUnsafe(ref wg, 16);
                    var lo1 = Vector128.LoadUnsafe(ref wg, 32); var hi1 = Vector128.LoadUnsafe(ref wg, 48);
                    var p = Lane(v0, 0); var q = Lane(v0, 1);
                    a00 = Lower2(a00, lo0, p, lo1, q); a01 = Upper2(a01, lo0, p, lo1, q); a02 = Lower2(a02, hi0, p, hi1, q); a03 = Upper2(a03, hi0, p, hi1, q);
                    lo0 = Vector128.LoadUnsafe(ref wg, 64); hi0 = Vector128.LoadUnsafe(ref wg, 80);
                    lo1 = Vector128.LoadUnsafe(ref wg, 96); hi1 = Vector128.LoadUnsafe(ref wg, 112);
                    p = Lane(v0, 2); q = Lane(v0, 3);
                    a00 = Lower2(a00, lo0, p, lo1, q); a01 = Upper2(a01, lo0, p, lo1, q); a02 = Lower2(a02, hi0, p, hi1, q); a03 = Upper2(a03, hi0, p, hi1, q);
                }
                for (; g < groups; g++)
                {
                    var lo = Vector128.LoadUnsafe(ref wb, (nuint)(g * 32));
                    var hi = Vector128.LoadUnsafe(ref wb, (nuint)(g * 32 + 16));
                    var p = Broadcast(ref x0, 4 * g, xor);
                    a00 = Lower1(a00, lo, p); a01 = Upper1(a01, lo, p); a02 = Lower1(a02, hi, p); a03 = Upper1(a03, hi, p);
                }
                s.Row(r, AdvSimd.Arm64.AddPairwise(a00, a01), AdvSimd.Arm64.AddPairwise(a02, a03));
            }
        }
        sink = s;
    }

    /// <summary>Group <paramref name="index"/> (four bytes) of a 16-byte input load in every 32-bit lane (DUP by element).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<sbyte> Lane(Vector128<sbyte> v, [ConstantExpected(Min = 0, Max = 3)] byte index) => AdvSimd.DuplicateSelectedScalarToVector128(v.AsInt32(), index).AsSByte();

    /// <summary>The four bytes of a group, as x_s, in every 32-bit lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<sbyte> Broadcast(ref byte row, int at, Vector128<sbyte> xor) =>
        Vector128.Create(Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref row, at))).AsSByte() ^ xor;

    /// <summary>SADALP(acc, SMLAL(SMULL(w0, x0), w1, x1)) on the lower eight bytes: channels 0–1 (or 4–5) of two groups.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Lower2(Vector128<int> acc, Vector128<sbyte> w0, Vector128<sbyte> x0, Vector128<sbyte> w1, Vector128<sbyte> x1) =>
        AdvSimd.AddPairwiseWideningAndAdd(acc, AdvSimd.MultiplyWideningLowerAndAdd(AdvSimd.MultiplyWideningLower(w0.GetLower(), x0.GetLower()), w1.GetLower(), x1.GetLower()));

    /// <summary>The same on the upper eight bytes (SMULL2/SMLAL2): channels 2–3 (or 6–7).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Upper2(Vector128<int> acc, Vector128<sbyte> w0, Vector128<sbyte> x0, Vector128<sbyte> w1, Vector128<sbyte> x1) =>
        AdvSimd.AddPairwiseWideningAndAdd(acc, AdvSimd.MultiplyWideningUpperAndAdd(AdvSimd.MultiplyWideningUpper(w0, x0), w1, x1));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Lower1(Vector128<int> acc, Vector128<sbyte> w, Vector128<sbyte> x) =>
        AdvSimd.AddPairwiseWideningAndAdd(acc, AdvSimd.MultiplyWideningLower(w.GetLower(), x.GetLower()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Upper1(Vector128<int> acc, Vector128<sbyte> w, Vector128<sbyte> x) =>
        AdvSimd.AddPairwiseWideningAndAdd(acc, AdvSimd.MultiplyWideningUpper(w, x));
}
#endif
