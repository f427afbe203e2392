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
    /// stage (<see cref="OutputStage512"/>). An odd last block pairs with itself and stores its eight lanes; the last
    /// rows (fewer than four) repeat the last of them and store only theirs.
    /// </summary>
    internal static bool TryDotFinishAvx512(ReadOnlySpan<byte> x, int rowStride, int rows, int firstRow, PackedGemm w, ReadOnlySpan<int> inputSums, VectorOutputStage s, QuantizedOutput output,
        int part = 0, int parts = 1, int partEnd = -1)
    {
        if (!KernelPaths.HasVnni || output.Type is not (ElementType.Int8 or ElementType.UInt8 or ElementType.Int16)) return false;
        if (rows <= 0) return true;
        if ((long)(rows - 1) * rowStride + w.Groups * 4 > x.Length) throw new ArgumentException("GEMM rows exceed the input.", nameof(x));
        if ((long)(firstRow + rows) * w.Outputs > output.Bytes.Length / output.Type.SizeInBytes()) throw new ArgumentException("GEMM rows exceed the output.", nameof(output));
        if (w.NeedsInputSums && inputSums.Length < rows) throw new ArgumentException("GEMM input sums are shorter than the rows.", nameof(inputSums));
        // Part `part` of `parts` computes its share of the pairs of output blocks (a fully connected layer split by outputs).
        var (pairBegin, pairEnd) = PartRange.Of((w.Blocks + 1) / 2, part, parts, partEnd);
        var geometry = new GemmRows(x, rowStride, rows, firstRow, inputSums, output, pairBegin, pairEnd);
        if (OutputStage512.IsPlain(s)) BlockPairs<OutputStage512.Plain>(geometry, w, s);
        else if (OutputStage512.IsGated(s)) BlockPairs<OutputStage512.Gate>(geometry, w, s);
        else if (s.SingleRounding) BlockPairs<OutputStage512.Single>(geometry, w, s);
        else BlockPairs<OutputStage512.Any>(geometry, w, s);
        return true;
    }

    /// <summary>The rows of one fused GEMM call as references and counts (a ref struct: no copies of spans or arrays into the kernel's frame).</summary>
    private readonly ref struct GemmRows
    {
        public readonly ref byte X;
        public readonly ref byte Output;
        public readonly ref int InputSums;
        public readonly int RowStride, Rows, FirstRow, PairBegin, PairEnd;
        public readonly bool Int16;

        public GemmRows(ReadOnlySpan<byte> x, int rowStride, int rows, int firstRow, ReadOnlySpan<int> inputSums, QuantizedOutput output, int pairBegin, int pairEnd)
        {
            PairBegin = pairBegin; PairEnd = pairEnd;
            X = ref MemoryMarshal.GetReference(x);
            Output = ref MemoryMarshal.GetReference(output.Bytes);
            InputSums = ref MemoryMarshal.GetReference(inputSums);
            RowStride = rowStride; Rows = rows; FirstRow = firstRow; Int16 = output.Type == ElementType.Int16;
        }
    }

    /// <summary>
    /// Every pair of blocks over all the rows, four rows per step: the pair's stage constants are built once. One call per
    /// GEMM chunk, so its set-up stays out of the row loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void BlockPairs<TStage>(in GemmRows g, PackedGemm w, VectorOutputStage s) where TStage : struct, OutputStage512.IBlock<TStage>
    {
        var xor = Vector256.Create((uint)(byte)(w.InputXor ^ 0x80) * 0x01010101u).AsByte();
        ref sbyte wBase = ref MemoryMarshal.GetArrayDataReference(w.Weights);
        ref int cBase = ref MemoryMarshal.GetArrayDataReference(w.VnniConstants);
        ref int fBase = ref MemoryMarshal.GetArrayDataReference(w.InputSumFactors);
        nint outputs = w.Outputs, stride = g.RowStride;
        int rows = g.Rows;
        for (int bp = g.PairBegin; bp < g.PairEnd && 2 * bp < w.Blocks; bp++)
        {
            int o = bp * 2 * PackedGemm.BlockChannels, lanes = Math.Min(16, w.Outputs - o);
            bool single = 2 * bp + 1 == w.Blocks;
            ref sbyte w0 = ref Unsafe.Add(ref wBase, 2 * bp * w.Groups * 32);
            // An odd last block has no second block of weights, constants or factors: it takes its own weights again
            // and zero constants for the upper lanes (which are computed and not stored).
            nint second = single ? 0 : w.Groups * 32;
            var constant = single ? Vector256.LoadUnsafe(ref cBase, (nuint)o).ToVector512() : Vector512.LoadUnsafe(ref cBase, (nuint)o);
            var factor = single ? Vector256.LoadUnsafe(ref fBase, (nuint)o).ToVector512() : Vector512.LoadUnsafe(ref fBase, (nuint)o);
            var stage = TStage.For(s, o);
            for (int r = 0; r < rows; r += RowsPerStep)
            {
                // The last rows of the call (fewer than four) read the last row again for the missing ones.
                int valid = Math.Min(RowsPerStep, rows - r);
                nint at = (g.FirstRow + r) * outputs + o;
                if (valid == 1)
                {
                    // A single row (a fully connected layer, a chunk's last row): its own chains, no repeated rows.
                    var sum = DotRowPair(ref Unsafe.Add(ref g.X, r * stride), ref w0, second, w.Groups, xor) + constant;
                    if (w.NeedsInputSums) sum += factor * Vector512.Create(Unsafe.Add(ref g.InputSums, r));
                    OutputStage512.StoreLanes(stage.Apply(sum), ref g.Output, at, lanes, g.Int16);
                    continue;
                }
                int i1 = valid > 1 ? 1 : 0, i2 = valid > 2 ? 2 : i1, i3 = valid > 3 ? 3 : i2;
                Dot4x2(ref Unsafe.Add(ref g.X, r * stride), i1 * stride, i2 * stride, i3 * stride, ref w0, second, w.Groups, xor, out var a0, out var a1, out var a2, out var a3);
                a0 += constant; a1 += constant; a2 += constant; a3 += constant;
                if (w.NeedsInputSums)
                {
                    a0 += factor * Vector512.Create(Unsafe.Add(ref g.InputSums, r));
                    a1 += factor * Vector512.Create(Unsafe.Add(ref g.InputSums, r + i1));
                    a2 += factor * Vector512.Create(Unsafe.Add(ref g.InputSums, r + i2));
                    a3 += factor * Vector512.Create(Unsafe.Add(ref g.InputSums, r + i3));
                }
                OutputStage512.StoreLanes(stage.Apply(a0), ref g.Output, at, lanes, g.Int16);
                if (valid > 1) OutputStage512.StoreLanes(stage.Apply(a1), ref g.Output, at + outputs, lanes, g.Int16);
                if (valid > 2) OutputStage512.StoreLanes(stage.Apply(a2), ref g.Output, at + 2 * outputs, lanes, g.Int16);
                if (valid > 3) OutputStage512.StoreLanes(stage.Apply(a3), ref g.Output, at + 3 * outputs, lanes, g.Int16);
            }
        }
    }

    /// <summary>
    /// One row's dot products with two weight blocks (<paramref name="second"/> bytes apart) in four independent chains
    /// per block (groups g mod 4), summed at the end and joined into one ZMM: a single row would otherwise wait on one
    /// VPDPBUSD after another.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector512<int> DotRowPair(ref byte x0, ref sbyte wb, nint second, int groups, Vector256<byte> xor)
    {
        ref sbyte wc = ref Unsafe.Add(ref wb, second);
        Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
        int g = 0;
        for (; g + 4 <= groups; g += 4)
        {
            var v0 = BroadcastGroup(ref x0, g, xor);
            a0 = AvxVnni.MultiplyWideningAndAdd(a0, v0, Vector256.LoadUnsafe(ref wb, (nuint)(g * 32)));
            b0 = AvxVnni.MultiplyWideningAndAdd(b0, v0, Vector256.LoadUnsafe(ref wc, (nuint)(g * 32)));
            var v1 = BroadcastGroup(ref x0, g + 1, xor);
            a1 = AvxVnni.MultiplyWideningAndAdd(a1, v1, Vector256.LoadUnsafe(ref wb, (nuint)((g + 1) * 32)));
            b1 = AvxVnni.MultiplyWideningAndAdd(b1, v1, Vector256.LoadUnsafe(ref wc, (nuint)((g + 1) * 32)));
            var v2 = BroadcastGroup(ref x0, g + 2, xor);
            a2 = AvxVnni.MultiplyWideningAndAdd(a2, v2, Vector256.LoadUnsafe(ref wb, (nuint)((g + 2) * 32)));
            b2 = AvxVnni.MultiplyWideningAndAdd(b2, v2, Vector256.LoadUnsafe(ref wc, (nuint)((g + 2) * 32)));
            var v3 = BroadcastGroup(ref x0, g + 3, xor);
            a3 = AvxVnni.MultiplyWideningAndAdd(a3, v3, Vector256.LoadUnsafe(ref wb, (nuint)((g + 3) * 32)));
            b3 = AvxVnni.MultiplyWideningAndAdd(b3, v3, Vector256.LoadUnsafe(ref wc, (nuint)((g + 3) * 32)));
        }
        for (; g < groups; g++)
        {
            var v = BroadcastGroup(ref x0, g, xor);
            a0 = AvxVnni.MultiplyWideningAndAdd(a0, v, Vector256.LoadUnsafe(ref wb, (nuint)(g * 32)));
            b0 = AvxVnni.MultiplyWideningAndAdd(b0, v, Vector256.LoadUnsafe(ref wc, (nuint)(g * 32)));
        }
        return OutputStage512.Join((a0 + a1) + (a2 + a3), (b0 + b1) + (b2 + b3));
    }

    /// <summary>
    /// Four rows' dot products (rows <paramref name="step1"/>, <paramref name="step2"/>, <paramref name="step3"/> bytes
    /// after the first) with two weight blocks (<paramref name="second"/> bytes apart: sixteen channels); each row's
    /// pair of eight-lane sums is returned as one ZMM. Its own method so the eight accumulators stay in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dot4x2(ref byte x0, nint step1, nint step2, nint step3, ref sbyte wb, nint second, int groups, Vector256<byte> xor,
        out Vector512<int> sum0, out Vector512<int> sum1, out Vector512<int> sum2, out Vector512<int> sum3)
    {
        ref byte x1 = ref Unsafe.Add(ref x0, step1);
        ref byte x2 = ref Unsafe.Add(ref x0, step2);
        ref byte x3 = ref Unsafe.Add(ref x0, step3);
        ref sbyte wc = ref Unsafe.Add(ref wb, second);
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
