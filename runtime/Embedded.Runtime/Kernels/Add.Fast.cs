using System;
using Embedded.Runtime.Model;
using Embedded.Runtime.Quantization;
#if NET
using System.Buffers.Binary;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
#endif

namespace Embedded.Runtime.Kernels;

public static partial class Add
{
    /// <summary>
    /// Whether <see cref="TryFast"/> handles an Add: the residual case — two 8-bit tensors of the output's shape, one
    /// zero point and one multiplier each, double rounding, plain addition.
    /// </summary>
    public static bool IsFastCase(TensorDefinition a, TensorDefinition b, TensorDefinition output, AddParams p) =>
        (a.Type is ElementType.Int8 or ElementType.UInt8 || (a.Type == ElementType.Int16 && IsSymmetric(a) && IsSymmetric(b) && IsSymmetric(output)))
        && b.Type == a.Type && output.Type == a.Type
        && a.ElementCount == output.ElementCount && b.ElementCount == output.ElementCount
        && a.Quantization?.Count == 1 && b.Quantization?.Count == 1 && output.Quantization?.Count == 1
        && p.Input1Multipliers.Length == 1 && p.Input2Multipliers.Length == 1 && p.OutputMultipliers.Length == 1
        && p.ClampMin.Length == 1 && p.ClampMax.Length == 1 && p.Rounding == RoundingMode.DoubleRounding && p.Subtract == SubtractMode.None;

    // 16-bit operands load straight into int32 lanes, which leaves no room to subtract a zero point first.
    private static bool IsSymmetric(TensorDefinition t) => t.Quantization is { } q && Array.TrueForAll(q.ZeroPoints, z => z == 0);

    /// <summary>
    /// The residual Add, eight elements at a time with AVX2 (part <paramref name="part"/> of <paramref name="parts"/>
    /// of the pixels, <see cref="PartRange"/>): the three requantizations of the reference on int32 lanes. False when not on AVX2.
    /// </summary>
    public static bool TryFast(KernelPath path, QuantizedInput a, QuantizedInput b, QuantizedOutput output, AddParams p, int part = 0, int parts = 1, int partEnd = -1)
    {
#if NET
        if (!path.UsesAvx2() && !path.UsesNeon()) return false;
        bool wide = a.Type == ElementType.Int16;
        int count = output.Bytes.Length / (wide ? 2 : 1);
        var (begin, end) = PartRange.OfElements(count, output.Channels, part, parts, partEnd);
        bool signed = a.Type == ElementType.Int8;
        if (path.UsesNeon())
        {
            ResidualNeon(a, b, output, p, begin, end);
            return true;
        }
        if (wide && (long)end * 2 > Math.Min(a.Bytes.Length, b.Bytes.Length)) throw new ArgumentException("Add: the inputs are shorter than the output.", nameof(a));
        var m1 = OutputStageX86.Broadcast(p.Input1Multipliers[0]);
        var m2 = OutputStageX86.Broadcast(p.Input2Multipliers[0]);
        var mo = OutputStageX86.Broadcast(p.OutputMultipliers[0]);
        var za = Vector256.Create(a.ZeroPoint(0)); var zb = Vector256.Create(b.ZeroPoint(0));
        int zo = output.ZeroPoint(0);
        var zOut = Vector256.Create(zo);
        var lo = Vector256.Create(p.ClampMin[0] - zo); var hi = Vector256.Create(p.ClampMax[0] - zo);
        var shift = Vector256.Create((uint)p.LeftShift);
        Span<int> values = stackalloc int[8];
        int i = begin;
        if (!wide && path.UsesAvx512() && end - begin >= 16)
        {
            if ((long)end > Math.Min(a.Bytes.Length, b.Bytes.Length)) throw new ArgumentException("Add: the inputs are shorter than the output.", nameof(a));
            i = begin + Residual512(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(a.Bytes.Slice(begin)), ref System.Runtime.InteropServices.MemoryMarshal.GetReference(b.Bytes.Slice(begin)),
                ref System.Runtime.InteropServices.MemoryMarshal.GetReference(output.Bytes.Slice(begin)), end - begin, signed, a.ZeroPoint(0), b.ZeroPoint(0), zo, p);
        }
        for (; i + 8 <= end; i += 8)
        {
            var xa = wide ? Load8Wide(a.Bytes, i) : Load8(a.Bytes, i, signed);
            var xb = wide ? Load8Wide(b.Bytes, i) : Load8(b.Bytes, i, signed);
            var sa = OutputStageX86.MultiplyByQuantizedMultiplier(Avx2.ShiftLeftLogicalVariable(xa - za, shift), m1.M, m1.Left, m1.Right, m1.Mask, m1.Half);
            var sb = OutputStageX86.MultiplyByQuantizedMultiplier(Avx2.ShiftLeftLogicalVariable(xb - zb, shift), m2.M, m2.Left, m2.Right, m2.Mask, m2.Half);
            var y = OutputStageX86.MultiplyByQuantizedMultiplier(sa + sb, mo.M, mo.Left, mo.Right, mo.Mask, mo.Half);
            OutputStageX86.Store(Avx2.Min(Avx2.Max(y, lo), hi) + zOut, output, i, 8, values);
        }
        for (; i < end; i++)
        {
            int xa = unchecked((a[i] - a.ZeroPoint(0)) * (1 << p.LeftShift)), xb = unchecked((b[i] - b.ZeroPoint(0)) * (1 << p.LeftShift));
            int sa = FixedPoint.MultiplyByQuantizedMultiplier(xa, p.Input1Multipliers[0].Multiplier, p.Input1Multipliers[0].Shift, p.Rounding);
            int sb = FixedPoint.MultiplyByQuantizedMultiplier(xb, p.Input2Multipliers[0].Multiplier, p.Input2Multipliers[0].Shift, p.Rounding);
            long q = zo + (long)FixedPoint.MultiplyByQuantizedMultiplier(unchecked(sa + sb), p.OutputMultipliers[0].Multiplier, p.OutputMultipliers[0].Shift, p.Rounding);
            output.Store(i, (int)Math.Max(p.ClampMin[0], Math.Min(p.ClampMax[0], q)));
        }
        return true;
#else
        return false;
#endif
    }

#if NET
    /// <summary>
    /// The residual Add on sixteen int32 lanes (the 16-lane double-rounding multiply of <see cref="OutputStage512"/>) over
    /// whole blocks of sixteen of <paramref name="count"/> elements; returns how many it did.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static int Residual512(ref byte a, ref byte b, ref byte output, int count, bool signed, int zeroA, int zeroB, int zeroOut, AddParams p)
    {
        var (m1, l1, r1, k1, h1) = Broadcast512(p.Input1Multipliers[0]);
        var (m2, l2, r2, k2, h2) = Broadcast512(p.Input2Multipliers[0]);
        var (mo, lo, ro, ko, ho) = Broadcast512(p.OutputMultipliers[0]);
        var za = Vector512.Create(zeroA); var zb = Vector512.Create(zeroB); var zOut = Vector512.Create(zeroOut);
        var min = Vector512.Create(p.ClampMin[0] - zeroOut); var max = Vector512.Create(p.ClampMax[0] - zeroOut);
        var shift = Vector512.Create((uint)p.LeftShift);
        int i = 0;
        for (; i + 16 <= count; i += 16)
        {
            var xa = Widen512.Bytes(Vector128.LoadUnsafe(ref a, (nuint)i), signed);
            var xb = Widen512.Bytes(Vector128.LoadUnsafe(ref b, (nuint)i), signed);
            var sa = OutputStage512.MultiplyByQuantizedMultiplier(Avx512F.ShiftLeftLogicalVariable(xa - za, shift), m1, l1, r1, k1, h1);
            var sb = OutputStage512.MultiplyByQuantizedMultiplier(Avx512F.ShiftLeftLogicalVariable(xb - zb, shift), m2, l2, r2, k2, h2);
            var y = OutputStage512.MultiplyByQuantizedMultiplier(sa + sb, mo, lo, ro, ko, ho);
            Avx512F.ConvertToVector128Byte(Vector512.Min(Vector512.Max(y, min), max) + zOut).StoreUnsafe(ref output, (nuint)i);
        }
        return i;
    }

    /// <summary>The 16-lane form of <see cref="OutputStageX86.Broadcast"/>: one multiplier's constants in every lane.</summary>
    private static (Vector512<int> M, Vector512<int> Left, Vector512<int> Right, Vector512<int> Mask, Vector512<int> Half) Broadcast512(QuantizedMultiplier m)
    {
        var (multiplier, left, right, mask, half) = OutputStageX86.Broadcast(m);
        return (Vector512.Create(multiplier.ToScalar()), Vector512.Create(left.ToScalar()), Vector512.Create(right.ToScalar()),
            Vector512.Create(mask.ToScalar()), Vector512.Create(half.ToScalar()));
    }

    private static Vector256<int> Load8Wide(ReadOnlySpan<byte> bytes, int at) =>
        Avx2.ConvertToVector256Int32(Vector128.LoadUnsafe(ref System.Runtime.CompilerServices.Unsafe.As<byte, short>(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(bytes)), (nuint)at));

    private static Vector256<int> Load8(ReadOnlySpan<byte> bytes, int at, bool signed)
    {
        var raw = Vector128.CreateScalar(BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(at)));
        return signed ? Avx2.ConvertToVector256Int32(raw.AsSByte()) : Avx2.ConvertToVector256Int32(raw.AsByte());
    }
#endif
}
