#if NET
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

/// <summary>
/// The output stage of <see cref="OutputStageX86"/> on sixteen channels in one ZMM register (the AVX-512 path):
/// the same integer steps, with the 32-bit ones on 16 lanes and each 64-bit step as two halves of eight 64-bit
/// lanes whose constants were widened at load (<see cref="VectorOutputStage"/>'s *64 arrays) and which narrow back
/// with saturation (VPMOVSQD), which is the reference's clamp to int32. Every caller guarantees AVX-512
/// (F, VL, BW, DQ) through <see cref="KernelPaths.UsesAvx512"/>.
/// </summary>
public static class OutputStage512
{
    /// <summary>Requantizes acc[c] for channels [first, first + 16): clamped values with the zero point added.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Apply16(Vector512<int> acc, VectorOutputStage s, int first)
    {
        if (IsGated(s)) return Gate.For(s, first).Apply(acc);
        if (IsPlain(s)) return Plain.For(s, first).Apply(acc);
        nuint at = (nuint)first;
        // Only the clamp and the zero point follow the wide or single-rounding requantization: load just those.
        var y = s.Wide ? Wide(acc, s, at) : SingleRounded(acc, s, at);
        return Vector512.Min(Vector512.Max(y, Load(s.Min, at)), Load(s.Max, at)) + Load(s.ZeroPoints, at);
    }

    /// <summary>A stage's constants for one block of sixteen channels, held in registers by the kernels' row loops.</summary>
    public interface IBlock<TSelf> where TSelf : struct, IBlock<TSelf>
    {
        /// <summary>The constants of channels [first, first + 16): what a kernel builds once per block of channels.</summary>
        static abstract TSelf For(VectorOutputStage s, int first);

        /// <summary>Requantized values, clamped, zero point added: what <see cref="Apply16"/> gives.</summary>
        Vector512<int> Apply(Vector512<int> acc);
    }

    /// <summary>Any stage through <see cref="Apply16"/> (constants loaded per call): for stages neither plain nor gated.</summary>
    public readonly struct Any : IBlock<Any>
    {
        private readonly VectorOutputStage _stage;
        private readonly int _first;

        public Any(VectorOutputStage stage, int first) { _stage = stage; _first = first; }

        /// <summary>Channels [first, first + 16) of any stage.</summary>
        public static Any For(VectorOutputStage s, int first) => new(s, first);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<int> Apply(Vector512<int> acc) => Apply16(acc, _stage, _first);
    }

    /// <summary>True for a stage <see cref="Gate"/> holds: h-sigmoid or h-swish.</summary>
    public static bool IsGated(VectorOutputStage s) => s.Activation is FusedActivation.HardSigmoid or FusedActivation.HardSwish;

    /// <summary>True for a stage <see cref="Plain"/> can hold: no gate, not wide, double rounding.</summary>
    public static bool IsPlain(VectorOutputStage s) => !IsGated(s) && !s.Wide && !s.SingleRounding;

    /// <summary>
    /// A plain stage for one block of sixteen channels: where its constants are (<see cref="StageBlocks512"/>, aligned
    /// vectors read as memory operands), so a kernel that requantizes many rows of the same channels finds them in one
    /// place whatever its stack's alignment.
    /// </summary>
    public readonly struct Plain : IBlock<Plain>
    {
        private readonly byte[] _constants;
        private readonly nint _at;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal Plain(byte[] constants, nint at)
        {
            _constants = constants; _at = at;
        }

        /// <summary>Channels [first, first + 16) of a plain stage (<see cref="IsPlain"/>; <paramref name="first"/> a multiple of 16).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Plain For(VectorOutputStage s, int first)
        {
            var blocks = s.Blocks512;
            return new(blocks.Bytes, blocks.At(first));
        }

        /// <summary>What <see cref="Apply16"/> computes for a plain stage.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<int> Apply(Vector512<int> acc) =>
            Finish(MultiplyByQuantizedMultiplier(acc, Constant(_constants, _at, StageBlocks512.Multiplier), Constant(_constants, _at, StageBlocks512.LeftShift),
                Constant(_constants, _at, StageBlocks512.RightShift), Constant(_constants, _at, StageBlocks512.Mask), Constant(_constants, _at, StageBlocks512.Half)));

        /// <summary>The clamp and the zero point alone, for an already requantized value.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        internal Vector512<int> Finish(Vector512<int> y) =>
            Vector512.Min(Vector512.Max(y, Constant(_constants, _at, StageBlocks512.Min)), Constant(_constants, _at, StageBlocks512.Max)) + Constant(_constants, _at, StageBlocks512.ZeroPoint);
    }

    /// <summary>
    /// TFLite's single-rounding stage (<see cref="VectorOutputStage.SingleRounding"/>) for one block of sixteen channels:
    /// (acc·M + 2^(t−1)) >> t on two halves of eight 64-bit lanes (VPMULDQ, VPADDQ, VPSRAVQ, VPMOVSQD), then the clamp
    /// and the zero point; constants read from the stage's arrays as memory operands.
    /// </summary>
    public readonly struct Single : IBlock<Single>
    {
        private readonly VectorOutputStage _stage;
        private readonly nuint _at;

        private Single(VectorOutputStage s, int first) { _stage = s; _at = (nuint)first; }

        /// <summary>Channels [first, first + 16) of a single-rounding stage.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Single For(VectorOutputStage s, int first) => new(s, first);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<int> Apply(Vector512<int> acc)
        {
            var s = _stage; nuint at = _at;
            return Vector512.Min(Vector512.Max(SingleRounded(acc, s, at), Load(s.Min, at)), Load(s.Max, at)) + Load(s.ZeroPoints, at);
        }
    }

    /// <summary>
    /// The h-sigmoid / h-swish stage (see <see cref="OutputStageMath.HardSwish"/>) for one block of sixteen channels,
    /// the same steps on every lane; its constants (64-bit ones as two halves) are read from <see cref="StageBlocks512"/>.
    /// </summary>
    public readonly struct Gate : IBlock<Gate>
    {
        private readonly byte[] _constants;
        private readonly nint _at;
        private readonly bool _sigmoid;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private Gate(VectorOutputStage s, int first)
        {
            var blocks = s.Blocks512;
            _constants = blocks.Bytes; _at = blocks.At(first);
            _sigmoid = s.Activation == FusedActivation.HardSigmoid;
        }

        /// <summary>Channels [first, first + 16) of a gated stage (h-sigmoid or h-swish; <paramref name="first"/> a multiple of 16).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Gate For(VectorOutputStage s, int first) => new(s, first);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<int> Apply(Vector512<int> acc)
        {
            byte[] k = _constants; nint at = _at;
            var lo = Avx512F.ConvertToVector512Int64(acc.GetLower());
            var hi = Avx512F.ConvertToVector512Int64(acc.GetUpper());
            // The gate plus half (folded into the rounding term), clamped to [0, one], stays in 64-bit lanes: the gated
            // multiplier reads it there, so it is never narrowed and widened again (five fewer steps per sixteen lanes).
            var zero = Vector512<long>.Zero;
            var one = Vector512.Create((long)OutputStageMath.GateOne);
            var gateLo = Vector512.Min(Vector512.Max(Avx512F.ShiftRightArithmeticVariable(
                Avx512F.Multiply(lo.AsInt32(), Constant(k, at, StageBlocks512.GateMultiplierLo)) + Constant(k, at, StageBlocks512.GateRoundLo).AsInt64(),
                Constant(k, at, StageBlocks512.GateShiftLo).AsUInt64()), zero), one);
            var gateHi = Vector512.Min(Vector512.Max(Avx512F.ShiftRightArithmeticVariable(
                Avx512F.Multiply(hi.AsInt32(), Constant(k, at, StageBlocks512.GateMultiplierLo + 1)) + Constant(k, at, StageBlocks512.GateRoundLo + 1).AsInt64(),
                Constant(k, at, StageBlocks512.GateShiftLo + 1).AsUInt64()), zero), one);
            var plain = new Plain(k, at);
            if (_sigmoid) return plain.Apply(Join(Avx512F.ConvertToVector256Int32(gateLo), Avx512F.ConvertToVector256Int32(gateHi)));
            // gm = (gate·M + 2^21) >> 22 lies in [0, M], so its low 32 bits are the whole value.
            var round = Vector512.Create(1L << (OutputStageMath.GateBits - 1));
            var gatedLo = Avx512F.ShiftRightArithmetic(Avx512F.Multiply(gateLo.AsInt32(), Constant(k, at, StageBlocks512.MultiplierLo)) + round, OutputStageMath.GateBits);
            var gatedHi = Avx512F.ShiftRightArithmetic(Avx512F.Multiply(gateHi.AsInt32(), Constant(k, at, StageBlocks512.MultiplierLo + 1)) + round, OutputStageMath.GateBits);
            // Every lane alike: a zero gate (gm = 0) rounds to 0, a saturated one (gm = M) is acc·M rounded once.
            return plain.Finish(MultiplyRoundShift(lo, hi, gatedLo, gatedHi, Constant(k, at, StageBlocks512.RoundLo).AsInt64(), Constant(k, at, StageBlocks512.RoundLo + 1).AsInt64(),
                Constant(k, at, StageBlocks512.ShiftLo).AsUInt64(), Constant(k, at, StageBlocks512.ShiftLo + 1).AsUInt64()));
        }
    }

    /// <summary>Vector <paramref name="vector"/> of the block at byte <paramref name="at"/> of a <see cref="StageBlocks512"/> (aligned: one load, never split).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Constant(byte[] constants, nint at, int vector) =>
        Vector512.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(constants), (nuint)(at + vector * StageBlocks512.VectorBytes)).AsInt32();

    /// <summary>TFLite's 64-bit requantization (int16 inputs): (acc·reduced + round) >> (15 − shift), saturated.</summary>
    private static Vector512<int> Wide(Vector512<int> acc, VectorOutputStage s, nuint at) =>
        MultiplyRoundShift(Avx512F.ConvertToVector512Int64(acc.GetLower()), Avx512F.ConvertToVector512Int64(acc.GetUpper()),
            Load(s.ReducedMultipliers64, at), Load(s.ReducedMultipliers64, at + 8), Load(s.ReducedRounds64, at), Load(s.ReducedRounds64, at + 8),
            Load(s.ReducedShifts64, at), Load(s.ReducedShifts64, at + 8));

    /// <summary>TFLite's single rounding: (acc·M + 2^(t−1)) >> t, t = 31 − shift, saturated.</summary>
    private static Vector512<int> SingleRounded(Vector512<int> acc, VectorOutputStage s, nuint at) =>
        MultiplyRoundShift(Avx512F.ConvertToVector512Int64(acc.GetLower()), Avx512F.ConvertToVector512Int64(acc.GetUpper()),
            Load(s.Multipliers64, at), Load(s.Multipliers64, at + 8), Load(s.TotalRounds64, at), Load(s.TotalRounds64, at + 8),
            Load(s.TotalShifts64, at), Load(s.TotalShifts64, at + 8));

    /// <summary>sat32((x·m + round) >> shift) on two halves of eight 64-bit lanes, constants in registers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> MultiplyRoundShift(Vector512<long> lo, Vector512<long> hi, Vector512<long> mLo, Vector512<long> mHi,
        Vector512<long> roundLo, Vector512<long> roundHi, Vector512<ulong> shiftLo, Vector512<ulong> shiftHi)
    {
        var a = Avx512F.ShiftRightArithmeticVariable(Avx512F.Multiply(lo.AsInt32(), mLo.AsInt32()) + roundLo, shiftLo);
        var b = Avx512F.ShiftRightArithmeticVariable(Avx512F.Multiply(hi.AsInt32(), mHi.AsInt32()) + roundHi, shiftHi);
        return Join(Avx512F.ConvertToVector256Int32WithSaturation(a), Avx512F.ConvertToVector256Int32WithSaturation(b));
    }

    /// <summary>
    /// One ZMM from two YMM halves with a single VINSERTI32X4-class insert (Vector512.Create(lower, upper) can go through
    /// the stack in large methods).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<int> Join(Vector256<int> lower, Vector256<int> upper) => Avx512F.InsertVector256(lower.ToVector512Unsafe(), upper, 1);

    /// <summary>
    /// gemmlowp's double-rounding MultiplyByQuantizedMultiplier on sixteen lanes: x·2^left, the rounding doubling
    /// high multiply as (x·M + 2^30) >> 31 on even and odd 64-bit products, then RoundingDivideByPOT.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<int> MultiplyByQuantizedMultiplier(Vector512<int> x, Vector512<int> m, Vector512<int> left, Vector512<int> right, Vector512<int> mask, Vector512<int> half)
    {
        x = Avx512F.ShiftLeftLogicalVariable(x, left.AsUInt32());
        var nudge = Vector512.Create(1L << 30);
        // Even lanes: the result is bits 31..62 of the product, i.e. the low half after >> 31; odd lanes: the high
        // half after << 1. One blend puts both in place.
        var even = Avx512F.ShiftRightLogical(Avx512F.Multiply(x, m) + nudge, 31).AsInt32();
        var odd = Avx512F.ShiftLeftLogical(Avx512F.Multiply(Avx512F.ShiftRightLogical(x.AsInt64(), 32).AsInt32(), Avx512F.ShiftRightLogical(m.AsInt64(), 32).AsInt32()) + nudge, 1).AsInt32();
        var high = Vector512.ConditionalSelect(Vector512.Create(unchecked((long)0xFFFF_FFFF_0000_0000UL)), odd.AsInt64(), even.AsInt64()).AsInt32();
        // RoundingDivideByPOT: (x >> e) + (remainder > (mask >> 1) + (x < 0)).
        var threshold = half - Avx512F.ShiftRightArithmetic(high, 31);
        var shifted = Avx512F.ShiftRightArithmeticVariable(high, right.AsUInt32());
        return Vector512.ConditionalSelect(Vector512.GreaterThan(high & mask, threshold), shifted + Vector512<int>.One, shifted);
    }

    /// <summary>
    /// Stores sixteen clamped values in the output's element type (VPMOVDB / VPMOVDW: the values already fit);
    /// a partial block goes element-wise.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<int> v, in QuantizedOutput output, int at, int count)
    {
        if (count == 16 && output.Type is ElementType.Int8 or ElementType.UInt8)
        {
            Avx512F.ConvertToVector128Byte(v).StoreUnsafe(ref MemoryMarshal.GetReference(output.Bytes.Slice(at, 16)));
            return;
        }
        if (count == 16 && output.Type == ElementType.Int16)
        {
            Avx512F.ConvertToVector256Int16(v).AsByte().StoreUnsafe(ref MemoryMarshal.GetReference(output.Bytes.Slice(2 * at, 32)));
            return;
        }
        StorePartial(v, output, at, count);
    }

    /// <summary>
    /// Stores sixteen clamped values at element <paramref name="at"/> of raw output bytes: VPMOVDB for 8-bit outputs,
    /// VPMOVDW for int16 ones. For kernels that keep the output as a reference rather than a
    /// <see cref="QuantizedOutput"/> (whose span and arrays, copied into every inlined store, make the JIT clear large frames).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store16(Vector512<int> v, ref byte output, nint at, bool int16)
    {
        if (int16) Avx512F.ConvertToVector256Int16(v).AsByte().StoreUnsafe(ref output, (nuint)(2 * at));
        else Avx512F.ConvertToVector128Byte(v).StoreUnsafe(ref output, (nuint)at);
    }

    /// <summary>
    /// Stores the first <paramref name="lanes"/> (1..16) clamped values at element <paramref name="at"/> of an 8-bit or
    /// (<paramref name="int16"/>) 16-bit output: whole blocks and half blocks with one narrowing store, other partial
    /// blocks element by element, never touching the elements after them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreLanes(Vector512<int> v, ref byte output, nint at, int lanes, bool int16)
    {
        if (lanes == 16) Store16(v, ref output, at, int16);
        else if (int16)
        {
            if (lanes == 8) Avx512F.ConvertToVector256Int16(v).GetLower().AsByte().StoreUnsafe(ref output, (nuint)(2 * at));
            else StoreShortsPartial(Avx512F.ConvertToVector256Int16(v), ref Unsafe.Add(ref output, 2 * at), lanes);
        }
        else if (lanes == 8) Unsafe.WriteUnaligned(ref Unsafe.Add(ref output, at), Avx512F.ConvertToVector128Byte(v).AsUInt64().ToScalar());
        else StoreBytesPartial(Avx512F.ConvertToVector128Byte(v), ref Unsafe.Add(ref output, at), lanes);
    }

    /// <summary><see cref="StoreLanes"/> for an 8-bit output.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreBytes(Vector512<int> v, ref byte output, nint at, int lanes) => StoreLanes(v, ref output, at, lanes, int16: false);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void StoreBytesPartial(Vector128<byte> bytes, ref byte output, int lanes)
    {
        for (int i = 0; i < lanes; i++) Unsafe.Add(ref output, i) = bytes.GetElement(i);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void StoreShortsPartial(Vector256<short> values, ref byte output, int lanes)
    {
        for (int i = 0; i < lanes; i++) Unsafe.WriteUnaligned(ref Unsafe.Add(ref output, 2 * i), values.GetElement(i));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void StorePartial(Vector512<int> v, in QuantizedOutput output, int at, int count)
    {
        Span<int> values = stackalloc int[16];
        v.CopyTo(values);
        Gemm.Narrow(values.Slice(0, count), output, at);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Load(int[] a, nuint at) => Vector512.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(a), at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<long> Load(long[] a, nuint at) => Vector512.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(a), at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Load(ulong[] a, nuint at) => Vector512.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(a), at);
}
#endif
