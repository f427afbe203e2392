#if NET
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace Embedded.Runtime.Kernels;

public static partial class Conv2D
{
    /// <summary>
    /// NEON windows for <see cref="Direct16{TWindows}"/>: four neighbouring windows × eight output channels in sixteen
    /// int32 accumulators. A window pair (two int16 inputs) is duplicated to every 32-bit lane, so SMLAL/SMLAL2 against
    /// a row-weight vector (channel j's two weights in lanes 2j, 2j + 1) add both products of two channels; ADDP folds
    /// each channel's two lanes at the end. Each weight load serves four windows. The sums of up to 32 windows go to the
    /// scratch, and the NEON output stage runs over them afterwards, eight channels at a time.
    /// </summary>
    internal readonly struct NeonWindows : IWindowRuns
    {
        public static void Run(ref short start, nint pixelStep, int count, nint rowStep, int kH, PackedGemm16 w, VectorOutputStage stage, in QuantizedOutput output, int outBase, KernelScratch scratch)
        {
            if (OutputStageNeon.IsRightShiftOnly(stage)) Run<OutputStageNeon.RightShift>(ref start, pixelStep, count, rowStep, kH, w, stage, output, outBase, scratch);
            else if (OutputStageNeon.IsPlain(stage)) Run<OutputStageNeon.Lanes>(ref start, pixelStep, count, rowStep, kH, w, stage, output, outBase, scratch);
            else if (OutputStageNeon.IsHardSwish(stage)) Run<OutputStageNeon.Gate>(ref start, pixelStep, count, rowStep, kH, w, stage, output, outBase, scratch);
            else Run<OutputStageNeon.Any>(ref start, pixelStep, count, rowStep, kH, w, stage, output, outBase, scratch);
        }

        /// <summary>Windows per pass: their int32 sums (at most ChunkRows × the scratch width) stay in L1 for the output stage.</summary>
        private const int ChunkWindows = KernelScratch.ChunkRows;

        private static void Run<TStage>(ref short start, nint pixelStep, int count, nint rowStep, int kH, PackedGemm16 w, VectorOutputStage stage, in QuantizedOutput output, int outBase, KernelScratch scratch)
            where TStage : struct, OutputStageNeon.IBlock4<TStage>
        {
            ref short weights = ref MemoryMarshal.GetArrayDataReference(w.RowWeights);
            ref short tapWeights = ref MemoryMarshal.GetArrayDataReference(w.TapWeights);
            int groupShorts = kH * w.RowPairs * 32, outputs = w.Outputs, rowShorts = 2 * w.RowPairs, width = w.Blocks * PackedGemm16.BlockChannels;
            if (scratch.Dots.Length < ChunkWindows * width) throw new ArgumentException("Direct int16 convolution: the scratch is narrower than the weights.", nameof(scratch));
            ref int sums = ref MemoryMarshal.GetArrayDataReference(scratch.Dots);
            // Window rows of 8..16 shorts (the RGB 3×3 stem: 10) go tap by tap (SMLAL by element, no duplicated pairs).
            bool byTap = rowShorts is >= 8 and <= 16 && w.TapWeights.Length > 0;
            // An odd window row (the RGB stem: 9 = 3 taps × 3 channels) ends in a padding element with zero weights.
            bool lastIsPadding = w.Depth / kH < rowShorts;
            for (int first = 0; first < count; first += ChunkWindows)
            {
                int windows = Math.Min(ChunkWindows, count - first);
                ref short chunk = ref Unsafe.Add(ref start, first * pixelStep);
                // The sums of the chunk's windows into [window, width] int32: four windows × eight channels at a time.
                for (int o = 0; o < outputs; o += 8)
                {
                    // Eight channels: half (o / 8 % 2) of group o / 16, i.e. lanes 16·half .. 16·half + 15 of its 32-short pair rows.
                    ref short halfWeights = ref Unsafe.Add(ref weights, o / 16 * groupShorts + o % 16 * 2);
                    ref short blockTaps = ref Unsafe.Add(ref tapWeights, o / 8 * kH * rowShorts * 8);
                    for (int i = 0; i < windows; i += 4)
                    {
                        // The last windows of a run (fewer than four) read the last one again for the missing ones, whose
                        // sums land in rows of the chunk the stage below does not read.
                        int valid = Math.Min(4, windows - i);
                        nint step1 = valid > 1 ? pixelStep : 0, step2 = valid > 2 ? 2 * pixelStep : step1, step3 = valid > 3 ? 3 * pixelStep : step2;
                        ref int to = ref Unsafe.Add(ref sums, i * width + o);
                        if (byTap) SumTaps4(ref Unsafe.Add(ref chunk, i * pixelStep), step1, step2, step3, rowStep, kH, rowShorts, lastIsPadding, ref blockTaps, ref to, width);
                        else Sum4(ref Unsafe.Add(ref chunk, i * pixelStep), step1, step2, step3, rowStep, kH, w.RowPairs, ref halfWeights, ref to, width);
                    }
                }
                Stage<TStage>(ref sums, width, windows, w, stage, output, outBase + first * outputs);
            }
        }

        /// <summary>
        /// The output stage of <paramref name="windows"/> windows' sums, eight channels at a time so that a block's
        /// constants stay in registers over the windows; 8-bit outputs clamp after narrowing (<see cref="OutputStageNeon.Clamp8"/>).
        /// </summary>
        private static void Stage<TStage>(ref int sums, int width, int windows, PackedGemm16 w, VectorOutputStage stage, in QuantizedOutput output, int outBase)
            where TStage : struct, OutputStageNeon.IBlock4<TStage>
        {
            ref int constants = ref MemoryMarshal.GetArrayDataReference(w.RowConstants);
            int outputs = w.Outputs;
            bool bytes = output.Type is Model.ElementType.Int8 or Model.ElementType.UInt8;
            ref byte out0 = ref MemoryMarshal.GetReference(output.Bytes);
            for (int o = 0; o < outputs; o += 8)
            {
                var lower = TStage.For(stage, o);
                var upper = TStage.For(stage, o + 4);
                var cLower = Vector128.LoadUnsafe(ref constants, (nuint)o);
                var cUpper = Vector128.LoadUnsafe(ref constants, (nuint)(o + 4));
                int lanes = Math.Min(8, outputs - o);
                ref int at = ref Unsafe.Add(ref sums, o);
                if (bytes && lanes == 8)
                {
                    // Bounds: Direct16 checked the output holds every pixel's outputs.
                    var clamp = OutputStageNeon.Clamp8.For(stage, o);
                    ref byte target = ref Unsafe.Add(ref out0, outBase + o);
                    for (int i = 0; i < windows; i++, at = ref Unsafe.Add(ref at, width), target = ref Unsafe.Add(ref target, outputs))
                        Unsafe.WriteUnaligned(ref target, clamp.Bytes(lower.Scale(Vector128.LoadUnsafe(ref at) + cLower), upper.Scale(Vector128.LoadUnsafe(ref at, 4) + cUpper)));
                    continue;
                }
                for (int i = 0; i < windows; i++, at = ref Unsafe.Add(ref at, width))
                    OutputStageNeon.Store8(lower.Apply(Vector128.LoadUnsafe(ref at) + cLower), upper.Apply(Vector128.LoadUnsafe(ref at, 4) + cUpper), output, outBase + i * outputs + o, lanes);
            }
        }

        /// <summary>
        /// Σ window·W for four windows and eight channels, tap by tap: a window row of 8..16 shorts is two 8-short loads (the
        /// second ending at the row's end, so they overlap when the row is shorter than 16), and each tap's eight weights
        /// multiply one element of them (SMLAL/SMLAL2 by element) into channels 0–3 and 4–7 — no duplicated pairs and no
        /// pairwise folding.
        /// </summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void SumTaps4(ref short start, nint step1, nint step2, nint step3, nint rowStep, int kH, int rowShorts, bool lastIsPadding, ref short taps, ref int sums, int width)
        {
            Vector128<int> al = default, ah = default, bl = default, bh = default, cl = default, ch = default, dl = default, dh = default;
            int second = rowShorts - 8, skip = 16 - rowShorts;   // the second load's first element, and how many of it the first covered
            for (int ky = 0; ky < kH; ky++)
            {
                ref short row = ref Unsafe.Add(ref start, ky * rowStep);
                ref short wr = ref Unsafe.Add(ref taps, ky * rowShorts * 8);
                var xa = Vector128.LoadUnsafe(ref row); var xb = Vector128.LoadUnsafe(ref row, (nuint)step1);
                var xc = Vector128.LoadUnsafe(ref row, (nuint)step2); var xd = Vector128.LoadUnsafe(ref row, (nuint)step3);
                Tap(ref al, ref ah, ref bl, ref bh, ref cl, ref ch, ref dl, ref dh, Vector128.LoadUnsafe(ref wr), xa, xb, xc, xd, 0);
                Tap(ref al, ref ah, ref bl, ref bh, ref cl, ref ch, ref dl, ref dh, Vector128.LoadUnsafe(ref wr, 8), xa, xb, xc, xd, 1);
                Tap(ref al, ref ah, ref bl, ref bh, ref cl, ref ch, ref dl, ref dh, Vector128.LoadUnsafe(ref wr, 16), xa, xb, xc, xd, 2);
                Tap(ref al, ref ah, ref bl, ref bh, ref cl, ref ch, ref dl, ref dh, Vector128.LoadUnsafe(ref wr, 24), xa, xb, xc, xd, 3);
                Tap(ref al, ref ah, ref bl, ref bh, ref cl, ref ch, ref dl, ref dh, Vector128.LoadUnsafe(ref wr, 32), xa, xb, xc, xd, 4);
                Tap(ref al, ref ah, ref bl, ref bh, ref cl, ref ch, ref dl, ref dh, Vector128.LoadUnsafe(ref wr, 40), xa, xb, xc, xd, 5);
                Tap(ref al, ref ah, ref bl, ref bh, ref cl, ref ch, ref dl, ref dh, Vector128.LoadUnsafe(ref wr, 48), xa, xb, xc, xd, 6);
                Tap(ref al, ref ah, ref bl, ref bh, ref cl, ref ch, ref dl, ref dh, Vector128.LoadUnsafe(ref wr, 56), xa, xb, xc, xd, 7);
                if (second == 0) continue;
                xa = Vector128.LoadUnsafe(ref row, (nuint)second); xb = Vector128.LoadUnsafe(ref row, (nuint)(step1 + second));
                xc = Vector128.LoadUnsafe(ref row, (nuint)(step2 + second)); xd = Vector128.LoadUnsafe(ref row, (nuint)(step3 + second));
                // Element j of the second load is tap second + j; taps below 8 were done, so j runs from skip.
                ref short w8 = ref Unsafe.Add(ref wr, second * 8);
                if (skip <= 0) Tap(ref al, ref ah, ref bl, ref bh, ref cl, ref ch, ref dl, ref dh, Vector128.LoadUnsafe(ref w8), xa, xb, xc, xd, 0);
                if (skip <= 1) Tap(ref al, ref ah, ref bl, ref bh, ref cl, ref ch, ref dl, ref dh, Vector128.LoadUnsafe(ref w8, 8), xa, xb, xc, xd, 1);
                if (skip <= 2) Tap(ref al, ref ah, ref bl, ref bh, ref cl, ref ch, ref dl, ref dh, Vector128.LoadUnsafe(ref w8, 16), xa, xb, xc, xd, 2);
                if (skip <= 3) Tap(ref al, ref ah, ref bl, ref bh, ref cl, ref ch, ref dl, ref dh, Vector128.LoadUnsafe(ref w8, 24), xa, xb, xc, xd, 3);
                if (skip <= 4) Tap(ref al, ref ah, ref bl, ref bh, ref cl, ref ch, ref dl, ref dh, Vector128.LoadUnsafe(ref w8, 32), xa, xb, xc, xd, 4);
                if (skip <= 5) Tap(ref al, ref ah, ref bl, ref bh, ref cl, ref ch, ref dl, ref dh, Vector128.LoadUnsafe(ref w8, 40), xa, xb, xc, xd, 5);
                Tap(ref al, ref ah, ref bl, ref bh, ref cl, ref ch, ref dl, ref dh, Vector128.LoadUnsafe(ref w8, 48), xa, xb, xc, xd, 6);
                if (!lastIsPadding) Tap(ref al, ref ah, ref bl, ref bh, ref cl, ref ch, ref dl, ref dh, Vector128.LoadUnsafe(ref w8, 56), xa, xb, xc, xd, 7);
            }
            Store4(ref sums, width, al, ah, bl, bh, cl, ch, dl, dh);
        }

        /// <summary>Four windows' eight sums at rows 0..3 (<paramref name="width"/> int32 apart) of <paramref name="sums"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Store4(ref int sums, int width, Vector128<int> a0, Vector128<int> a1, Vector128<int> b0, Vector128<int> b1,
            Vector128<int> c0, Vector128<int> c1, Vector128<int> d0, Vector128<int> d1)
        {
            a0.StoreUnsafe(ref sums); a1.StoreUnsafe(ref sums, 4);
            ref int b = ref Unsafe.Add(ref sums, width); b0.StoreUnsafe(ref b); b1.StoreUnsafe(ref b, 4);
            ref int c = ref Unsafe.Add(ref b, width); c0.StoreUnsafe(ref c); c1.StoreUnsafe(ref c, 4);
            ref int d = ref Unsafe.Add(ref c, width); d0.StoreUnsafe(ref d); d1.StoreUnsafe(ref d, 4);
        }

        /// <summary>One tap of four windows: its eight weights times element <paramref name="index"/> of each window's row load.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Tap(ref Vector128<int> al, ref Vector128<int> ah, ref Vector128<int> bl, ref Vector128<int> bh, ref Vector128<int> cl, ref Vector128<int> ch,
            ref Vector128<int> dl, ref Vector128<int> dh, Vector128<short> w, Vector128<short> xa, Vector128<short> xb, Vector128<short> xc, Vector128<short> xd,
            [System.Diagnostics.CodeAnalysis.ConstantExpected(Min = 0, Max = 7)] byte index)
        {
            var lower = w.GetLower();
            al = AdvSimd.MultiplyBySelectedScalarWideningLowerAndAdd(al, lower, xa, index); ah = AdvSimd.MultiplyBySelectedScalarWideningUpperAndAdd(ah, w, xa, index);
            bl = AdvSimd.MultiplyBySelectedScalarWideningLowerAndAdd(bl, lower, xb, index); bh = AdvSimd.MultiplyBySelectedScalarWideningUpperAndAdd(bh, w, xb, index);
            cl = AdvSimd.MultiplyBySelectedScalarWideningLowerAndAdd(cl, lower, xc, index); ch = AdvSimd.MultiplyBySelectedScalarWideningUpperAndAdd(ch, w, xc, index);
            dl = AdvSimd.MultiplyBySelectedScalarWideningLowerAndAdd(dl, lower, xd, index); dh = AdvSimd.MultiplyBySelectedScalarWideningUpperAndAdd(dh, w, xd, index);
        }

        /// <summary>Σ window·W for four windows and eight channels (channels 0–3 and 4–7 of each), in registers.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void Sum4(ref short start, nint step1, nint step2, nint step3, nint rowStep, int kH, int rowPairs, ref short weights, ref int sums, int width)
        {
            Vector128<int> a00 = default, a01 = default, a02 = default, a03 = default, b00 = default, b01 = default, b02 = default, b03 = default;
            Vector128<int> c00 = default, c01 = default, c02 = default, c03 = default, d00 = default, d01 = default, d02 = default, d03 = default;
            for (int ky = 0; ky < kH; ky++)
            {
                ref int row0 = ref Unsafe.As<short, int>(ref Unsafe.Add(ref start, ky * rowStep));
                ref int row1 = ref Unsafe.As<short, int>(ref Unsafe.Add(ref start, ky * rowStep + step1));
                ref int row2 = ref Unsafe.As<short, int>(ref Unsafe.Add(ref start, ky * rowStep + step2));
                ref int row3 = ref Unsafe.As<short, int>(ref Unsafe.Add(ref start, ky * rowStep + step3));
                ref short wr = ref Unsafe.Add(ref weights, ky * rowPairs * 32);
                for (int q = 0; q < rowPairs; q++)
                {
                    var lo = Vector128.LoadUnsafe(ref wr, (nuint)(q * 32));       // channels 0–3, two weights each
                    var hi = Vector128.LoadUnsafe(ref wr, (nuint)(q * 32 + 8));   // channels 4–7
                    var p = Vector128.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.As<int, byte>(ref Unsafe.Add(ref row0, q)))).AsInt16();
                    a00 = AdvSimd.MultiplyWideningLowerAndAdd(a00, lo.GetLower(), p.GetLower()); a01 = AdvSimd.MultiplyWideningUpperAndAdd(a01, lo, p);
                    a02 = AdvSimd.MultiplyWideningLowerAndAdd(a02, hi.GetLower(), p.GetLower()); a03 = AdvSimd.MultiplyWideningUpperAndAdd(a03, hi, p);
                    p = Vector128.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.As<int, byte>(ref Unsafe.Add(ref row1, q)))).AsInt16();
                    b00 = AdvSimd.MultiplyWideningLowerAndAdd(b00, lo.GetLower(), p.GetLower()); b01 = AdvSimd.MultiplyWideningUpperAndAdd(b01, lo, p);
                    b02 = AdvSimd.MultiplyWideningLowerAndAdd(b02, hi.GetLower(), p.GetLower()); b03 = AdvSimd.MultiplyWideningUpperAndAdd(b03, hi, p);
                    p = Vector128.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.As<int, byte>(ref Unsafe.Add(ref row2, q)))).AsInt16();
                    c00 = AdvSimd.MultiplyWideningLowerAndAdd(c00, lo.GetLower(), p.GetLower()); c01 = AdvSimd.MultiplyWideningUpperAndAdd(c01, lo, p);
                    c02 = AdvSimd.MultiplyWideningLowerAndAdd(c02, hi.GetLower(), p.GetLower()); c03 = AdvSimd.MultiplyWideningUpperAndAdd(c03, hi, p);
                    p = Vector128.Create(Unsafe.ReadUnaligned<int>(ref Unsafe.As<int, byte>(ref Unsafe.Add(ref row3, q)))).AsInt16();
                    d00 = AdvSimd.MultiplyWideningLowerAndAdd(d00, lo.GetLower(), p.GetLower()); d01 = AdvSimd.MultiplyWideningUpperAndAdd(d01, lo, p);
                    d02 = AdvSimd.MultiplyWideningLowerAndAdd(d02, hi.GetLower(), p.GetLower()); d03 = AdvSimd.MultiplyWideningUpperAndAdd(d03, hi, p);
                }
            }
            Store4(ref sums, width, AdvSimd.Arm64.AddPairwise(a00, a01), AdvSimd.Arm64.AddPairwise(a02, a03), AdvSimd.Arm64.AddPairwise(b00, b01), AdvSimd.Arm64.AddPairwise(b02, b03),
                AdvSimd.Arm64.AddPairwise(c00, c01), AdvSimd.Arm64.AddPairwise(c02, c03), AdvSimd.Arm64.AddPairwise(d00, d01), AdvSimd.Arm64.AddPairwise(d02, d03));
        }
    }
}
#endif
