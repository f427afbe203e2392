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
        nuint at = (nuint)first;
        var y = MultiplyByQuantizedMultiplier(acc,
            Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.Multipliers), at),
            Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.LeftShifts), at),
            Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.RightShifts), at),
            Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.Masks), at),
            Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.HalfMasks), at));
        y = Avx2.Min(Avx2.Max(y, Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.Min), at)), Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.Max), at));
        return Avx2.Add(y, Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(s.ZeroPoints), at));
    }

    /// <summary>
    /// TFLite's double-rounding MultiplyByQuantizedMultiplier on eight int32 lanes: x·2^left, rounding doubling high
    /// multiply by M, rounding divide by 2^right (mask = 2^right − 1, half = mask / 2).
    /// </summary>
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
}
#endif
