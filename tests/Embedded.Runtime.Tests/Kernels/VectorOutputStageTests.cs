using System;
using System.Collections.Generic;
using Embedded.Runtime.Kernels;
using Embedded.Runtime.Model;
using Embedded.Runtime.Quantization;
using Embedded.Runtime.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Runtime.Tests.Kernels;

/// <summary>
/// The vector output stages (8 lanes AVX2, 8 lanes with AVX-512 64-bit steps, 16 lanes AVX-512 per call and in the
/// kernels' block forms <see cref="OutputStage512.Plain"/> / <see cref="OutputStage512.Gate"/>) against the scalar
/// <see cref="OutputStageMath.Apply"/> on many accumulators: extremes, values around every gate transition and
/// random ones, for every activation, narrow and wide (int16-input) stages, per-tensor and per-channel.
/// </summary>
[TestClass]
public sealed class VectorOutputStageTests
{
    [TestMethod]
    public void EveryVectorStage_EqualsScalarStage()
    {
#if NET
        if (!KernelPaths.IsSupported(KernelPath.Avx2)) Assert.Inconclusive("no AVX2 on this CPU: the x86 stages cannot run");
        var r = new Random(71);
        int cases = 0, singles = 0;
        for (int i = 0; i < 400; i++)
        {
            int channels = r.Next(1, 40);
            var outType = new[] { ElementType.Int8, ElementType.UInt8, ElementType.Int16 }[r.Next(3)];
            var activation = (FusedActivation)r.Next(Enum.GetValues(typeof(FusedActivation)).Length);
            bool wide = r.Next(3) == 0;
            int[] zeroPoints = TestKit.RandomZeroPoints(r, channels, outType);
            // Single rounding (TFLite's newer requantization) too: the x86 stages compute it as a 64-bit product.
            var rounding = r.Next(4) == 0 ? RoundingMode.SingleRounding : RoundingMode.DoubleRounding;
            var stage = TestKit.RandomStage(r, channels, outType, zeroPoints, activation, rounding, r.Next(100, 200_000), perChannel: r.Next(3) != 0);
            var vector = rounding == RoundingMode.SingleRounding ? (wide ? null : VectorOutputStage.TryCreateSingleRounding(stage, channels, zeroPoints))
                : VectorOutputStage.TryCreate(stage, channels, zeroPoints, wide);
            if (vector is null) continue;
            if (vector.SingleRounding) singles++;
            var accumulators = Accumulators(r, stage, channels);
            int padded = (channels + 15) / 16 * 16;
            var acc = new int[padded];
            foreach (int[] sample in accumulators)
            {
                Array.Copy(sample, acc, channels);
                var expected = new int[channels];
                for (int c = 0; c < channels; c++) expected[c] = OutputStageMath.Apply(stage, c, acc[c], wide, zeroPoints[c]);
                for (int c = 0; c < channels; c += 8)
                    foreach (bool avx512 in KernelPaths.IsSupported(KernelPath.Avx512) ? new[] { false, true } : new[] { false })
                    {
                        var got = OutputStageX86.Apply8(System.Runtime.Intrinsics.Vector256.Create((ReadOnlySpan<int>)acc.AsSpan(c, 8)), vector, c, avx512);
                        for (int j = 0; j < 8 && c + j < channels; j++)
                            Assert.AreEqual(expected[c + j], got[j], $"case {i} Apply8 avx512={avx512} {activation} wide={wide} channel {c + j} acc {acc[c + j]}");
                    }
                if (KernelPaths.IsSupported(KernelPath.Avx512))
                    for (int c = 0; c < channels; c += 16)
                    {
                        var lanes = System.Runtime.Intrinsics.Vector512.Create((ReadOnlySpan<int>)acc.AsSpan(c, 16));
                        var got = OutputStage512.Apply16(lanes, vector, c);
                        // The kernels' block forms (constants loaded once) must give the same lanes.
                        var block = OutputStage512.IsPlain(vector) ? OutputStage512.Plain.For(vector, c).Apply(lanes)
                            : OutputStage512.IsGated(vector) ? OutputStage512.Gate.For(vector, c).Apply(lanes)
                            : vector.SingleRounding ? OutputStage512.Single.For(vector, c).Apply(lanes) : got;
                        for (int j = 0; j < 16 && c + j < channels; j++)
                        {
                            Assert.AreEqual(expected[c + j], got[j], $"case {i} Apply16 {activation} wide={wide} channel {c + j} acc {acc[c + j]}");
                            Assert.AreEqual(expected[c + j], block[j], $"case {i} block form {activation} wide={wide} channel {c + j} acc {acc[c + j]}");
                        }
                    }
                cases++;
            }
        }
        Assert.IsTrue(cases > 10_000 && singles > 20, $"only {cases} accumulator vectors checked, {singles} single-rounding stages");
#else
        Assert.Inconclusive("vector stages need .NET intrinsics");
#endif
    }

    /// <summary>
    /// The NEON stage (<see cref="OutputStageNeon"/>: SQRDMULH, the rounding-shift fix-up, SMULL/SRSHL/SQXTN for the
    /// 64-bit steps) and its constants-in-registers forms (the right-shift-only one too) against the scalar stage, with
    /// narrowing stores of 1..8 values and the clamp after narrowing for 8-bit outputs (Clamp8).
    /// Runs on ARM64 (the CI runs this suite under qemu-aarch64).
    /// </summary>
    [TestMethod]
    public void NeonStage_EqualsScalarStage_ForEveryActivationAndStore()
    {
#if NET
        if (!KernelPaths.IsSupported(KernelPath.Neon)) Assert.Inconclusive("no ARM64 NEON on this CPU: the NEON stage cannot run");
        var r = new Random(79);
        int cases = 0, rightShiftOnly = 0, clamped = 0;
        for (int i = 0; i < 400; i++)
        {
            int channels = r.Next(1, 40);
            var outType = new[] { ElementType.Int8, ElementType.UInt8, ElementType.Int16 }[r.Next(3)];
            var activation = (FusedActivation)r.Next(Enum.GetValues(typeof(FusedActivation)).Length);
            bool wide = r.Next(3) == 0;
            int[] zeroPoints = TestKit.RandomZeroPoints(r, channels, outType);
            // Single rounding (TFLite's newer requantization) too: only the NEON stage computes it.
            var rounding = r.Next(4) == 0 ? RoundingMode.SingleRounding : RoundingMode.DoubleRounding;
            var stage = TestKit.RandomStage(r, channels, outType, zeroPoints, activation, rounding, r.Next(100, 200_000), perChannel: r.Next(3) != 0);
            var vector = rounding == RoundingMode.SingleRounding ? (wide ? null : VectorOutputStage.TryCreateSingleRounding(stage, channels, zeroPoints))
                : VectorOutputStage.TryCreate(stage, channels, zeroPoints, wide);
            if (vector is null || !vector.NeonReady) continue;
            int padded = (channels + 15) / 16 * 16;
            var acc = new int[padded];
            foreach (int[] sample in Accumulators(r, stage, channels))
            {
                Array.Copy(sample, acc, channels);
                var expected = new int[channels];
                for (int c = 0; c < channels; c++) expected[c] = OutputStageMath.Apply(stage, c, acc[c], wide, zeroPoints[c]);
                var bytes = new byte[padded * 2];
                var output = new QuantizedOutput(bytes, outType, new[] { 1, padded }, zeroPoints);
                for (int c = 0; c < channels; c += 8)
                {
                    var lower = OutputStageNeon.Apply4(System.Runtime.Intrinsics.Vector128.Create((ReadOnlySpan<int>)acc.AsSpan(c, 4)), vector, c);
                    var upper = OutputStageNeon.Apply4(System.Runtime.Intrinsics.Vector128.Create((ReadOnlySpan<int>)acc.AsSpan(c + 4, 4)), vector, c + 4);
                    for (int j = 0; j < 8 && c + j < channels; j++)
                        Assert.AreEqual(expected[c + j], j < 4 ? lower[j] : upper[j - 4], $"case {i} Apply4 {activation} wide={wide} channel {c + j} acc {acc[c + j]}");
                    // The kernels' block forms (constants loaded once per block of channels) give the same lanes.
                    var x4 = System.Runtime.Intrinsics.Vector128.Create((ReadOnlySpan<int>)acc.AsSpan(c, 4));
                    var block = OutputStageNeon.IsPlain(vector) ? OutputStageNeon.Lanes.For(vector, c).Apply(x4)
                        : OutputStageNeon.IsHardSwish(vector) ? OutputStageNeon.Gate.For(vector, c).Apply(x4)
                        : vector.SingleRounding ? OutputStageNeon.Single.For(vector, c).Apply(x4) : OutputStageNeon.Any.For(vector, c).Apply(x4);
                    for (int j = 0; j < 4 && c + j < channels; j++)
                        Assert.AreEqual(expected[c + j], block[j], $"case {i} block form {activation} {rounding} channel {c + j} acc {acc[c + j]}");
                    var x4Upper = System.Runtime.Intrinsics.Vector128.Create((ReadOnlySpan<int>)acc.AsSpan(c + 4, 4));
                    if (OutputStageNeon.IsRightShiftOnly(vector))
                    {
                        var right = OutputStageNeon.RightShift.For(vector, c).Apply(x4);
                        for (int j = 0; j < 4 && c + j < channels; j++)
                            Assert.AreEqual(expected[c + j], right[j], $"case {i} right-shift form {activation} channel {c + j} acc {acc[c + j]}");
                        rightShiftOnly++;
                    }
                    if (outType != ElementType.Int16)
                    {
                        // The clamp after narrowing (8-bit outputs): the unclamped block values through Clamp8.
                        var eight = OutputStageNeon.Clamp8.For(vector, c).Bytes(ScaleBlock(vector, c, x4), ScaleBlock(vector, c + 4, x4Upper));
                        for (int j = 0; j < 8 && c + j < channels; j++)
                            Assert.AreEqual(expected[c + j], outType == ElementType.Int8 ? (sbyte)eight[j] : eight[j], $"case {i} Clamp8 {outType} {activation} channel {c + j} acc {acc[c + j]}");
                        clamped++;
                    }
                    OutputStageNeon.Store8(lower, upper, output, c, Math.Min(8, channels - c));
                }
                for (int c = 0; c < channels; c++)
                    Assert.AreEqual(expected[c], TestKit.Load(bytes, outType, c), $"case {i} Store8 {outType} channel {c}");
                cases++;
            }
        }
        Assert.IsTrue(cases > 10_000, $"only {cases} accumulator vectors checked");
        Assert.IsTrue(rightShiftOnly > 1000 && clamped > 1000, $"only {rightShiftOnly} right-shift blocks and {clamped} Clamp8 blocks checked");
#else
        Assert.Inconclusive("vector stages need .NET intrinsics");
#endif
    }

#if NET
    /// <summary>A block form's value before its zero point and clamp (what Clamp8 takes), for the stage's kind.</summary>
    private static System.Runtime.Intrinsics.Vector128<int> ScaleBlock(VectorOutputStage v, int c, System.Runtime.Intrinsics.Vector128<int> x4) =>
        OutputStageNeon.IsRightShiftOnly(v) ? OutputStageNeon.RightShift.For(v, c).Scale(x4)
        : OutputStageNeon.IsPlain(v) ? OutputStageNeon.Lanes.For(v, c).Scale(x4)
        : OutputStageNeon.IsHardSwish(v) ? OutputStageNeon.Gate.For(v, c).Scale(x4)
        : v.SingleRounding ? OutputStageNeon.Single.For(v, c).Scale(x4) : OutputStageNeon.Any.For(v, c).Scale(x4);
#endif

    /// <summary>
    /// The 16-lane stages read their constants from <see cref="StageBlocks512"/>: every block starts on a 64-byte boundary
    /// (so no constant load straddles two cache lines, whatever the kernel's stack alignment) and holds exactly the
    /// stage's per-channel arrays; a block must start at a multiple of 16 channels.
    /// </summary>
    [TestMethod]
    public void Blocks512_AreAligned_AndHoldTheStagesConstants()
    {
#if NET
        if (!KernelPaths.IsSupported(KernelPath.Avx512)) Assert.Inconclusive("no AVX-512 on this CPU: stages have no 16-lane blocks");
        var r = new Random(91);
        foreach (var activation in new[] { FusedActivation.None, FusedActivation.Relu, FusedActivation.HardSwish, FusedActivation.HardSigmoid })
        foreach (int channels in new[] { 1, 16, 17, 40, 67 })
        {
            var multipliers = new QuantizedMultiplier[channels];
            var gates = new QuantizedMultiplier[channels];
            for (int c = 0; c < channels; c++)
            {
                multipliers[c] = new QuantizedMultiplier(r.Next(1 << 30, int.MaxValue), -r.Next(0, 20));
                gates[c] = new QuantizedMultiplier(r.Next(1 << 30, int.MaxValue), -r.Next(0, 9));
            }
            bool gated = activation is FusedActivation.HardSwish or FusedActivation.HardSigmoid;
            var stage = new OutputStage(activation, RoundingMode.DoubleRounding, multipliers, gated ? gates : Array.Empty<QuantizedMultiplier>(), new[] { -128 }, new[] { 127 });
            var zeroPoints = new int[channels];
            for (int c = 0; c < channels; c++) zeroPoints[c] = r.Next(-30, 30);
            var vector = VectorOutputStage.TryCreate(stage, channels, zeroPoints);
            Assert.IsNotNull(vector, $"{activation} {channels}");
            var blocks = vector.Blocks512;
            var handle = System.Runtime.InteropServices.GCHandle.Alloc(blocks.Bytes, System.Runtime.InteropServices.GCHandleType.Pinned);
            long address = handle.AddrOfPinnedObject().ToInt64();
            handle.Free();
            for (int first = 0; first < channels; first += 16)
            {
                long at = blocks.At(first);
                Assert.AreEqual(0, (address + at) % StageBlocks512.VectorBytes, $"{activation} {channels}: block {first / 16} is not 64-byte aligned");
                var bytes = blocks.Bytes;
                for (int j = 0; j < 16; j++)
                {
                    int Int(int vector, int lane) => BitConverter.ToInt32(bytes, (int)at + vector * StageBlocks512.VectorBytes + 4 * lane);
                    long Long(int vector, int lane) => BitConverter.ToInt64(bytes, (int)at + vector * StageBlocks512.VectorBytes + 8 * lane);
                    int c = first + j;
                    Assert.AreEqual(vector.Multipliers[c], Int(StageBlocks512.Multiplier, j));
                    Assert.AreEqual(vector.RightShifts[c], Int(StageBlocks512.RightShift, j));
                    Assert.AreEqual(vector.Min[c], Int(StageBlocks512.Min, j));
                    Assert.AreEqual(vector.ZeroPoints[c], Int(StageBlocks512.ZeroPoint, j));
                    if (gated)
                    {
                        Assert.AreEqual(vector.GateMultipliers64[c], Long(StageBlocks512.GateMultiplierLo, j), $"gate multiplier of channel {c}");
                        Assert.AreEqual(vector.TotalRounds64[c], Long(StageBlocks512.RoundLo, j), $"rounding of channel {c}");
                    }
                }
            }
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => blocks.At(8));
        }
#else
        Assert.Inconclusive("vector stages need .NET intrinsics");
#endif
    }

    /// <summary>
    /// The 16-lane gate folds its + half into the rounding term (half·2^s added before the shift): exact up to a gate shift
    /// s = 31 − shift of <see cref="VectorOutputStage.MaxGateShift"/> (checked on extremes and around both gate edges),
    /// and a larger shift gets no vector stage at all, so the scalar stage runs instead of an overflowing one.
    /// </summary>
    [TestMethod]
    public void GateShifts_UpToTheFoldLimit_AreExact_AndLargerOnesHaveNoVectorStage()
    {
#if NET
        if (!KernelPaths.IsSupported(KernelPath.Avx512)) Assert.Inconclusive("no AVX-512 on this CPU: the 16-lane stage cannot run");
        var r = new Random(73);
        foreach (var activation in new[] { FusedActivation.HardSwish, FusedActivation.HardSigmoid })
        for (int totalShift = 1; totalShift <= VectorOutputStage.MaxGateShift + 1; totalShift++)
        {
            const int channels = 16;
            var zeroPoints = new int[channels];
            var gates = new QuantizedMultiplier[channels];
            var multipliers = new QuantizedMultiplier[channels];
            for (int c = 0; c < channels; c++)
            {
                gates[c] = new QuantizedMultiplier(r.Next(1 << 30, int.MaxValue), 31 - totalShift);
                multipliers[c] = new QuantizedMultiplier(r.Next(1 << 30, int.MaxValue), -r.Next(0, 20));
                zeroPoints[c] = r.Next(-20, 20);
            }
            var stage = new OutputStage(activation, RoundingMode.DoubleRounding, multipliers, gates, new[] { -128 }, new[] { 127 });
            var vector = VectorOutputStage.TryCreate(stage, channels, zeroPoints);
            if (totalShift > VectorOutputStage.MaxGateShift)
            {
                Assert.IsNull(vector, $"gate shift {totalShift}: past the fold limit there must be no vector stage");
                continue;
            }
            Assert.IsNotNull(vector, $"gate shift {totalShift}");
            foreach (int[] sample in Accumulators(r, stage, channels))
            {
                var got = OutputStage512.Gate.For(vector, 0).Apply(System.Runtime.Intrinsics.Vector512.Create((ReadOnlySpan<int>)sample));
                for (int c = 0; c < channels; c++)
                    Assert.AreEqual(OutputStageMath.Apply(stage, c, sample[c], false, zeroPoints[c]), got[c], $"{activation} gate shift {totalShift} channel {c} acc {sample[c]}");
            }
        }
#else
        Assert.Inconclusive("vector stages need .NET intrinsics");
#endif
    }

    /// <summary>
    /// Per channel: the int32 extremes, zero, ±1, the accumulators where the h-sigmoid gate reaches 0 and 1 (±2 around
    /// them) and uniformly random values over a few magnitudes, each as one vector of all channels.
    /// </summary>
    private static List<int[]> Accumulators(Random r, OutputStage stage, int channels)
    {
        var list = new List<int[]>();
        int[] Fixed(Func<int, long> value)
        {
            var a = new int[channels];
            for (int c = 0; c < channels; c++) a[c] = (int)Math.Max(int.MinValue, Math.Min(int.MaxValue, value(c)));
            return a;
        }
        foreach (long v in new long[] { int.MinValue, int.MinValue + 1, -1, 0, 1, int.MaxValue - 1, int.MaxValue })
            list.Add(Fixed(_ => v));
        if (stage.HasGate)
            for (int d = -2; d <= 2; d++)
            {
                int delta = d;
                // gate = acc·G·2^(shift−31) + 1/2 in units of 2^22 reaches 0 at acc = −2^21·2^(31−shift)/G and 1 at +.
                list.Add(Fixed(c => GateEdge(stage, c, -1) + delta));
                list.Add(Fixed(c => GateEdge(stage, c, +1) + delta));
            }
        for (int k = 0; k < 60; k++)
        {
            int bits = r.Next(4, 32);
            list.Add(Fixed(_ => (long)((r.NextDouble() * 2 - 1) * Math.Pow(2, bits))));
        }
        return list;
    }

    private static long GateEdge(OutputStage stage, int channel, int sign)
    {
        var g = stage.GateMultipliers[stage.GateMultipliers.Length == 1 ? 0 : channel];
        return (long)Math.Round(sign * (double)OutputStageMath.GateHalf * Math.Pow(2, 31 - g.Shift) / g.Multiplier);
    }
}
