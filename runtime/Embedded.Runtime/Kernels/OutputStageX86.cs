#if NET
using System;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Embedded.Runtime.Kernels;

/// <summary>
/// Eight channels of a gate-free, double-rounding output stage with AVX2. The doubling high multiply is
/// (a·M + 2^30) >> 31 on 64-bit products (VPMULDQ on even and odd lanes): gemmlowp's nudge and truncation toward
/// zero are exactly that rounding half up, and the result fits in 32 bits because M &lt; 2^31.
/// </summary>
public static class OutputStageX86
{
    /// <summary>Requantizes acc[c] for channels [first, first + 8) into values with zero point added and clamped.</summary>
    public static Vector256<int> Apply8(Vector256<int> acc, VectorOutputStage s, int first)
    {
        ref int m = ref MemoryMarshal.GetArrayDataReference(s.Multipliers);
        nuint at = (nuint)first;
        var multiplier = Vector256.LoadUnsafe(ref m, at);
        var x = Avx2.ShiftLeftLogicalVariable(acc, Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.LeftShifts), at).AsUInt32());
        var half = Vector256.Create(1L << 30);
        var even = Avx2.ShiftRightLogical(Avx2.Add(Avx2.Multiply(x, multiplier), half), 31);
        var odd = Avx2.ShiftRightLogical(Avx2.Add(Avx2.Multiply(Avx2.ShiftRightLogical(x.AsInt64(), 32).AsInt32(), Avx2.ShiftRightLogical(multiplier.AsInt64(), 32).AsInt32()), half), 31);
        var high = Avx2.Blend(even.AsInt32(), Avx2.ShiftLeftLogical(odd, 32).AsInt32(), 0b1010_1010);
        // RoundingDivideByPOT: (x >> e) + (remainder > (mask >> 1) + (x < 0)).
        var mask = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.Masks), at);
        var threshold = Avx2.Subtract(Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.HalfMasks), at), Avx2.ShiftRightArithmetic(high, 31));
        var shifted = Avx2.ShiftRightArithmeticVariable(high, Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.RightShifts), at).AsUInt32());
        var y = Avx2.Subtract(shifted, Avx2.CompareGreaterThan(Avx2.And(high, mask), threshold));
        y = Avx2.Min(Avx2.Max(y, Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.Min), at)), Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.Max), at));
        return Avx2.Add(y, Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.ZeroPoints), at));
    }
}
#endif
