#if NET
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using Embedded.Runtime.Model;
using Embedded.Runtime.Quantization;

namespace Embedded.Runtime.Kernels;

public static partial class Add
{
    /// <summary>
    /// The residual Add on NEON, elements [begin, end): eight a step, the reference's three double-rounding
    /// requantizations on int32 lanes (<see cref="OutputStageNeon.MultiplyByQuantizedMultiplier"/>), clamp, zero point,
    /// narrowing store; the last elements (fewer than eight) scalar.
    /// </summary>
    private static void ResidualNeon(QuantizedInput a, QuantizedInput b, QuantizedOutput output, AddParams p, int begin, int end)
    {
        bool wide = a.Type == ElementType.Int16;
        int size = wide ? 2 : 1;
        if ((long)end * size > Math.Min(a.Bytes.Length, Math.Min(b.Bytes.Length, output.Bytes.Length))) throw new ArgumentException("Add: the inputs are shorter than the output.", nameof(a));
        bool signed = a.Type == ElementType.Int8;
        var (m1, l1, r1) = Broadcast(p.Input1Multipliers[0]);
        var (m2, l2, r2) = Broadcast(p.Input2Multipliers[0]);
        var (mo, lo, ro) = Broadcast(p.OutputMultipliers[0]);
        var za = Vector128.Create((short)a.ZeroPoint(0)); var zb = Vector128.Create((short)b.ZeroPoint(0));
        int zo = output.ZeroPoint(0);
        var zOut = Vector128.Create(zo);
        var min = Vector128.Create(p.ClampMin[0] - zo); var max = Vector128.Create(p.ClampMax[0] - zo);
        var shift = Vector128.Create(p.LeftShift);
        ref byte pa = ref MemoryMarshal.GetReference(a.Bytes);
        ref byte pb = ref MemoryMarshal.GetReference(b.Bytes);
        int i = begin;
        for (; wide && i + 8 <= end; i += 8)
        {
            // Symmetric 16-bit operands (Add.IsFastCase): no zero point to subtract.
            var xa = Vector128.LoadUnsafe(ref Unsafe.As<byte, short>(ref Unsafe.Add(ref pa, 2 * i)));
            var xb = Vector128.LoadUnsafe(ref Unsafe.As<byte, short>(ref Unsafe.Add(ref pb, 2 * i)));
            var y0 = Requantize(AdvSimd.SignExtendWideningLower(xa.GetLower()), AdvSimd.SignExtendWideningLower(xb.GetLower()), shift, m1, l1, r1, m2, l2, r2, mo, lo, ro);
            var y1 = Requantize(AdvSimd.SignExtendWideningUpper(xa), AdvSimd.SignExtendWideningUpper(xb), shift, m1, l1, r1, m2, l2, r2, mo, lo, ro);
            OutputStageNeon.Store8(AdvSimd.Min(AdvSimd.Max(y0, min), max) + zOut, AdvSimd.Min(AdvSimd.Max(y1, min), max) + zOut, output, i, 8);
        }
        for (; !wide && i + 8 <= end; i += 8)
        {
            var xa = Widen(ref Unsafe.Add(ref pa, i), signed) - za;   // |x − z| ≤ 255: int16 is exact
            var xb = Widen(ref Unsafe.Add(ref pb, i), signed) - zb;
            var y0 = Requantize(AdvSimd.SignExtendWideningLower(xa.GetLower()), AdvSimd.SignExtendWideningLower(xb.GetLower()), shift, m1, l1, r1, m2, l2, r2, mo, lo, ro);
            var y1 = Requantize(AdvSimd.SignExtendWideningUpper(xa), AdvSimd.SignExtendWideningUpper(xb), shift, m1, l1, r1, m2, l2, r2, mo, lo, ro);
            OutputStageNeon.Store8(AdvSimd.Min(AdvSimd.Max(y0, min), max) + zOut, AdvSimd.Min(AdvSimd.Max(y1, min), max) + zOut, output, i, 8);
        }
        for (; i < end; i++)
        {
            int xa = unchecked((a[i] - a.ZeroPoint(0)) * (1 << p.LeftShift)), xb = unchecked((b[i] - b.ZeroPoint(0)) * (1 << p.LeftShift));
            int sa = FixedPoint.MultiplyByQuantizedMultiplier(xa, p.Input1Multipliers[0].Multiplier, p.Input1Multipliers[0].Shift, p.Rounding);
            int sb = FixedPoint.MultiplyByQuantizedMultiplier(xb, p.Input2Multipliers[0].Multiplier, p.Input2Multipliers[0].Shift, p.Rounding);
            long q = zo + (long)FixedPoint.MultiplyByQuantizedMultiplier(unchecked(sa + sb), p.OutputMultipliers[0].Multiplier, p.OutputMultipliers[0].Shift, p.Rounding);
            output.Store(i, (int)Math.Max(p.ClampMin[0], Math.Min(p.ClampMax[0], q)));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Requantize(Vector128<int> xa, Vector128<int> xb, Vector128<int> shift,
        Vector128<int> m1, Vector128<int> l1, Vector128<int> r1, Vector128<int> m2, Vector128<int> l2, Vector128<int> r2, Vector128<int> mo, Vector128<int> lo, Vector128<int> ro)
    {
        var sa = OutputStageNeon.MultiplyByQuantizedMultiplier(AdvSimd.ShiftLogical(xa, shift), m1, l1, r1);
        var sb = OutputStageNeon.MultiplyByQuantizedMultiplier(AdvSimd.ShiftLogical(xb, shift), m2, l2, r2);
        return OutputStageNeon.MultiplyByQuantizedMultiplier(sa + sb, mo, lo, ro);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<short> Widen(ref byte at, bool signed)
    {
        var raw = Vector64.LoadUnsafe(ref at);
        return signed ? AdvSimd.SignExtendWideningLower(raw.AsSByte()) : AdvSimd.ZeroExtendWideningLower(raw).AsInt16();
    }

    /// <summary>One multiplier's NEON constants in every lane: M, the left shift and the negated right shift.</summary>
    private static (Vector128<int> M, Vector128<int> Left, Vector128<int> NegatedRight) Broadcast(QuantizedMultiplier m) =>
        (Vector128.Create(m.Multiplier), Vector128.Create(m.Shift > 0 ? m.Shift : 0), Vector128.Create(m.Shift > 0 ? 0 : m.Shift));
}
#endif
