using System;
using Embedded.Runtime.Model;
#if NET
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
#endif

namespace Embedded.Runtime.Kernels;

public static partial class Softmax
{
    /// <summary>
    /// TFLite's 8-bit softmax (the float table, <see cref="SoftmaxParams.FloatTable"/>) with its exact steps vectorized on
    /// every SIMD path (portable <c>Vector128</c>: NEON and x86 alike): the row maximum sixteen bytes at a time, and the
    /// outputs sixteen at a time — table entries gathered, times 1/(Σe·s) (the same IEEE float product), rounded half away
    /// from zero (trunc, then ±1 where the dropped fraction is at least ½: exact, as x − trunc(x) is), the zero point, the
    /// clamp. The sum stays one sequential float sum: its order is TFLite's, and float addition does not reassociate.
    /// False for the other softmax forms, other types and the Reference path (the reference kernel then runs).
    /// </summary>
    public static bool TryFast(KernelPath path, QuantizedInput input, Span<byte> output, ElementType outputType, float outputScale, int outputZeroPoint, SoftmaxParams p)
    {
#if NET
        if (path == KernelPath.Reference || p.FloatTable.Length != SoftmaxParams.TableSize || input.Type is not (ElementType.Int8 or ElementType.UInt8)
            || outputType is not (ElementType.Int8 or ElementType.UInt8) || !Vector128.IsHardwareAccelerated) return false;
        int depth = input.Channels;
        if (depth < 1) return false;
        int rows = input.Bytes.Length / depth;
        if (output.Length < rows * depth) throw new ArgumentException("Softmax output is shorter than its input.", nameof(output));
        bool signed = input.Type == ElementType.Int8;
        int min = outputType.MinValue(), max = outputType.MaxValue();
        ref float table = ref MemoryMarshal.GetArrayDataReference(p.FloatTable);
        for (int r = 0; r < rows; r++)
        {
            ref byte x = ref MemoryMarshal.GetReference(input.Bytes.Slice(r * depth, depth));
            ref byte y = ref MemoryMarshal.GetReference(output.Slice(r * depth, depth));
            // A byte's table entry is 255 − (max − x) for the type's values; as unsigned bytes u = x ^ flip (x + 128 for
            // int8) that is (255 − max_u) + u.
            int flip = signed ? 0x80 : 0;
            int baseIndex = 255 - RowMax(ref x, depth, flip);
            float sum = 0f;
            for (int i = 0; i < depth; i++) sum += Unsafe.Add(ref table, baseIndex + (Unsafe.Add(ref x, i) ^ flip));
            float inverse = 1.0f / (sum * outputScale);
            Outputs(ref x, ref y, depth, ref table, baseIndex, flip, inverse, outputZeroPoint, min, max);
        }
        return true;
#else
        return false;
#endif
    }

#if NET
    /// <summary>The row's largest value as unsigned bytes x ^ <paramref name="flip"/> (0x80 maps int8 order onto uint8 order).</summary>
    private static int RowMax(ref byte x, int depth, int flip)
    {
        int best = 0;
        if (depth >= 16)
        {
            var f = Vector128.Create((byte)flip);
            var m = Vector128.LoadUnsafe(ref x) ^ f;
            for (int i = 16; i + 16 <= depth; i += 16) m = Vector128.Max(m, Vector128.LoadUnsafe(ref x, (nuint)i) ^ f);
            m = Vector128.Max(m, Vector128.LoadUnsafe(ref x, (nuint)(depth - 16)) ^ f);   // the last 16 bytes (may overlap)
            for (int j = 0; j < 16; j++) best = Math.Max(best, m.GetElement(j));
            return best;
        }
        for (int i = 0; i < depth; i++) best = Math.Max(best, Unsafe.Add(ref x, i) ^ flip);
        return best;
    }

    /// <summary>q = clamp(round_half_away(table[i]·inverse) + zp) for the row's outputs, sixteen at a time.</summary>
    private static void Outputs(ref byte x, ref byte y, int depth, ref float table, int baseIndex, int flip, float inverse, int zeroPoint, int min, int max)
    {
        var scale = Vector128.Create(inverse);
        var zp = Vector128.Create(zeroPoint);
        var lo = Vector128.Create(min); var hi = Vector128.Create(max);
        int i = 0;
        for (; i + 16 <= depth; i += 16)
        {
            var q0 = Four(ref x, i, ref table, baseIndex, flip, scale, zp, lo, hi);
            var q1 = Four(ref x, i + 4, ref table, baseIndex, flip, scale, zp, lo, hi);
            var q2 = Four(ref x, i + 8, ref table, baseIndex, flip, scale, zp, lo, hi);
            var q3 = Four(ref x, i + 12, ref table, baseIndex, flip, scale, zp, lo, hi);
            // Clamped to the 8-bit type: narrowing keeps each value's low byte.
            Vector128.Narrow(Vector128.Narrow(q0, q1), Vector128.Narrow(q2, q3)).AsByte().StoreUnsafe(ref y, (nuint)i);
        }
        for (; i < depth; i++)
        {
            float rescaled = Unsafe.Add(ref table, baseIndex + (Unsafe.Add(ref x, i) ^ flip)) * inverse;
            long q = (long)MathF.Round(rescaled, MidpointRounding.AwayFromZero) + zeroPoint;
            Unsafe.Add(ref y, i) = (byte)(int)Math.Max(min, Math.Min(max, q));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Four(ref byte x, int i, ref float table, int baseIndex, int flip, Vector128<float> scale, Vector128<int> zp, Vector128<int> lo, Vector128<int> hi)
    {
        var e = Vector128.Create(
            Unsafe.Add(ref table, baseIndex + (Unsafe.Add(ref x, i) ^ flip)), Unsafe.Add(ref table, baseIndex + (Unsafe.Add(ref x, i + 1) ^ flip)),
            Unsafe.Add(ref table, baseIndex + (Unsafe.Add(ref x, i + 2) ^ flip)), Unsafe.Add(ref table, baseIndex + (Unsafe.Add(ref x, i + 3) ^ flip)));
        var rounded = VectorRounding.HalfAwayFromZero(e * scale);
        // Bounded before the conversion (an overflowing conversion differs by CPU); beyond ±2^30 the clamp decides anyway.
        rounded = Vector128.Min(Vector128.Max(rounded, Vector128.Create(-1073741824f)), Vector128.Create(1073741824f));
        return Vector128.Min(Vector128.Max(Vector128.ConvertToInt32(rounded) + zp, lo), hi);
    }
#endif
}
