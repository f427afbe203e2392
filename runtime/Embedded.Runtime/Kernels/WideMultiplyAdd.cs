using System;
using System.Runtime.InteropServices;
#if NET
using System.Runtime.Intrinsics;
#endif

namespace Embedded.Runtime.Kernels;

/// <summary>acc += x·w, channel by channel, for an int16 row x and int32 factors w: the core of the 16-bit depthwise and Mul kernels.</summary>
internal static class WideMultiplyAdd
{
    /// <summary>acc[c] += x[c]·w[c] over one pixel's channels: eight at a time where the vector holds them, then one by one.</summary>
    public static void Into(KernelPath path, ReadOnlySpan<short> x, ReadOnlySpan<int> w, Span<int> acc)
    {
        int c = 0;
#if NET
        if (path != KernelPath.Reference && Vector128.IsHardwareAccelerated)
        {
            ref short x0 = ref MemoryMarshal.GetReference(x);
            ref int w0 = ref MemoryMarshal.GetReference(w);
            ref int a0 = ref MemoryMarshal.GetReference(acc);
            // Sixteen channels a step where 256-bit vectors are native (AVX2), then eight.
            if (Vector256.IsHardwareAccelerated)
                for (; c + 16 <= x.Length; c += 16)
                {
                    var (lower, upper) = Vector256.Widen(Vector256.LoadUnsafe(ref x0, (nuint)c));
                    (Vector256.LoadUnsafe(ref a0, (nuint)c) + lower * Vector256.LoadUnsafe(ref w0, (nuint)c)).StoreUnsafe(ref a0, (nuint)c);
                    (Vector256.LoadUnsafe(ref a0, (nuint)c + 8) + upper * Vector256.LoadUnsafe(ref w0, (nuint)c + 8)).StoreUnsafe(ref a0, (nuint)c + 8);
                }
            for (; c + 8 <= x.Length; c += 8)
            {
                var v = Vector128.LoadUnsafe(ref x0, (nuint)c);
                var (lower, upper) = Vector128.Widen(v);
                (Vector128.LoadUnsafe(ref a0, (nuint)c) + lower * Vector128.LoadUnsafe(ref w0, (nuint)c)).StoreUnsafe(ref a0, (nuint)c);
                (Vector128.LoadUnsafe(ref a0, (nuint)c + 4) + upper * Vector128.LoadUnsafe(ref w0, (nuint)c + 4)).StoreUnsafe(ref a0, (nuint)c + 4);
            }
        }
#endif
        for (; c < x.Length; c++) acc[c] += x[c] * w[c];
    }

    /// <summary>acc[c] += x[c]: a pixel added to per-channel sums.</summary>
    public static void AddInto(KernelPath path, ReadOnlySpan<short> x, Span<int> acc)
    {
        int c = 0;
#if NET
        if (path != KernelPath.Reference && Vector128.IsHardwareAccelerated)
        {
            ref short x0 = ref MemoryMarshal.GetReference(x);
            ref int a0 = ref MemoryMarshal.GetReference(acc);
            for (; c + 8 <= x.Length; c += 8)
            {
                var (lower, upper) = Vector128.Widen(Vector128.LoadUnsafe(ref x0, (nuint)c));
                (Vector128.LoadUnsafe(ref a0, (nuint)c) + lower).StoreUnsafe(ref a0, (nuint)c);
                (Vector128.LoadUnsafe(ref a0, (nuint)c + 4) + upper).StoreUnsafe(ref a0, (nuint)c + 4);
            }
        }
#endif
        for (; c < x.Length; c++) acc[c] += x[c];
    }
}
