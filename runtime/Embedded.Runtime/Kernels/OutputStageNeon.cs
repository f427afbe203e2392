#if NET
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

/// <summary>
/// The output stage (<see cref="OutputStageMath"/>) on four int32 lanes with ARM NEON, bit-exact with the scalar stage:
/// <list type="bullet">
/// <item>the doubling high multiply is SQRDMULH, which is gemmlowp's SaturatingRoundingDoublingHighMul exactly
/// ((a·b + 2^30) >> 31 rounds half up, which equals gemmlowp's nudge-and-truncate; INT_MIN·INT_MIN saturates alike);</item>
/// <item>the rounding divide by 2^e is SRSHL by −e (round half up) after the documented fix-up: negative values are
/// first lowered by one (saturating), which turns half-up into gemmlowp's half-away-from-zero — the fix-up is
/// (x AND −e) >> 31, so it is 0 when e = 0;</item>
/// <item>the 64-bit steps (h-sigmoid gate, h-swish's gated multiplier, the wide int16-input stage) are SMULL/SMULL2 into
/// int64 lanes, SRSHL by −shift (round half up, as the reference adds 2^(shift−1) before an arithmetic shift) and
/// SQXTN (saturation to int32, which is the reference's clamp where the bounds are int32's).</item>
/// </list>
/// Callers use it only where <see cref="VectorOutputStage.NeonReady"/>.
/// </summary>
public static class OutputStageNeon
{
    /// <summary>Requantizes acc[c] for channels [first, first + 4): zero point added and clamped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> Apply4(Vector128<int> acc, VectorOutputStage s, int first)
    {
        nuint at = (nuint)first;
        var y = AdvSimd.Min(AdvSimd.Max(Scale4(acc, s, at), Read(s.Min, at)), Read(s.Max, at));
        return AdvSimd.Add(y, Read(s.ZeroPoints, at));
    }

    /// <summary>The requantized acc[c] for channels [at, at + 4) before the zero point and the clamp.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Scale4(Vector128<int> acc, VectorOutputStage s, nuint at)
    {
        if (s.Activation is FusedActivation.HardSigmoid or FusedActivation.HardSwish) return Gated(acc, s, at);
        if (s.Wide) return MultiplyRoundShift(acc, Read(s.ReducedMultipliers, at), Read64(s.NegatedReducedShifts64, at));
        if (s.SingleRounding) return MultiplyRoundShift(acc, Read(s.Multipliers, at), Read64(s.NegatedTotalShifts64, at));
        return MultiplyByQuantizedMultiplier(acc, Read(s.Multipliers, at), Read(s.LeftShifts, at), Read(s.NegatedRightShifts, at));
    }

    /// <summary>
    /// The zero point and the clamp of eight channels with 8-bit outputs, done after narrowing: SQXTN to int16, SQADD
    /// of the zero point, SMAX/SMIN in int16 against the output bounds, XTN. Exact: where nothing saturates this is
    /// clamp(y, Min, Max) + zp; where the int16 steps saturate, the value lies beyond every 8-bit bound either way
    /// (|zero point| ≤ 255), so both give that bound.
    /// </summary>
    public readonly struct Clamp8
    {
        private readonly Vector128<short> _zeroPoint, _min, _max;

        private Clamp8(VectorOutputStage s, nuint at)
        {
            // Min and Max bound the value before its zero point is added: the output bounds are Min + zp and Max + zp.
            Vector128<int> zpLower = Read(s.ZeroPoints, at), zpUpper = Read(s.ZeroPoints, at + 4);
            _zeroPoint = Narrow(zpLower, zpUpper);
            _min = Narrow(Read(s.Min, at) + zpLower, Read(s.Min, at + 4) + zpUpper);
            _max = Narrow(Read(s.Max, at) + zpLower, Read(s.Max, at + 4) + zpUpper);
        }

        /// <summary>Channels [first, first + 8) of a stage whose output is int8 or uint8.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Clamp8 For(VectorOutputStage s, int first) => new(s, (nuint)first);

        /// <summary>The eight output bytes (each the low byte of its clamped value) of two scaled halves.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector64<byte> Bytes(Vector128<int> lower, Vector128<int> upper) =>
            AdvSimd.ExtractNarrowingLower(AdvSimd.Min(AdvSimd.Max(AdvSimd.AddSaturate(Narrow(lower, upper), _zeroPoint), _min), _max)).AsByte();

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector128<short> Narrow(Vector128<int> lower, Vector128<int> upper) =>
            AdvSimd.ExtractNarrowingSaturateUpper(AdvSimd.ExtractNarrowingSaturateLower(lower), upper);
    }

    /// <summary>
    /// A stage's constants for four channels, built once per block of channels by the kernels (so a tile of rows
    /// requantizes with its constants in registers): <see cref="Lanes"/> for plain stages, <see cref="Gate"/> for h-swish,
    /// <see cref="Any"/> for the rest (constants loaded per call).
    /// </summary>
    public interface IBlock4<TSelf> where TSelf : struct, IBlock4<TSelf>
    {
        /// <summary>The constants of channels [first, first + 4).</summary>
        static abstract TSelf For(VectorOutputStage s, int first);

        /// <summary>What <see cref="Apply4"/> gives for these channels.</summary>
        Vector128<int> Apply(Vector128<int> acc);

        /// <summary><see cref="Apply"/> before the zero point and the clamp (for <see cref="Clamp8"/>).</summary>
        Vector128<int> Scale(Vector128<int> acc);
    }

    /// <summary>The constants of a plain stage (no gate, not wide) for four channels.</summary>
    public readonly struct Lanes : IBlock4<Lanes>
    {
        private readonly Vector128<int> _multiplier, _left, _right, _min, _max, _zeroPoint;

        private Lanes(VectorOutputStage s, nuint at)
        {
            _multiplier = Read(s.Multipliers, at); _left = Read(s.LeftShifts, at); _right = Read(s.NegatedRightShifts, at);
            _min = Read(s.Min, at); _max = Read(s.Max, at); _zeroPoint = Read(s.ZeroPoints, at);
        }

        /// <summary>Channels [first, first + 4) of a plain stage (its arrays are padded to whole blocks).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Lanes For(VectorOutputStage s, int first) => new(s, (nuint)first);

        /// <summary>What <see cref="Apply4"/> computes for a plain stage.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<int> Apply(Vector128<int> acc) => AdvSimd.Add(AdvSimd.Min(AdvSimd.Max(Scale(acc), _min), _max), _zeroPoint);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<int> Scale(Vector128<int> acc) => MultiplyByQuantizedMultiplier(acc, _multiplier, _left, _right);
    }

    /// <summary>
    /// The constants of a plain stage whose channels all shift right only (<see cref="VectorOutputStage.RightShiftsOnly"/>)
    /// for four channels: SQRDMULH, then the fix-up as one SSRA #31 (x + (x >> 31) lowers negative values by one, which
    /// cannot wrap: with 0 ≤ M &lt; 2^31 SQRDMULH never gives INT_MIN), then SRSHL — three instructions where
    /// <see cref="Lanes"/> takes six.
    /// </summary>
    public readonly struct RightShift : IBlock4<RightShift>
    {
        private readonly Vector128<int> _multiplier, _right, _min, _max, _zeroPoint;

        private RightShift(VectorOutputStage s, nuint at)
        {
            _multiplier = Read(s.Multipliers, at); _right = Read(s.NegatedRightShifts, at);
            _min = Read(s.Min, at); _max = Read(s.Max, at); _zeroPoint = Read(s.ZeroPoints, at);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static RightShift For(VectorOutputStage s, int first) => new(s, (nuint)first);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<int> Apply(Vector128<int> acc) => AdvSimd.Add(AdvSimd.Min(AdvSimd.Max(Scale(acc), _min), _max), _zeroPoint);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<int> Scale(Vector128<int> acc)
        {
            var high = AdvSimd.MultiplyRoundedDoublingSaturateHigh(acc, _multiplier);
            return AdvSimd.ShiftArithmeticRounded(AdvSimd.ShiftRightArithmeticAdd(high, high, 31), _right);
        }
    }

    /// <summary>
    /// The constants of an h-swish stage (8-bit accumulators or wide ones alike: the gated product is the same) for four
    /// channels. The gated multiplier round(gate·M / 2^22) is one SQRSHRN pair (it lies in [0, M]: no saturation).
    /// </summary>
    public readonly struct Gate : IBlock4<Gate>
    {
        // Multipliers also with their halves swapped (lanes 2, 3, 0, 1): every 64-bit product is then an SMULL2 of two
        // full registers, which the JIT compiles without the register copies it makes for GetLower() operands.
        private readonly Vector128<int> _gate, _gateSwapped, _multiplier, _multiplierSwapped, _min, _max, _zeroPoint;
        private readonly Vector128<long> _gateShiftLower, _gateShiftUpper, _shiftLower, _shiftUpper;

        private Gate(VectorOutputStage s, nuint at)
        {
            _gate = Read(s.GateMultipliers, at); _gateSwapped = Swap(_gate);
            _multiplier = Read(s.Multipliers, at); _multiplierSwapped = Swap(_multiplier);
            (_gateShiftLower, _gateShiftUpper) = Read64(s.NegatedGateShifts64, at);
            (_shiftLower, _shiftUpper) = Read64(s.NegatedTotalShifts64, at);
            _min = Read(s.Min, at); _max = Read(s.Max, at); _zeroPoint = Read(s.ZeroPoints, at);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Gate For(VectorOutputStage s, int first) => new(s, (nuint)first);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<int> Apply(Vector128<int> acc) => AdvSimd.Add(AdvSimd.Min(AdvSimd.Max(Scale(acc), _min), _max), _zeroPoint);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<int> Scale(Vector128<int> acc)
        {
            const int gateHalf = OutputStageMath.GateHalf, gateOne = OutputStageMath.GateOne;
            var accSwapped = Swap(acc);
            // gate = clamp(round(acc·G / 2^g), −½, ½) + ½ in Q22.
            var gate = AdvSimd.ExtractNarrowingSaturateUpper(
                AdvSimd.ExtractNarrowingSaturateLower(AdvSimd.ShiftArithmeticRounded(AdvSimd.MultiplyWideningUpper(accSwapped, _gateSwapped), _gateShiftLower)),
                AdvSimd.ShiftArithmeticRounded(AdvSimd.MultiplyWideningUpper(acc, _gate), _gateShiftUpper));
            gate = AdvSimd.Add(AdvSimd.Min(AdvSimd.Max(gate, Vector128.Create(-gateHalf)), Vector128.Create(gateOne - gateHalf)), Vector128.Create(gateHalf));
            // gm = round(gate·M / 2^22) in [0, M], made with its halves swapped (the upper products first) for the next SMULL2.
            var gatedSwapped = AdvSimd.ShiftRightArithmeticRoundedNarrowingSaturateUpper(
                AdvSimd.ShiftRightArithmeticRoundedNarrowingSaturateLower(AdvSimd.MultiplyWideningUpper(gate, _multiplier), OutputStageMath.GateBits),
                AdvSimd.MultiplyWideningUpper(Swap(gate), _multiplierSwapped), OutputStageMath.GateBits);
            return AdvSimd.ExtractNarrowingSaturateUpper(
                AdvSimd.ExtractNarrowingSaturateLower(AdvSimd.ShiftArithmeticRounded(AdvSimd.MultiplyWideningUpper(accSwapped, gatedSwapped), _shiftLower)),
                AdvSimd.ShiftArithmeticRounded(AdvSimd.MultiplyWideningUpper(acc, Swap(gatedSwapped)), _shiftUpper));
        }
    }

    /// <summary>Lanes 2, 3, 0, 1 (EXT #8).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Swap(Vector128<int> v) => AdvSimd.ExtractVector128(v, v, 2);

    /// <summary>The constants of a single-rounding stage (<see cref="VectorOutputStage.SingleRounding"/>) for four channels.</summary>
    public readonly struct Single : IBlock4<Single>
    {
        private readonly Vector128<int> _multiplier, _min, _max, _zeroPoint;
        private readonly Vector128<long> _shiftLower, _shiftUpper;

        private Single(VectorOutputStage s, nuint at)
        {
            _multiplier = Read(s.Multipliers, at);
            (_shiftLower, _shiftUpper) = Read64(s.NegatedTotalShifts64, at);
            _min = Read(s.Min, at); _max = Read(s.Max, at); _zeroPoint = Read(s.ZeroPoints, at);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Single For(VectorOutputStage s, int first) => new(s, (nuint)first);

        /// <summary>saturate((acc·M + 2^(t−1)) >> t), t = 31 − shift: SMULL2 of half-swapped registers, SRSHL, SQXTN.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<int> Apply(Vector128<int> acc) => AdvSimd.Add(AdvSimd.Min(AdvSimd.Max(Scale(acc), _min), _max), _zeroPoint);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<int> Scale(Vector128<int> acc) =>
            AdvSimd.ExtractNarrowingSaturateUpper(
                AdvSimd.ExtractNarrowingSaturateLower(AdvSimd.ShiftArithmeticRounded(AdvSimd.MultiplyWideningUpper(Swap(acc), Swap(_multiplier)), _shiftLower)),
                AdvSimd.ShiftArithmeticRounded(AdvSimd.MultiplyWideningUpper(acc, _multiplier), _shiftUpper));
    }

    /// <summary>Any stage through <see cref="Apply4"/>, constants loaded per call (h-sigmoid, wide gate-free stages).</summary>
    public readonly struct Any : IBlock4<Any>
    {
        private readonly VectorOutputStage _stage;
        private readonly int _first;

        private Any(VectorOutputStage s, int first) { _stage = s; _first = first; }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Any For(VectorOutputStage s, int first) => new(s, first);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<int> Apply(Vector128<int> acc) => Apply4(acc, _stage, _first);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector128<int> Scale(Vector128<int> acc) => Scale4(acc, _stage, (nuint)_first);
    }

    /// <summary>True for a stage <see cref="RightShift"/> computes (a plain one whose channels all shift right only).</summary>
    public static bool IsRightShiftOnly(VectorOutputStage s) => IsPlain(s) && s.RightShiftsOnly;

    /// <summary>True for a stage <see cref="Gate"/> computes.</summary>
    public static bool IsHardSwish(VectorOutputStage s) => s.Activation == FusedActivation.HardSwish;

    /// <summary>True for a stage <see cref="Lanes"/> computes (gate-free, 8-bit input accumulators).</summary>
    public static bool IsPlain(VectorOutputStage s) => !s.Wide && !s.SingleRounding && s.Activation is not (FusedActivation.HardSigmoid or FusedActivation.HardSwish);

    /// <summary>
    /// TFLite's double-rounding MultiplyByQuantizedMultiplier on four lanes: x·2^left (wrapping, as the reference),
    /// SQRDMULH by M, then the rounding divide by 2^right (<paramref name="negatedRight"/> = −right) with the fix-up.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MultiplyByQuantizedMultiplier(Vector128<int> x, Vector128<int> multiplier, Vector128<int> left, Vector128<int> negatedRight)
    {
        var high = AdvSimd.MultiplyRoundedDoublingSaturateHigh(AdvSimd.ShiftLogical(x, left), multiplier);
        var fixup = AdvSimd.ShiftRightArithmetic(AdvSimd.And(high, negatedRight), 31);
        return AdvSimd.ShiftArithmeticRounded(AdvSimd.AddSaturate(high, fixup), negatedRight);
    }

    /// <summary>
    /// The h-sigmoid / h-swish stage: the Q22 gate clamp(round(acc·G >> (31 − g)) + 2^21, 0, 2^22); h-sigmoid requantizes
    /// the gate, h-swish takes acc·round(gate·M >> 22) rounded once by 31 − shift and saturated.
    /// </summary>
    private static Vector128<int> Gated(Vector128<int> acc, VectorOutputStage s, nuint at)
    {
        const int gateHalf = OutputStageMath.GateHalf, gateOne = OutputStageMath.GateOne;
        var gate = MultiplyRoundShift(acc, Read(s.GateMultipliers, at), Read64(s.NegatedGateShifts64, at));
        gate = AdvSimd.Add(AdvSimd.Min(AdvSimd.Max(gate, Vector128.Create(-gateHalf)), Vector128.Create(gateOne - gateHalf)), Vector128.Create(gateHalf));
        var multiplier = Read(s.Multipliers, at);
        if (s.Activation == FusedActivation.HardSigmoid)
            return MultiplyByQuantizedMultiplier(gate, multiplier, Read(s.LeftShifts, at), Read(s.NegatedRightShifts, at));
        var gated = MultiplyRoundShift(gate, multiplier, Vector128.Create(-(long)OutputStageMath.GateBits));
        return MultiplyRoundShift(acc, gated, Read64(s.NegatedTotalShifts64, at));
    }

    /// <summary>
    /// saturate32((x·m + 2^(shift−1)) >> shift) per lane on 64-bit products: SMULL/SMULL2, SRSHL by the negated shift
    /// (the rounding add is exact there: ARM defines SRSHL without intermediate overflow), SQXTN/SQXTN2.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<int> MultiplyRoundShift(Vector128<int> x, Vector128<int> m, Vector128<long> negatedShiftLower, Vector128<long> negatedShiftUpper)
    {
        var lower = AdvSimd.ShiftArithmeticRounded(AdvSimd.MultiplyWideningLower(x.GetLower(), m.GetLower()), negatedShiftLower);
        var upper = AdvSimd.ShiftArithmeticRounded(AdvSimd.MultiplyWideningUpper(x, m), negatedShiftUpper);
        return AdvSimd.ExtractNarrowingSaturateUpper(AdvSimd.ExtractNarrowingSaturateLower(lower), upper);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> MultiplyRoundShift(Vector128<int> x, Vector128<int> m, (Vector128<long> Lower, Vector128<long> Upper) negatedShift) =>
        MultiplyRoundShift(x, m, negatedShift.Lower, negatedShift.Upper);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> MultiplyRoundShift(Vector128<int> x, Vector128<int> m, Vector128<long> negatedShift) =>
        MultiplyRoundShift(x, m, negatedShift, negatedShift);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Read(int[] values, nuint at) => Vector128.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(values), at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<long>, Vector128<long>) Read64(long[] values, nuint at) =>
        (Vector128.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(values), at), Vector128.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(values), at + 2));

    /// <summary>
    /// Eight already clamped values at <paramref name="target"/> as int16 (<paramref name="int16"/>) or as 8-bit values
    /// (XTN keeps each int16's low byte, which is the value itself for anything clamped to an 8-bit type), for kernels
    /// that checked their output bounds once for the whole call.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store8(Vector128<int> lower, Vector128<int> upper, ref byte target, bool int16)
    {
        var words = AdvSimd.ExtractNarrowingSaturateUpper(AdvSimd.ExtractNarrowingSaturateLower(lower), upper);
        if (int16) Unsafe.WriteUnaligned(ref target, words);
        else Unsafe.WriteUnaligned(ref target, AdvSimd.ExtractNarrowingLower(words));
    }

    /// <summary>
    /// Stores eight already clamped values (two vectors of four) in the output's element type with saturating
    /// narrowing (which cannot change clamped values): 8-bit outputs as one 8-byte write, int16 as one 16-byte write;
    /// fewer than eight go element-wise.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store8(Vector128<int> lower, Vector128<int> upper, in QuantizedOutput output, int at, int count)
    {
        var words = AdvSimd.ExtractNarrowingSaturateUpper(AdvSimd.ExtractNarrowingSaturateLower(lower), upper);
        if (count == 8)
        {
            switch (output.Type)
            {
                case ElementType.Int8:
                    Unsafe.WriteUnaligned(ref output.Bytes[at], AdvSimd.ExtractNarrowingSaturateLower(words));
                    return;
                case ElementType.UInt8:
                    Unsafe.WriteUnaligned(ref output.Bytes[at], AdvSimd.ExtractNarrowingSaturateUnsignedLower(words));
                    return;
                case ElementType.Int16:
                    Unsafe.WriteUnaligned(ref output.Bytes[2 * at], words);
                    return;
            }
        }
        for (int i = 0; i < count; i++) output.Store(at + i, i < 4 ? lower.GetElement(i) : upper.GetElement(i - 4));
    }
}
#endif
