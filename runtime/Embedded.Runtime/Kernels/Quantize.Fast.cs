using System;
using Embedded.Runtime.Model;
#if NET
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
#endif

namespace Embedded.Runtime.Kernels;

public static partial class Quantize
{
    /// <summary>
    /// <see cref="FromFloatReference"/> sixteen floats at a time on the portable 128-bit vectors (NEON, SSE), for one
    /// scale and one zero point (a TFLite model's float input): the same IEEE division, round half away from zero
    /// (<c>VectorRounding.HalfAwayFromZero</c>), the saturation decided on
    /// v + zp in float as the reference does, NaN to the zero point. False on the reference path, without 128-bit
    /// vectors, for per-channel scales, or for other output types.
    /// </summary>
    public static bool TryFromFloatFast(KernelPath path, ReadOnlySpan<float> input, QuantizedOutput output, ReadOnlySpan<float> scales)
    {
#if NET
        if (path == KernelPath.Reference || !Vector128.IsHardwareAccelerated || scales.Length != 1 || output.ZeroPoints.Length > 1) return false;
        if (output.Type is not (ElementType.Int8 or ElementType.UInt8 or ElementType.Int16)) return false;
        int count = input.Length;
        if ((long)count * output.Type.SizeInBytes() > output.Bytes.Length) throw new ArgumentException($"Quantize: {count} inputs, but the output holds {output.Bytes.Length} bytes", nameof(output));
        int min = output.Type.MinValue(), max = output.Type.MaxValue(), zp = output.ZeroPoint(0);
        var bounds = new Bounds(scales[0], zp, min, max);
        ref float from = ref MemoryMarshal.GetReference(input);
        ref byte to = ref MemoryMarshal.GetReference(output.Bytes);
        int i = 0;
        for (; i + 16 <= count; i += 16)
        {
            var q0 = Four(ref from, i, bounds); var q1 = Four(ref from, i + 4, bounds);
            var q2 = Four(ref from, i + 8, bounds); var q3 = Four(ref from, i + 12, bounds);
            // Saturated to the output type already: narrowing keeps each value's low bytes.
            if (output.Type == ElementType.Int16)
            {
                Vector128.Narrow(q0, q1).AsByte().StoreUnsafe(ref to, (nuint)i * 2);
                Vector128.Narrow(q2, q3).AsByte().StoreUnsafe(ref to, (nuint)i * 2 + 16);
            }
            else Vector128.Narrow(Vector128.Narrow(q0, q1), Vector128.Narrow(q2, q3)).AsByte().StoreUnsafe(ref to, (nuint)i);
        }
        if (i < count) FromFloatReference(input.Slice(i), new QuantizedOutput(output.Bytes.Slice(i * output.Type.SizeInBytes()), output.Type, output.Shape, output.ZeroPoints), scales);
        return true;
#else
        return false;
#endif
    }

#if NET
    private readonly struct Bounds
    {
        public readonly Vector128<float> Scale, ZeroPointF, Min, Max;
        public readonly Vector128<int> ZeroPoint, MinInt, MaxInt;

        public Bounds(float scale, int zeroPoint, int min, int max)
        {
            Scale = Vector128.Create(scale); ZeroPointF = Vector128.Create((float)zeroPoint); Min = Vector128.Create((float)min); Max = Vector128.Create((float)max);
            ZeroPoint = Vector128.Create(zeroPoint); MinInt = Vector128.Create(min); MaxInt = Vector128.Create(max);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Four(ref float from, int i, in Bounds b)
    {
        var rounded = VectorRounding.HalfAwayFromZero(Vector128.LoadUnsafe(ref from, (nuint)i) / b.Scale);
        // The reference's order: NaN → zp, v + zp ≤ min → min, ≥ max → max, else (int)v + zp (v is small there: exact).
        var shifted = rounded + b.ZeroPointF;
        var low = Vector128.LessThanOrEqual(shifted, b.Min).AsInt32();
        var high = Vector128.GreaterThanOrEqual(shifted, b.Max).AsInt32();
        var nan = ~Vector128.Equals(rounded, rounded).AsInt32();
        var inside = Vector128.ConvertToInt32(Vector128.ConditionalSelect((low | high | nan).AsSingle(), Vector128<float>.Zero, rounded)) + b.ZeroPoint;
        return Vector128.ConditionalSelect(nan, b.ZeroPoint, Vector128.ConditionalSelect(low, b.MinInt, Vector128.ConditionalSelect(high, b.MaxInt, inside)));
    }
#endif
}
