#if NET
using System;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Embedded.Runtime.Kernels;

/// <summary>
/// Eight channels of the output stage with AVX2 (double rounding; single rounding and the 64-bit steps as
/// <see cref="MultiplyRoundShift"/>). The doubling high multiply is
/// (a·M + 2^30) >> 31 on 64-bit products (VPMULDQ on even and odd lanes): gemmlowp's nudge and truncation toward
/// zero are exactly that rounding half up, and the result fits in 32 bits because M &lt; 2^31.
/// </summary>
public static class OutputStageX86
{
    /// <summary>
    /// Requantizes acc[c] for channels [first, first + 8) into values with zero point added and clamped;
    /// <paramref name="avx512"/> does the 64-bit steps on AVX-512's 64-bit lanes (same results).
    /// </summary>
    public static Vector256<int> Apply8(Vector256<int> acc, VectorOutputStage s, int first, bool avx512)
    {
        nuint at = (nuint)first;
        var y = s.Activation is Embedded.Runtime.Model.FusedActivation.HardSigmoid or Embedded.Runtime.Model.FusedActivation.HardSwish
            ? Gated(acc, s, at, avx512)
            : s.Wide ? Wide(acc, s, at, avx512)
            : s.SingleRounding ? MultiplyRoundShift(acc, Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.Multipliers), at),
                Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.TotalShifts), at), int.MinValue, int.MaxValue, avx512)
            : MultiplyByQuantizedMultiplier(acc,
            Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.Multipliers), at),
            Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.LeftShifts), at),
            Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.RightShifts), at),
            Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.Masks), at),
            Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.HalfMasks), at));
        y = Avx2.Min(Avx2.Max(y, Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.Min), at)), Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.Max), at));
        return Avx2.Add(y, Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.ZeroPoints), at));
    }

    /// <summary>
    /// The constants of a plain (gate-free, not wide) stage for one block of eight channels, loaded once so a kernel
    /// that requantizes many rows of the same channels keeps them in registers.
    /// </summary>
    public readonly struct Lanes
    {
        private readonly Vector256<int> _multiplier, _left, _right, _mask, _half, _min, _max, _zeroPoint;

        private Lanes(VectorOutputStage s, nuint at)
        {
            _multiplier = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.Multipliers), at);
            _left = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.LeftShifts), at);
            _right = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.RightShifts), at);
            _mask = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.Masks), at);
            _half = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.HalfMasks), at);
            _min = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.Min), at);
            _max = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.Max), at);
            _zeroPoint = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.ZeroPoints), at);
        }

        /// <summary>Channels [first, first + 8) of <paramref name="s"/> (its arrays are padded to whole blocks).</summary>
        public static Lanes Load(VectorOutputStage s, int first) => new(s, (nuint)first);

        /// <summary>What <see cref="Apply8"/> computes for a plain stage.</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        public Vector256<int> Apply(Vector256<int> acc)
        {
            var y = MultiplyByQuantizedMultiplier(acc, _multiplier, _left, _right, _mask, _half);
            return Avx2.Add(Avx2.Min(Avx2.Max(y, _min), _max), _zeroPoint);
        }
    }

    /// <summary>
    /// The h-sigmoid / h-swish stage of <see cref="OutputStageMath"/> on eight lanes: the Q22 gate
    /// clamp((acc·G + round) >> (31 − g) + 2^21, 0, 2^22) in 64-bit lanes; h-sigmoid requantizes the gate,
    /// h-swish takes acc·((gate·M + 2^21) >> 22) rounded once and saturated (a zero gate gives 0, a saturated one acc·M)
    /// — the same integer steps on every lane.
    /// </summary>
    private static Vector256<int> Gated(Vector256<int> acc, VectorOutputStage s, nuint at, bool avx512)
    {
        const int gateHalf = OutputStageMath.GateHalf, gateOne = OutputStageMath.GateOne;
        var gateMultiplier = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.GateMultipliers), at);
        var gateShift = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.GateTotalShifts), at);
        var gate = MultiplyRoundShift(acc, gateMultiplier, gateShift, -gateHalf, gateOne - gateHalf, avx512) + Vector256.Create(gateHalf);
        var multiplier = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.Multipliers), at);
        if (s.Activation == Embedded.Runtime.Model.FusedActivation.HardSigmoid)
            return MultiplyByQuantizedMultiplier(gate, multiplier, Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.LeftShifts), at),
                Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.RightShifts), at), Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.Masks), at),
                Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.HalfMasks), at));
        var gated = MultiplyRoundShift(gate, multiplier, Vector256.Create(OutputStageMath.GateBits), int.MinValue, int.MaxValue, avx512);
        return MultiplyRoundShift(acc, gated, Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.TotalShifts), at), int.MinValue, int.MaxValue, avx512);
    }

    /// <summary>TFLite's 64-bit requantization of an int32 accumulator: (acc·reduced + round) >> (15 − shift), saturated.</summary>
    private static Vector256<int> Wide(Vector256<int> acc, VectorOutputStage s, nuint at, bool avx512) =>
        MultiplyRoundShift(acc, Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.ReducedMultipliers), at),
            Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.ReducedShifts), at), int.MinValue, int.MaxValue, avx512);

    /// <summary>
    /// clamp((x·m + 2^(shift−1)) >> shift, lo, hi) per lane with 64-bit products (x, m signed 32-bit; shift 1..62):
    /// products of even and odd lanes separately, arithmetic shift emulated as sign ^ logical(x ^ sign).
    /// </summary>
    private static Vector256<int> MultiplyRoundShift(Vector256<int> x, Vector256<int> m, Vector256<int> shift, long lo, long hi, bool avx512)
    {
        if (avx512 && Avx512F.IsSupported && Avx512F.VL.IsSupported) return MultiplyRoundShift512(x, m, shift, lo, hi);
        var order = Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7);
        var shifts = Avx2.PermuteVar8x32(shift, order);
        var even = Round64(Avx2.Multiply(x, m), Avx2.ConvertToVector256Int64(shifts.GetLower()), lo, hi);
        var odd = Round64(Avx2.Multiply(Avx2.ShiftRightLogical(x.AsInt64(), 32).AsInt32(), Avx2.ShiftRightLogical(m.AsInt64(), 32).AsInt32()),
            Avx2.ConvertToVector256Int64(shifts.GetUpper()), lo, hi);
        return Avx2.Blend(even.AsInt32(), Avx2.ShiftLeftLogical(odd, 32).AsInt32(), 0b1010_1010);
    }

    /// <summary>
    /// <see cref="MultiplyRoundShift"/> on eight 64-bit lanes of one ZMM register: sign-extend, VPMULDQ, add the
    /// rounding bit, VPSRAVQ (a true arithmetic shift), clamp with VPMINSQ/VPMAXSQ, narrow with VPMOVQD.
    /// </summary>
    private static Vector256<int> MultiplyRoundShift512(Vector256<int> x, Vector256<int> m, Vector256<int> shift, long lo, long hi)
    {
        var product = Avx512F.Multiply(Avx512F.ConvertToVector512Int64(x).AsInt32(), Avx512F.ConvertToVector512Int64(m).AsInt32());
        var s = Avx512F.ConvertToVector512Int64(shift).AsUInt64();
        var rounded = product + Avx512F.ShiftLeftLogicalVariable(Vector512.Create(1L), s - Vector512.Create(1UL));
        var shifted = Avx512F.ShiftRightArithmeticVariable(rounded, s);
        shifted = Avx512F.Min(Avx512F.Max(shifted, Vector512.Create(lo)), Vector512.Create(hi));
        return Avx512F.ConvertToVector256Int32(shifted);
    }

    private static Vector256<long> Round64(Vector256<long> product, Vector256<long> shift, long lo, long hi)
    {
        var unsignedShift = shift.AsUInt64();
        var rounded = product + Avx2.ShiftLeftLogicalVariable(Vector256.Create(1L), Avx2.Subtract(unsignedShift, Vector256.Create(1UL)));
        var sign = Avx2.CompareGreaterThan(Vector256<long>.Zero, rounded);
        var shifted = Avx2.Xor(Avx2.ShiftRightLogicalVariable(Avx2.Xor(rounded, sign), unsignedShift), sign);
        var low = Vector256.Create(lo);
        var high = Vector256.Create(hi);
        shifted = Avx2.BlendVariable(shifted, low, Avx2.CompareGreaterThan(low, shifted));
        return Avx2.BlendVariable(shifted, high, Avx2.CompareGreaterThan(shifted, high));
    }

    /// <summary>
    /// TFLite's double-rounding MultiplyByQuantizedMultiplier on eight int32 lanes: x·2^left, rounding doubling high
    /// multiply by M, rounding divide by 2^right (mask = 2^right − 1, half = mask / 2).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static Vector256<int> MultiplyByQuantizedMultiplier(Vector256<int> x, Vector256<int> multiplier, Vector256<int> left, Vector256<int> right, Vector256<int> mask, Vector256<int> half)
    {
        x = Avx2.ShiftLeftLogicalVariable(x, left.AsUInt32());
        var nudge = Vector256.Create(1L << 30);
        var even = Avx2.ShiftRightLogical(Avx2.Add(Avx2.Multiply(x, multiplier), nudge), 31);
        var odd = Avx2.ShiftRightLogical(Avx2.Add(Avx2.Multiply(Avx2.ShiftRightLogical(x.AsInt64(), 32).AsInt32(), Avx2.ShiftRightLogical(multiplier.AsInt64(), 32).AsInt32()), nudge), 31);
        var high = Avx2.Blend(even.AsInt32(), Avx2.ShiftLeftLogical(odd, 32).AsInt32(), 0b1010_1010);
        // RoundingDivideByPOT: (x >> e) + (remainder > (mask >> 1) + (x < 0)).
        var threshold = Avx2.Subtract(half, Avx2.ShiftRightArithmetic(high, 31));
        var shifted = Avx2.ShiftRightArithmeticVariable(high, right.AsUInt32());
        return Avx2.Subtract(shifted, Avx2.CompareGreaterThan(Avx2.And(high, mask), threshold));
    }

    /// <summary>The lane constants of one per-tensor multiplier, for <see cref="MultiplyByQuantizedMultiplier"/>.</summary>
    public static (Vector256<int> M, Vector256<int> Left, Vector256<int> Right, Vector256<int> Mask, Vector256<int> Half) Broadcast(Embedded.Runtime.Quantization.QuantizedMultiplier m)
    {
        int left = m.Shift > 0 ? m.Shift : 0, right = m.Shift > 0 ? 0 : -m.Shift;
        int mask = (int)((1L << right) - 1);
        return (Vector256.Create(m.Multiplier), Vector256.Create(left), Vector256.Create(right), Vector256.Create(mask), Vector256.Create(mask >> 1));
    }

    /// <summary>
    /// Stores eight already clamped values in the output's element type with saturating packs (which cannot change
    /// clamped values): 8-bit outputs as one 8-byte write, int16 as two; a partial block goes element-wise.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<int> v, Embedded.Runtime.Kernels.QuantizedOutput output, int at, int count, Span<int> values)
    {
        if (count == 8 && output.Type is Embedded.Runtime.Model.ElementType.Int8 or Embedded.Runtime.Model.ElementType.UInt8)
        {
            var words = Avx2.PackSignedSaturate(v, v);
            var bytes = output.Type == Embedded.Runtime.Model.ElementType.Int8 ? Avx2.PackSignedSaturate(words, words).AsByte() : Avx2.PackUnsignedSaturate(words, words);
            ulong packed = bytes.AsUInt32().ToScalar() | (ulong)bytes.AsUInt32().GetElement(4) << 32;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(output.Bytes.Slice(at, 8), packed);
            return;
        }
        if (count == 8 && output.Type == Embedded.Runtime.Model.ElementType.Int16)
        {
            var words = Avx2.PackSignedSaturate(v, v).AsUInt64();   // [v0..v3 v0..v3 | v4..v7 v4..v7]
            var bytes = output.Bytes.Slice(2 * at, 16);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes, words.ToScalar());
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes.Slice(8), words.GetElement(2));
            return;
        }
        v.CopyTo(values);
        Gemm.Narrow(values.Slice(0, count), output, at);
    }
}
#endif
