#if NET
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

public static partial class Conv2D
{
    /// <summary>
    /// AVX-512 windows for <see cref="Direct16{TWindows}"/>: sixteen channels per ZMM register (VPMADDWD + VPADDD),
    /// four neighbouring windows at a time, the 16-lane output stage.
    /// </summary>
    internal readonly struct Avx512Windows : IWindowRuns
    {
        public static void Run(ref short start, nint pixelStep, int count, nint rowStep, int kH, PackedGemm16 w, VectorOutputStage stage, in QuantizedOutput output, int outBase, KernelScratch scratch)
        {
            ref short weights = ref MemoryMarshal.GetArrayDataReference(w.RowWeights);
            ref int constants = ref MemoryMarshal.GetArrayDataReference(w.RowConstants);
            int groupShorts = kH * w.RowPairs * 32;
            if (OutputStage512.IsGated(stage)) WindowRun<OutputStage512.Gate>(ref start, pixelStep, count, rowStep, kH, w, ref weights, ref constants, groupShorts, stage, output, outBase, ref scratch.Vectors);
            else if (OutputStage512.IsPlain(stage)) WindowRun<OutputStage512.Plain>(ref start, pixelStep, count, rowStep, kH, w, ref weights, ref constants, groupShorts, stage, output, outBase, ref scratch.Vectors);
            else WindowRun<OutputStage512.Any>(ref start, pixelStep, count, rowStep, kH, w, ref weights, ref constants, groupShorts, stage, output, outBase, ref scratch.Vectors);
        }
    }

    /// <summary>
    /// <see cref="WindowRun"/> for one stage form: group by group, the group's stage constants built once. An 8- or
    /// 16-bit output is stored straight to its bytes (the caller checked the output's length); any other type goes
    /// through <see cref="OutputStage512.Store"/>. One call per run keeps its set-up out of the pixel loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void WindowRun<TStage>(ref short start, nint pixelStep, int count, nint rowStep, int kH, PackedGemm16 w, ref short weights, ref int constants, int groupShorts,
        VectorOutputStage stage, in QuantizedOutput output, int outBase, ref Vector512<int> sums) where TStage : struct, OutputStage512.IBlock<TStage>
    {
        ref byte bytes = ref MemoryMarshal.GetReference(output.Bytes);
        bool int16 = output.Type == ElementType.Int16, direct = output.Type is ElementType.Int8 or ElementType.UInt8 or ElementType.Int16;
        nint outputs = w.Outputs;
        for (int g = 0; g < w.RowGroups; g++)
        {
            int o = g * 16, lanes = Math.Min(16, w.Outputs - o);
            var block = TStage.For(stage, o);
            ref short groupWeights = ref Unsafe.Add(ref weights, g * groupShorts);
            for (int i = 0; i < count; i += 4)
            {
                // The last windows of a run (fewer than four) read the last one again for the missing ones.
                int valid = Math.Min(4, count - i);
                nint step1 = valid > 1 ? pixelStep : 0, step2 = valid > 2 ? 2 * pixelStep : step1, step3 = valid > 3 ? 3 * pixelStep : step2;
                DotWindow16x4(ref Unsafe.Add(ref start, i * pixelStep), step1, step2, step3, rowStep, kH, w.RowPairs, ref groupWeights, ref Unsafe.Add(ref constants, o), ref sums);
                Vector512<int> a = sums, b = Unsafe.Add(ref sums, 1), c = Unsafe.Add(ref sums, 2), d = Unsafe.Add(ref sums, 3);
                nint at = outBase + i * outputs + o;
                if (direct)
                {
                    OutputStage512.StoreLanes(block.Apply(a), ref bytes, at, lanes, int16);
                    if (valid > 1) OutputStage512.StoreLanes(block.Apply(b), ref bytes, at + outputs, lanes, int16);
                    if (valid > 2) OutputStage512.StoreLanes(block.Apply(c), ref bytes, at + 2 * outputs, lanes, int16);
                    if (valid > 3) OutputStage512.StoreLanes(block.Apply(d), ref bytes, at + 3 * outputs, lanes, int16);
                }
                else
                {
                    OutputStage512.Store(block.Apply(a), output, (int)at, lanes);
                    if (valid > 1) OutputStage512.Store(block.Apply(b), output, (int)(at + outputs), lanes);
                    if (valid > 2) OutputStage512.Store(block.Apply(c), output, (int)(at + 2 * outputs), lanes);
                    if (valid > 3) OutputStage512.Store(block.Apply(d), output, (int)(at + 3 * outputs), lanes);
                }
            }
        }
    }

    /// <summary>
    /// constant + Σ window·W for four windows (the first at <paramref name="start"/>, the others <paramref name="step1"/>,
    /// <paramref name="step2"/>, <paramref name="step3"/> shorts further; equal steps repeat a window) over kH rows of
    /// <paramref name="rowPairs"/> int16 pairs (rows <paramref name="rowStep"/> shorts apart): VPMADDWD on ZMM, sixteen
    /// channels per register, each weight load shared by the four windows. Its own method so the accumulators stay in
    /// registers; they come back in <paramref name="sums"/> (four aligned slots of <see cref="KernelScratch.Vectors"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void DotWindow16x4(ref short start, nint step1, nint step2, nint step3, nint rowStep, int kH, int rowPairs, ref short weights, ref int constants,
        ref Vector512<int> sums)
    {
        var constant = Vector512.LoadUnsafe(ref constants);
        Vector512<int> a = constant, b = constant, c = constant, d = constant;
        for (int ky = 0; ky < kH; ky++)
        {
            ref byte row = ref Unsafe.As<short, byte>(ref Unsafe.Add(ref start, ky * rowStep));
            ref byte row1 = ref Unsafe.Add(ref row, 2 * step1);
            ref byte row2 = ref Unsafe.Add(ref row, 2 * step2);
            ref byte row3 = ref Unsafe.Add(ref row, 2 * step3);
            ref short wr = ref Unsafe.Add(ref weights, ky * rowPairs * 32);
            for (int q = 0; q < rowPairs; q++)
            {
                var wv = Vector512.LoadUnsafe(ref wr, (nuint)(q * 32));
                a += Avx512BW.MultiplyAddAdjacent(Vector512.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref row, 4 * q))).AsInt16(), wv);
                b += Avx512BW.MultiplyAddAdjacent(Vector512.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref row1, 4 * q))).AsInt16(), wv);
                c += Avx512BW.MultiplyAddAdjacent(Vector512.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref row2, 4 * q))).AsInt16(), wv);
                d += Avx512BW.MultiplyAddAdjacent(Vector512.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref row3, 4 * q))).AsInt16(), wv);
            }
        }
        sums = a; Unsafe.Add(ref sums, 1) = b; Unsafe.Add(ref sums, 2) = c; Unsafe.Add(ref sums, 3) = d;
    }

}
#endif
