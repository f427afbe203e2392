using System;
using Embedded.Runtime.Model;
using Embedded.Runtime.Quantization;

namespace Embedded.Runtime.Kernels;

/// <summary>
/// An output stage without a gate (no fused h-sigmoid/h-swish) in gemmlowp's double rounding, expanded per output
/// channel at load so eight channels requantize at once (OutputStageX86): left shift, rounding doubling
/// high multiply, rounding right shift, zero point, clamp — the same integer steps as <see cref="OutputStageMath"/>.
/// </summary>
public sealed class VectorOutputStage
{
    public int Channels { get; }
    /// <summary>None/ReLU kinds (clamp only), or the gated HardSigmoid / HardSwish.</summary>
    public FusedActivation Activation { get; private set; }
    /// <summary>Q22 gate multipliers and their total shifts 31 − shift (gated stages only).</summary>
    public int[] GateMultipliers { get; private set; } = Array.Empty<int>();
    public int[] GateTotalShifts { get; private set; } = Array.Empty<int>();
    /// <summary>31 − shift of the main multiplier, for HardSwish's single-rounding gated product.</summary>
    public int[] TotalShifts { get; private set; } = Array.Empty<int>();
    /// <summary>
    /// int16-input (wide) stages requantize with TFLite's 64-bit MultiplyByQuantizedMultiplier: a 15-bit reduced
    /// multiplier and one rounding shift of 15 − shift.
    /// </summary>
    public bool Wide { get; private set; }
    public int[] ReducedMultipliers { get; private set; } = Array.Empty<int>();
    public int[] ReducedShifts { get; private set; } = Array.Empty<int>();
    public int[] Multipliers { get; }
    public int[] LeftShifts { get; }
    public int[] RightShifts { get; }
    /// <summary>(1 &lt;&lt; right shift) − 1 and half of it: RoundingDivideByPOT's mask and threshold.</summary>
    public int[] Masks { get; }
    public int[] HalfMasks { get; }
    public int[] ZeroPoints { get; }
    /// <summary>Clamps minus the zero point: clamping before adding it cannot overflow int32 lanes.</summary>
    public int[] Min { get; }
    public int[] Max { get; }

    /// <summary>
    /// The 64-bit steps' constants as 64-bit lanes (multiplier, rounding bit 2^(shift−1), shift), so the 16-lane
    /// AVX-512 stage (<c>OutputStage512</c>) reads them as memory operands instead of widening per call.
    /// Gate: acc·G (its rounding term also carries the gate's + half, see <see cref="TryCreate(OutputStage, int, int[], bool)"/>);
    /// gated multiplier: gate·M (shift 22); partial: acc·gm (shift 31 − shift); wide: acc·reduced.
    /// </summary>
    public long[] GateMultipliers64 { get; private set; } = Array.Empty<long>();
    public long[] GateRounds64 { get; private set; } = Array.Empty<long>();
    public ulong[] GateShifts64 { get; private set; } = Array.Empty<ulong>();
    public long[] Multipliers64 { get; private set; } = Array.Empty<long>();
    public long[] TotalRounds64 { get; private set; } = Array.Empty<long>();
    public ulong[] TotalShifts64 { get; private set; } = Array.Empty<ulong>();
    public long[] ReducedMultipliers64 { get; private set; } = Array.Empty<long>();
    public long[] ReducedRounds64 { get; private set; } = Array.Empty<long>();
    public ulong[] ReducedShifts64 { get; private set; } = Array.Empty<ulong>();

#if NET
    private StageBlocks512? _blocks512;

    /// <summary>The constants as aligned 16-lane blocks for the AVX-512 kernels (made with the stage where AVX-512 runs).</summary>
    public StageBlocks512 Blocks512 => _blocks512 ?? throw new InvalidOperationException("the stage has no 16-lane blocks: this CPU has no AVX-512");
#endif

    /// <summary>
    /// The right shifts negated, as NEON's SRSHL takes them (a negative count shifts right, rounding half up), per
    /// 32-bit lane for the plain stage and per 64-bit lane for the gate, the gated product and the wide stage.
    /// </summary>
    public int[] NegatedRightShifts { get; private set; } = Array.Empty<int>();
    public long[] NegatedGateShifts64 { get; private set; } = Array.Empty<long>();
    public long[] NegatedTotalShifts64 { get; private set; } = Array.Empty<long>();
    public long[] NegatedReducedShifts64 { get; private set; } = Array.Empty<long>();

    /// <summary>
    /// The NEON stage handles every lane (false only for a gated stage whose multiplier shifts left: 31 − shift &lt; 0,
    /// which the 64-bit right-shift steps do not express; the scalar stage runs then).
    /// </summary>
    public bool NeonReady { get; private set; }

    /// <summary>
    /// Every channel multiplies by M ≥ 0 and shifts right by at least one, none left (the usual plain stage): the NEON
    /// stage then needs neither the left shift nor the general fix-up mask (OutputStageNeon.RightShift).
    /// </summary>
    public bool RightShiftsOnly { get; private set; }

    /// <summary>
    /// For a stage of 16k + 8 channels: its last eight channels over 16 lanes, lane j taking channel C − 8 + j mod 8 —
    /// two pixels' last eight channels in one ZMM (the AVX-512 depthwise pairs, <c>DepthwiseConv2D.Pairs512</c> and
    /// the 8-channel tail of <c>Blocks512</c>). Null for other channel counts.
    /// </summary>
    public VectorOutputStage? Pairs { get; private set; }

    /// <summary>Lanes of a pair stage's channel count: one pixel's channels fill half a 16-lane block.</summary>
    public const int PairChannels = 8;

    /// <summary>A copy of this stage's last eight channels with every per-channel array repeated over 16 lanes.</summary>
    private VectorOutputStage RepeatedPair()
    {
        int first = Channels - PairChannels;
        var r = new VectorOutputStage(2 * PairChannels)
        {
            Activation = Activation, Wide = Wide, SingleRounding = SingleRounding, NeonReady = NeonReady, RightShiftsOnly = RightShiftsOnly,
            GateMultipliers = Repeat(GateMultipliers, first), GateTotalShifts = Repeat(GateTotalShifts, first), TotalShifts = Repeat(TotalShifts, first),
            ReducedMultipliers = Repeat(ReducedMultipliers, first), ReducedShifts = Repeat(ReducedShifts, first),
            GateMultipliers64 = Repeat(GateMultipliers64, first), GateRounds64 = Repeat(GateRounds64, first), GateShifts64 = Repeat(GateShifts64, first),
            Multipliers64 = Repeat(Multipliers64, first), TotalRounds64 = Repeat(TotalRounds64, first), TotalShifts64 = Repeat(TotalShifts64, first),
            ReducedMultipliers64 = Repeat(ReducedMultipliers64, first), ReducedRounds64 = Repeat(ReducedRounds64, first), ReducedShifts64 = Repeat(ReducedShifts64, first),
            NegatedRightShifts = Repeat(NegatedRightShifts, first), NegatedGateShifts64 = Repeat(NegatedGateShifts64, first),
            NegatedTotalShifts64 = Repeat(NegatedTotalShifts64, first), NegatedReducedShifts64 = Repeat(NegatedReducedShifts64, first),
        };
        Array.Copy(Repeat(Multipliers, first), r.Multipliers, 16); Array.Copy(Repeat(LeftShifts, first), r.LeftShifts, 16); Array.Copy(Repeat(RightShifts, first), r.RightShifts, 16);
        Array.Copy(Repeat(Masks, first), r.Masks, 16); Array.Copy(Repeat(HalfMasks, first), r.HalfMasks, 16); Array.Copy(Repeat(ZeroPoints, first), r.ZeroPoints, 16);
        Array.Copy(Repeat(Min, first), r.Min, 16); Array.Copy(Repeat(Max, first), r.Max, 16);
#if NET
        if (_blocks512 is not null) r._blocks512 = StageBlocks512.Create(r);
#endif
        return r;
    }

    /// <summary>Channels [first, first + 8) of a per-channel array as 16 lanes (lane j: first + j mod 8); empty stays empty.</summary>
    private static T[] Repeat<T>(T[] values, int first)
    {
        if (values.Length == 0) return values;
        var r = new T[2 * PairChannels];
        for (int i = 0; i < r.Length; i++) r[i] = values[first + i % PairChannels];
        return r;
    }

    /// <summary>The pair form of a 16k + 8-channel stage, once the stage is complete.</summary>
    private VectorOutputStage WithPairs()
    {
        if (Channels % (2 * PairChannels) == PairChannels) Pairs = RepeatedPair();
        return this;
    }

    /// <summary>The stage complete: its aligned blocks too, where the AVX-512 kernels may use them.</summary>
    private VectorOutputStage Finished()
    {
        NegatedRightShifts = Negated(RightShifts);
        NeonReady = true;
        RightShiftsOnly = true;
        for (int c = 0; c < Channels; c++)
            if (LeftShifts[c] != 0 || RightShifts[c] < 1 || Multipliers[c] < 0) RightShiftsOnly = false;
        if (GateTotalShifts.Length > 0)
        {
            NegatedGateShifts64 = Negated64(GateTotalShifts);
            NegatedTotalShifts64 = Negated64(TotalShifts);
            foreach (int shift in TotalShifts) if (shift < 0) NeonReady = false;
        }
        if (ReducedShifts.Length > 0) NegatedReducedShifts64 = Negated64(ReducedShifts);
#if NET
        if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported) _blocks512 = StageBlocks512.Create(this);
#endif
        return WithPairs();
    }

    private static int[] Negated(int[] shifts)
    {
        var n = new int[shifts.Length];
        for (int i = 0; i < n.Length; i++) n[i] = -shifts[i];
        return n;
    }

    private static long[] Negated64(int[] shifts)
    {
        var n = new long[shifts.Length];
        for (int i = 0; i < n.Length; i++) n[i] = -(long)shifts[i];
        return n;
    }

    /// <summary>Largest gate shift (31 − shift) with a vector stage: |acc·G| &lt; 2^62 and half·2^40 keep the sum inside 64 bits.</summary>
    public const int MaxGateShift = 40;

    /// <summary>Lanes per block the arrays are padded to: whole 16-lane (AVX-512) blocks, so also whole 8-lane ones.</summary>
    public const int PaddedLanes = 16;

    private VectorOutputStage(int channels)
    {
        Channels = channels;
        int padded = (channels + PaddedLanes - 1) / PaddedLanes * PaddedLanes;
        Multipliers = new int[padded]; LeftShifts = new int[padded]; RightShifts = new int[padded];
        Masks = new int[padded]; HalfMasks = new int[padded]; ZeroPoints = new int[padded];
        Min = new int[padded]; Max = new int[padded];
    }

    /// <summary>
    /// The same steps for one value of lane <paramref name="lane"/> (gate-free stages): what the vector kernels use
    /// for the elements past their last full block of eight.
    /// </summary>
    public int ApplyScalar(int value, int lane)
    {
        long y = FixedPoint.MultiplyByQuantizedMultiplier(value, Multipliers[lane], LeftShifts[lane] - RightShifts[lane], RoundingMode.DoubleRounding);
        return (int)(Math.Max(Min[lane], Math.Min(Max[lane], y)) + ZeroPoints[lane]);
    }

    /// <summary>
    /// TFLite's single-rounding requantization (one 64-bit product, one round-half-up shift by 31 − shift): such a stage
    /// is made by <see cref="TryCreateSingleRounding"/>; the NEON and x86 (AVX2, AVX-512) stages compute it.
    /// </summary>
    public bool SingleRounding { get; private set; }

    /// <summary>
    /// A gate-free, 8-bit-accumulator stage in single rounding for the NEON and x86 kernels; null for gated, wide or
    /// left-shifting (31 − shift &lt; 1) stages.
    /// </summary>
    public static VectorOutputStage? TryCreateSingleRounding(OutputStage stage, int channels, int[] outputZeroPoints)
    {
        if (stage.Rounding != RoundingMode.SingleRounding || stage.HasGate) return null;
        var v = new VectorOutputStage(channels) { SingleRounding = true };
        int padded = v.Multipliers.Length;
        var totalShifts = new int[padded];
        for (int c = 0; c < padded; c++)
        {
            int from = Math.Min(c, channels - 1);
            var m = stage.Multipliers[stage.Multipliers.Length == 1 ? 0 : from];
            totalShifts[c] = 31 - m.Shift;
            if (totalShifts[c] is < 1 or > 62) return null;
            v.Multipliers[c] = m.Multiplier;
            v.ZeroPoints[c] = c >= channels ? 0 : outputZeroPoints.Length == 0 ? 0 : outputZeroPoints[outputZeroPoints.Length == 1 ? 0 : c];
            v.Min[c] = stage.ClampMin[stage.ClampMin.Length == 1 ? 0 : from] - v.ZeroPoints[c];
            v.Max[c] = stage.ClampMax[stage.ClampMax.Length == 1 ? 0 : from] - v.ZeroPoints[c];
        }
        v.NegatedTotalShifts64 = Negated64(totalShifts);
        v.NegatedRightShifts = Negated(v.RightShifts);
        v.NeonReady = true;
        // The x86 stages: (acc·M + 2^(t−1)) >> t on 64-bit lanes, as their wide and gated products.
        v.TotalShifts = totalShifts;
        (v.Multipliers64, v.TotalRounds64, v.TotalShifts64) = Widen(v.Multipliers, totalShifts);
        return v.WithPairs();
    }

    /// <summary>Null when the stage needs the scalar path (gated activations, single rounding).</summary>
    public static VectorOutputStage? TryCreate(OutputStage stage, int channels, int[] outputZeroPoints, bool wide = false)
    {
        var v = TryCreatePlain(stage.Multipliers, stage.Rounding, stage.ClampMin, stage.ClampMax, channels, outputZeroPoints);
        if (v is null) return null;
        if (wide)
        {
            int n = v.Multipliers.Length;
            v.Wide = true;
            v.ReducedMultipliers = new int[n];
            v.ReducedShifts = new int[n];
            for (int c = 0; c < n; c++)
            {
                var m = stage.Multipliers[stage.Multipliers.Length == 1 ? 0 : Math.Min(c, channels - 1)];
                v.ReducedMultipliers[c] = m.Multiplier < 0x7FFF0000 ? (m.Multiplier + (1 << 15)) >> 16 : 0x7FFF;
                v.ReducedShifts[c] = 15 - m.Shift;
                if (v.ReducedShifts[c] < 1) return null;   // a left shift: the scalar path handles it
            }
            (v.ReducedMultipliers64, v.ReducedRounds64, v.ReducedShifts64) = Widen(v.ReducedMultipliers, v.ReducedShifts);
        }
        if (!stage.HasGate) return v.Finished();
        int padded = v.Multipliers.Length;
        v.Activation = stage.Activation;
        v.GateMultipliers = new int[padded];
        v.GateTotalShifts = new int[padded];
        v.TotalShifts = new int[padded];
        for (int c = 0; c < padded; c++)
        {
            var g = stage.GateMultipliers[stage.GateMultipliers.Length == 1 ? 0 : Math.Min(c, channels - 1)];
            var m = stage.Multipliers[stage.Multipliers.Length == 1 ? 0 : Math.Min(c, channels - 1)];
            v.GateMultipliers[c] = g.Multiplier;
            v.GateTotalShifts[c] = 31 - g.Shift;
            v.TotalShifts[c] = 31 - m.Shift;
            // The 16-lane gate adds half·2^shift to its rounding term (below); beyond 40 bits that could overflow 64.
            if (v.GateTotalShifts[c] is < 1 or > MaxGateShift) return null;
        }
        (v.GateMultipliers64, v.GateRounds64, v.GateShifts64) = Widen(v.GateMultipliers, v.GateTotalShifts);
        // (acc·G + 2^(s−1) + half·2^s) >> s is the rounded gate plus half, exactly (a multiple of 2^s added before an
        // arithmetic shift adds its quotient after): the 16-lane stage needs no separate + half.
        for (int c = 0; c < padded; c++) v.GateRounds64[c] += (long)OutputStageMath.GateHalf << v.GateTotalShifts[c];
        (v.Multipliers64, _, _) = Widen(v.Multipliers, v.TotalShifts);
        (_, v.TotalRounds64, v.TotalShifts64) = Widen(v.Multipliers, v.TotalShifts);
        return v.Finished();
    }

    /// <summary>Multipliers and shifts as 64-bit lanes with the rounding bit of each shift (0 for a shift of 0).</summary>
    private static (long[] Multipliers, long[] Rounds, ulong[] Shifts) Widen(int[] multipliers, int[] shifts)
    {
        var m = new long[multipliers.Length];
        var r = new long[multipliers.Length];
        var s = new ulong[multipliers.Length];
        for (int c = 0; c < m.Length; c++)
        {
            m[c] = multipliers[c];
            s[c] = (ulong)Math.Max(0, shifts[c]);
            r[c] = s[c] == 0 ? 0 : 1L << (int)(s[c] - 1);
        }
        return (m, r, s);
    }

    /// <summary>The same for any requantize-and-clamp (e.g. Mul's output multipliers).</summary>
    public static VectorOutputStage? TryCreate(QuantizedMultiplier[] multipliers, RoundingMode rounding, int[] clampMin, int[] clampMax, int channels, int[] outputZeroPoints) =>
        TryCreatePlain(multipliers, rounding, clampMin, clampMax, channels, outputZeroPoints)?.Finished();

    private static VectorOutputStage? TryCreatePlain(QuantizedMultiplier[] multipliers, RoundingMode rounding, int[] clampMin, int[] clampMax, int channels, int[] outputZeroPoints)
    {
        if (rounding != RoundingMode.DoubleRounding) return null;
        var v = new VectorOutputStage(channels);
        for (int c = 0; c < channels; c++)
        {
            var m = multipliers[multipliers.Length == 1 ? 0 : c];
            v.Multipliers[c] = m.Multiplier;
            v.LeftShifts[c] = m.Shift > 0 ? m.Shift : 0;
            int right = m.Shift > 0 ? 0 : -m.Shift;
            v.RightShifts[c] = right;
            v.Masks[c] = (int)((1L << right) - 1);
            v.HalfMasks[c] = v.Masks[c] >> 1;
            v.ZeroPoints[c] = outputZeroPoints.Length == 0 ? 0 : outputZeroPoints[outputZeroPoints.Length == 1 ? 0 : c];
            v.Min[c] = clampMin[clampMin.Length == 1 ? 0 : c] - v.ZeroPoints[c];
            v.Max[c] = clampMax[clampMax.Length == 1 ? 0 : c] - v.ZeroPoints[c];
        }
        return v;
    }
}
