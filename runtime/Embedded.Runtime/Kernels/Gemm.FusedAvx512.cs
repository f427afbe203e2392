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
    /// The AVX-512 form of <see cref="TryDotFinishAvxVnni"/>: two blocks of eight channels and four rows per pass (eight
    /// VPDPBUSD per weight pair and four broadcasts), the two blocks joined into one ZMM per row for the 16-lane output
    /// stage (<see cref="OutputStage512"/>). An odd last block and the last rows (fewer than four) take the AVX-VNNI form.
    /// </summary>
    internal static bool TryDotFinishAvx512(ReadOnlySpan<byte> x, int rowStride, int rows, int firstRow, PackedGemm w, ReadOnlySpan<int> inputSums, VectorOutputStage s, QuantizedOutput output, Span<int> values)
    {
        if (!KernelPaths.HasVnni || output.Type is not (ElementType.Int8 or ElementType.UInt8)) return false;
        if (rows > 0 && (long)(rows - 1) * rowStride + w.Groups * 4 > x.Length) throw new ArgumentException("GEMM rows exceed the input.", nameof(x));
        if ((long)(firstRow + rows) * w.Outputs > output.Bytes.Length) throw new ArgumentException("GEMM rows exceed the output.", nameof(output));
        var xor = Vector256.Create((uint)(byte)(w.InputXor ^ 0x80) * 0x01010101u).AsByte();
        ref byte xBase = ref MemoryMarshal.GetReference(x);
        ref sbyte wBase = ref MemoryMarshal.GetArrayDataReference(w.Weights);
        ref int cBase = ref MemoryMarshal.GetArrayDataReference(w.VnniConstants);
        ref int fBase = ref MemoryMarshal.GetArrayDataReference(w.InputSumFactors);
        int pairs = w.Blocks / 2, fullRows = rows / RowsPerStep * RowsPerStep;
        for (int bp = 0; bp < pairs; bp++)
        {
            int o = bp * 2 * PackedGemm.BlockChannels;
            int count = Math.Min(16, w.Outputs - o);
            ref sbyte w0 = ref Unsafe.Add(ref wBase, 2 * bp * w.Groups * 32);
            var constant = Vector512.LoadUnsafe(ref cBase, (nuint)o);
            var factor = Vector512.LoadUnsafe(ref fBase, (nuint)o);
            if (OutputStage512.IsPlain(s))
                BlockRows(ref xBase, rowStride, fullRows, firstRow, ref w0, w, inputSums, constant, factor, OutputStage512.Plain.For(s, o), output, o, count, xor);
            else if (OutputStage512.IsGated(s))
                BlockRows(ref xBase, rowStride, fullRows, firstRow, ref w0, w, inputSums, constant, factor, OutputStage512.Gate.For(s, o), output, o, count, xor);
            else
                BlockRows(ref xBase, rowStride, fullRows, firstRow, ref w0, w, inputSums, constant, factor, new OutputStage512.Any(s, o), output, o, count, xor);
        }
        // What is left (an odd last block; rows past the last group of four) through the eight-lane form.
        if (fullRows < rows)
            TryDotFinishAvxVnni(x.Slice(fullRows * rowStride), rowStride, rows - fullRows, firstRow + fullRows, w, inputSums.Slice(fullRows), s, output, values, avx512: true);
        if (w.Blocks % 2 == 1 && fullRows > 0)
            TryDotFinishAvxVnni(x, rowStride, fullRows, firstRow, w, inputSums, s, output, values, avx512: true, firstBlock: w.Blocks - 1);
        return true;
    }

    /// <summary>
    /// The rows of one block pair, the stage's sixteen lanes of constants loaded once (<typeparamref name="TStage"/>:
    /// plain or gated) and kept in registers or on the stack across the rows; one call per block pair, so the set-up is
    /// out of the row loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void BlockRows<TStage>(ref byte xBase, int rowStride, int fullRows, int firstRow, ref sbyte w0, PackedGemm w, ReadOnlySpan<int> inputSums,
        Vector512<int> constant, Vector512<int> factor, TStage stage, QuantizedOutput output, int o, int count, Vector256<byte> xor) where TStage : struct, OutputStage512.IBlock<TStage>
    {
        for (int r = 0; r < fullRows; r += RowsPerStep)
        {
            Dot4x2(ref Unsafe.Add(ref xBase, r * rowStride), rowStride, ref w0, w.Groups, xor, out var a0, out var a1, out var a2, out var a3);
            a0 += constant; a1 += constant; a2 += constant; a3 += constant;
            if (w.NeedsInputSums)
            {
                a0 += factor * Vector512.Create(inputSums[r]);
                a1 += factor * Vector512.Create(inputSums[r + 1]);
                a2 += factor * Vector512.Create(inputSums[r + 2]);
                a3 += factor * Vector512.Create(inputSums[r + 3]);
            }
            int at = (firstRow + r) * w.Outputs + o;
            OutputStage512.Store(stage.Apply(a0), output, at, count);
            OutputStage512.Store(stage.Apply(a1), output, at + w.Outputs, count);
            OutputStage512.Store(stage.Apply(a2), output, at + 2 * w.Outputs, count);
            OutputStage512.Store(stage.Apply(a3), output, at + 3 * w.Outputs, count);
        }
    }

    /// <summary>
    /// Four rows' dot products with two consecutive weight blocks (sixteen channels); each row's pair of eight-lane
    /// sums is returned as one ZMM. Its own method so the eight accumulators stay in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Dot4x2(ref byte x0, int rowStride, ref sbyte wb, int groups, Vector256<byte> xor,
        out Vector512<int> sum0, out Vector512<int> sum1, out Vector512<int> sum2, out Vector512<int> sum3)
    {
        ref byte x1 = ref Unsafe.Add(ref x0, rowStride);
        ref byte x2 = ref Unsafe.Add(ref x1, rowStride);
        ref byte x3 = ref Unsafe.Add(ref x2, rowStride);
        ref sbyte wc = ref Unsafe.Add(ref wb, groups * 32);
        Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
        for (int g = 0; g < groups; g++)
        {
            var wv = Vector256.LoadUnsafe(ref wb, (nuint)(g * 32));
            var wu = Vector256.LoadUnsafe(ref wc, (nuint)(g * 32));
            var v0 = BroadcastGroup(ref x0, g, xor);
            a0 = AvxVnni.MultiplyWideningAndAdd(a0, v0, wv);
            b0 = AvxVnni.MultiplyWideningAndAdd(b0, v0, wu);
            var v1 = BroadcastGroup(ref x1, g, xor);
            a1 = AvxVnni.MultiplyWideningAndAdd(a1, v1, wv);
            b1 = AvxVnni.MultiplyWideningAndAdd(b1, v1, wu);
            var v2 = BroadcastGroup(ref x2, g, xor);
            a2 = AvxVnni.MultiplyWideningAndAdd(a2, v2, wv);
            b2 = AvxVnni.MultiplyWideningAndAdd(b2, v2, wu);
            var v3 = BroadcastGroup(ref x3, g, xor);
            a3 = AvxVnni.MultiplyWideningAndAdd(a3, v3, wv);
            b3 = AvxVnni.MultiplyWideningAndAdd(b3, v3, wu);
        }
        sum0 = OutputStage512.Join(a0, b0); sum1 = OutputStage512.Join(a1, b1);
        sum2 = OutputStage512.Join(a2, b2); sum3 = OutputStage512.Join(a3, b3);
    }
}
#endif
