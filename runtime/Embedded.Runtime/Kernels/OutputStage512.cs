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
        nuint at = (nuint)first;
        Vector512<int> y;
        if (s.Activation is FusedActivation.HardSigmoid or FusedActivation.HardSwish) y = Gated(acc, s, at);
        else if (s.Wide) y = Wide(acc, s, at);
        else y = MultiplyByQuantizedMultiplier(acc, s, at);
        y = Vector512.Min(Vector512.Max(y, Load(s.Min, at)), Load(s.Max, at));
        return y + Load(s.ZeroPoints, at);
    }

    /// <summary>The h-sigmoid / h-swish stage (see <see cref="OutputStageMath.HardSwish"/>), choosing per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Gated(Vector512<int> acc, VectorOutputStage s, nuint at)
    {
        var lo = Avx512F.ConvertToVector512Int64(acc.GetLower());
        var hi = Avx512F.ConvertToVector512Int64(acc.GetUpper());
        var gate = MultiplyRoundShift(lo, hi, s.GateMultipliers64, s.GateRounds64, s.GateShifts64, at);
        gate = Vector512.Min(Vector512.Max(gate, Vector512.Create(-OutputStageMath.GateHalf)), Vector512.Create(OutputStageMath.GateOne - OutputStageMath.GateHalf))
            + Vector512.Create(OutputStageMath.GateHalf);
        if (s.Activation == FusedActivation.HardSigmoid) return MultiplyByQuantizedMultiplier(gate, s, at);
        var full = s.Wide ? Wide(lo, hi, s, at) : MultiplyByQuantizedMultiplier(acc, s, at);
        // gm = (gate·M + 2^21) >> 22 lies in [0, M], so plain narrowing keeps it.
        var gateLo = Avx512F.ConvertToVector512Int64(gate.GetLower());
        var gateHi = Avx512F.ConvertToVector512Int64(gate.GetUpper());
        var round = Vector512.Create(1L << (OutputStageMath.GateBits - 1));
        var gatedLo = Avx512F.ShiftRightArithmetic(Avx512F.Multiply(gateLo.AsInt32(), Load(s.Multipliers64, at).AsInt32()) + round, OutputStageMath.GateBits);
        var gatedHi = Avx512F.ShiftRightArithmetic(Avx512F.Multiply(gateHi.AsInt32(), Load(s.Multipliers64, at + 8).AsInt32()) + round, OutputStageMath.GateBits);
        var partialLo = Avx512F.ShiftRightArithmeticVariable(Avx512F.Multiply(lo.AsInt32(), gatedLo.AsInt32()) + Load(s.TotalRounds64, at), Load(s.TotalShifts64, at));
        var partialHi = Avx512F.ShiftRightArithmeticVariable(Avx512F.Multiply(hi.AsInt32(), gatedHi.AsInt32()) + Load(s.TotalRounds64, at + 8), Load(s.TotalShifts64, at + 8));
        var partial = Vector512.Create(Avx512F.ConvertToVector256Int32WithSaturation(partialLo), Avx512F.ConvertToVector256Int32WithSaturation(partialHi));
        // A zero gate needs no case of its own: gm = 0 makes the partial product round to 0.
        return Vector512.ConditionalSelect(Vector512.Equals(gate, Vector512.Create(OutputStageMath.GateOne)), full, partial);
    }

    private static Vector512<int> Wide(Vector512<int> acc, VectorOutputStage s, nuint at) =>
        Wide(Avx512F.ConvertToVector512Int64(acc.GetLower()), Avx512F.ConvertToVector512Int64(acc.GetUpper()), s, at);

    /// <summary>TFLite's 64-bit requantization (int16 inputs): (acc·reduced + round) >> (15 − shift), saturated.</summary>
    private static Vector512<int> Wide(Vector512<long> lo, Vector512<long> hi, VectorOutputStage s, nuint at) =>
        MultiplyRoundShift(lo, hi, s.ReducedMultipliers64, s.ReducedRounds64, s.ReducedShifts64, at);

    /// <summary>sat32((x·m + round) >> shift) for the sixteen lanes held as two halves of 64-bit lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> MultiplyRoundShift(Vector512<long> lo, Vector512<long> hi, long[] m, long[] round, ulong[] shift, nuint at)
    {
        var a = Avx512F.ShiftRightArithmeticVariable(Avx512F.Multiply(lo.AsInt32(), Load(m, at).AsInt32()) + Load(round, at), Load(shift, at));
        var b = Avx512F.ShiftRightArithmeticVariable(Avx512F.Multiply(hi.AsInt32(), Load(m, at + 8).AsInt32()) + Load(round, at + 8), Load(shift, at + 8));
        return Vector512.Create(Avx512F.ConvertToVector256Int32WithSaturation(a), Avx512F.ConvertToVector256Int32WithSaturation(b));
    }

    /// <summary>
    /// gemmlowp's double-rounding MultiplyByQuantizedMultiplier on sixteen lanes: x·2^left, the rounding doubling
    /// high multiply as (x·M + 2^30) >> 31 on even and odd 64-bit products, then RoundingDivideByPOT.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> MultiplyByQuantizedMultiplier(Vector512<int> x, VectorOutputStage s, nuint at)
    {
        var m = Load(s.Multipliers, at);
        x = Avx512F.ShiftLeftLogicalVariable(x, Load(s.LeftShifts, at).AsUInt32());
        var nudge = Vector512.Create(1L << 30);
        // Even lanes: the result is bits 31..62 of the product, i.e. the low half after >> 31; odd lanes: the high
        // half after << 1. One blend puts both in place.
        var even = Avx512F.ShiftRightLogical(Avx512F.Multiply(x, m) + nudge, 31).AsInt32();
        var odd = Avx512F.ShiftLeftLogical(Avx512F.Multiply(Avx512F.ShiftRightLogical(x.AsInt64(), 32).AsInt32(), Avx512F.ShiftRightLogical(m.AsInt64(), 32).AsInt32()) + nudge, 1).AsInt32();
        var high = Vector512.ConditionalSelect(Vector512.Create(unchecked((long)0xFFFF_FFFF_0000_0000UL)), odd.AsInt64(), even.AsInt64()).AsInt32();
        // RoundingDivideByPOT: (x >> e) + (remainder > (mask >> 1) + (x < 0)).
        var threshold = Load(s.HalfMasks, at) - Avx512F.ShiftRightArithmetic(high, 31);
        var shifted = Avx512F.ShiftRightArithmeticVariable(high, Load(s.RightShifts, at).AsUInt32());
        return shifted - Vector512.GreaterThan(high & Load(s.Masks, at), threshold);
    }

    /// <summary>
    /// Stores sixteen clamped values in the output's element type (VPMOVDB / VPMOVDW: the values already fit);
    /// a partial block goes element-wise.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<int> v, QuantizedOutput output, int at, int count)
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

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void StorePartial(Vector512<int> v, QuantizedOutput output, int at, int count)
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
