using System;
using Embedded.Runtime.Model;
#if NET
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
#endif

namespace Embedded.Runtime.Kernels;

public static partial class Dequantize
{
    /// <summary>
    /// <see cref="Reference"/> eight elements at a time on the portable 128-bit vectors (NEON, SSE), for one scale and
    /// one zero point: q − zp as int32, to float (exact: |q − zp| &lt; 2¹⁷), widened to double, times the scale in
    /// double, rounded once to float — the reference's arithmetic lane by lane, so the same floats bit for bit.
    /// False on the reference path, without 128-bit vectors, or for per-channel scales or zero points.
    /// </summary>
    public static bool TryFast(KernelPath path, QuantizedInput input, Span<float> output, ReadOnlySpan<float> scales)
    {
#if NET
        if (path == KernelPath.Reference || !Vector128.IsHardwareAccelerated || scales.Length != 1 || input.ZeroPoints.Length > 1) return false;
        if (input.Type is not (ElementType.Int8 or ElementType.UInt8 or ElementType.Int16)) return false;
        int count = output.Length;
        if ((long)count * input.Type.SizeInBytes() > input.Bytes.Length) throw new ArgumentException($"Dequantize: {count} outputs, but the input holds {input.Bytes.Length} bytes", nameof(input));
        var zeroPoint = Vector128.Create(input.ZeroPoint(0));
        var scale = Vector128.Create((double)scales[0]);
        ref float to = ref MemoryMarshal.GetReference(output);
        ref byte from = ref MemoryMarshal.GetReference(input.Bytes);
        int i = 0;
        for (; i + 8 <= count; i += 8)
        {
            Vector128<short> q = input.Type switch
            {
                ElementType.Int16 => Vector128.LoadUnsafe(ref from, (nuint)i * 2).AsInt16(),
                ElementType.Int8 => Vector128.WidenLower(Vector128.CreateScalar(System.Runtime.CompilerServices.Unsafe.ReadUnaligned<long>(ref System.Runtime.CompilerServices.Unsafe.Add(ref from, i))).AsSByte()),
                _ => Vector128.WidenLower(Vector128.CreateScalar(System.Runtime.CompilerServices.Unsafe.ReadUnaligned<long>(ref System.Runtime.CompilerServices.Unsafe.Add(ref from, i))).AsByte()).AsInt16(),
            };
            var (low, high) = Vector128.Widen(q);
            Scale(Vector128.ConvertToSingle(low - zeroPoint), scale).StoreUnsafe(ref to, (nuint)i);
            Scale(Vector128.ConvertToSingle(high - zeroPoint), scale).StoreUnsafe(ref to, (nuint)i + 4);
        }
        for (; i < count; i++)
            output[i] = (float)(scales[0] * (double)(input[i] - input.ZeroPoint(0)));
        return true;
#else
        return false;
#endif
    }

#if NET
    // Four exact floats → doubles, times the scale, rounded back to four floats.
    private static Vector128<float> Scale(Vector128<float> x, Vector128<double> scale)
    {
        var (low, high) = Vector128.Widen(x);
        return Vector128.Narrow(low * scale, high * scale);
    }
#endif
}
