#if NET
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

public static partial class Gemm
{
    /// <summary>
    /// AVX-VNNI dot products finished in registers, for 8-bit outputs: block by block of eight channels (the block's
    /// weights and stage constants stay in L1 and registers), four rows accumulate together, then add the constants,
    /// requantize and store eight bytes per row — the int32 products never go through memory. The same arithmetic
    /// as <see cref="DotAvxVnni"/> followed by <see cref="Finish"/>. The AVX2 path (AVX-512 has <see cref="TryDotFinishAvx512"/>).
    /// </summary>
    internal static bool TryDotFinishAvxVnni(ReadOnlySpan<byte> x, int rowStride, int rows, int firstRow, PackedGemm w, ReadOnlySpan<int> inputSums, VectorOutputStage s, QuantizedOutput output, Span<int> values)
    {
        if (!KernelPaths.HasVnni || output.Type is not (ElementType.Int8 or ElementType.UInt8)) return false;
        if (rows > 0 && (long)(rows - 1) * rowStride + w.Groups * 4 > x.Length) throw new ArgumentException("GEMM rows exceed the input.", nameof(x));
        var xor = Vector256.Create((uint)(byte)(w.InputXor ^ 0x80) * 0x01010101u).AsByte();
        ref byte xBase = ref MemoryMarshal.GetReference(x);
        ref sbyte wBase = ref MemoryMarshal.GetArrayDataReference(w.Weights);
        ref int cBase = ref MemoryMarshal.GetArrayDataReference(w.VnniConstants);
        ref int fBase = ref MemoryMarshal.GetArrayDataReference(w.InputSumFactors);
        bool plain = s.Activation is not (FusedActivation.HardSigmoid or FusedActivation.HardSwish) && !s.Wide && !s.SingleRounding;
        for (int b = 0; b < w.Blocks; b++)
        {
            int o = b * PackedGemm.BlockChannels;
            int count = Math.Min(PackedGemm.BlockChannels, w.Outputs - o);
            ref sbyte wb = ref Unsafe.Add(ref wBase, b * w.Groups * 32);
            var constant = Vector256.LoadUnsafe(ref cBase, (nuint)o);
            var factor = Vector256.LoadUnsafe(ref fBase, (nuint)o);
            var stage = OutputStageX86.Lanes.Load(s, o);
            int r = 0;
            for (; r + RowsPerStep <= rows; r += RowsPerStep)
            {
                Vector256<int> a0 = constant, a1 = constant, a2 = constant, a3 = constant;
                Dot4(ref Unsafe.Add(ref xBase, r * rowStride), rowStride, ref wb, w.Groups, xor, ref a0, ref a1, ref a2, ref a3);
                if (w.NeedsInputSums)
                {
                    a0 += factor * Vector256.Create(inputSums[r]);
                    a1 += factor * Vector256.Create(inputSums[r + 1]);
                    a2 += factor * Vector256.Create(inputSums[r + 2]);
                    a3 += factor * Vector256.Create(inputSums[r + 3]);
                }
                int at = (firstRow + r) * w.Outputs + o;
                OutputStageX86.Store(plain ? stage.Apply(a0) : OutputStageX86.Apply8(a0, s, o, avx512: false), output, at, count, values);
                OutputStageX86.Store(plain ? stage.Apply(a1) : OutputStageX86.Apply8(a1, s, o, avx512: false), output, at + w.Outputs, count, values);
                OutputStageX86.Store(plain ? stage.Apply(a2) : OutputStageX86.Apply8(a2, s, o, avx512: false), output, at + 2 * w.Outputs, count, values);
                OutputStageX86.Store(plain ? stage.Apply(a3) : OutputStageX86.Apply8(a3, s, o, avx512: false), output, at + 3 * w.Outputs, count, values);
            }
            for (; r < rows; r++)
            {
                var a = constant + DotRow(ref Unsafe.Add(ref xBase, r * rowStride), ref wb, w.Groups, xor);
                if (w.NeedsInputSums) a += factor * Vector256.Create(inputSums[r]);
                OutputStageX86.Store(plain ? stage.Apply(a) : OutputStageX86.Apply8(a, s, o, avx512: false), output, (firstRow + r) * w.Outputs + o, count, values);
            }
        }
        return true;
    }

    /// <summary>
    /// Four rows' dot products with one weight block, added to a0..a3. Its own small method (not inlined) so the
    /// pointers, the XOR constant and the accumulators stay in registers: inside the large kernel the JIT reloaded two
    /// of them from the stack on every group.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Dot4(ref byte x0, int rowStride, ref sbyte wb, int groups, Vector256<byte> xor,
        ref Vector256<int> sum0, ref Vector256<int> sum1, ref Vector256<int> sum2, ref Vector256<int> sum3)
    {
        ref byte x1 = ref Unsafe.Add(ref x0, rowStride);
        ref byte x2 = ref Unsafe.Add(ref x1, rowStride);
        ref byte x3 = ref Unsafe.Add(ref x2, rowStride);
        Vector256<int> a0 = sum0, a1 = sum1, a2 = sum2, a3 = sum3;
        for (int g = 0; g < groups; g++)
        {
            var wv = Vector256.LoadUnsafe(ref wb, (nuint)(g * 32));
            a0 = AvxVnni.MultiplyWideningAndAdd(a0, BroadcastGroup(ref x0, g, xor), wv);
            a1 = AvxVnni.MultiplyWideningAndAdd(a1, BroadcastGroup(ref x1, g, xor), wv);
            a2 = AvxVnni.MultiplyWideningAndAdd(a2, BroadcastGroup(ref x2, g, xor), wv);
            a3 = AvxVnni.MultiplyWideningAndAdd(a3, BroadcastGroup(ref x3, g, xor), wv);
        }
        sum0 = a0; sum1 = a1; sum2 = a2; sum3 = a3;
    }

    /// <summary>
    /// One row's dot products with one weight block in four independent chains (groups g mod 4), summed at the end:
    /// a single row (the fully connected layers, a chunk's last rows) would otherwise wait on one VPDPBUSD after another.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static Vector256<int> DotRow(ref byte x0, ref sbyte wb, int groups, Vector256<byte> xor)
    {
        Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default;
        int g = 0;
        for (; g + 4 <= groups; g += 4)
        {
            a0 = AvxVnni.MultiplyWideningAndAdd(a0, BroadcastGroup(ref x0, g, xor), Vector256.LoadUnsafe(ref wb, (nuint)(g * 32)));
            a1 = AvxVnni.MultiplyWideningAndAdd(a1, BroadcastGroup(ref x0, g + 1, xor), Vector256.LoadUnsafe(ref wb, (nuint)((g + 1) * 32)));
            a2 = AvxVnni.MultiplyWideningAndAdd(a2, BroadcastGroup(ref x0, g + 2, xor), Vector256.LoadUnsafe(ref wb, (nuint)((g + 2) * 32)));
            a3 = AvxVnni.MultiplyWideningAndAdd(a3, BroadcastGroup(ref x0, g + 3, xor), Vector256.LoadUnsafe(ref wb, (nuint)((g + 3) * 32)));
        }
        for (; g < groups; g++)
            a0 = AvxVnni.MultiplyWideningAndAdd(a0, BroadcastGroup(ref x0, g, xor), Vector256.LoadUnsafe(ref wb, (nuint)(g * 32)));
        return (a0 + a1) + (a2 + a3);
    }

    /// <summary>Four input bytes of group <paramref name="group"/> in every lane, made unsigned (x_s + 128).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> BroadcastGroup(ref byte row, int group, Vector256<byte> xor) =>
        Vector256.Create(Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref row, 4 * group))).AsByte() ^ xor;
}
#endif
