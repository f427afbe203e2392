#if NET
using System;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Embedded.Runtime.Kernels;

public static partial class TableLookup
{
    /// <summary>Whether <see cref="LookupVbmi"/> runs here: the AVX-512 path on a CPU with VBMI (VPERMI2B).</summary>
    private static bool VbmiReady(KernelPath path) => path.UsesAvx512() && Avx512Vbmi.IsSupported;

    /// <summary>
    /// out = table[x XOR offset] 64 bytes a step with AVX-512 VBMI: VPERMI2B looks up 128 entries from two registers by
    /// an index's low seven bits, once for entries 0–127 and once for 128–255, and the index's top bit picks between
    /// them. Returns the bytes done (the caller finishes the tail); safe in place (each step loads before it stores).
    /// </summary>
    private static int LookupVbmi(ReadOnlySpan<byte> input, Span<byte> output, ReadOnlySpan<byte> table, byte offset)
    {
        if (table.Length < 256) throw new ArgumentException("A lookup table has 256 entries.", nameof(table));
        ref byte t = ref MemoryMarshal.GetReference(table);
        var t0 = Vector512.LoadUnsafe(ref t); var t1 = Vector512.LoadUnsafe(ref t, 64);
        var t2 = Vector512.LoadUnsafe(ref t, 128); var t3 = Vector512.LoadUnsafe(ref t, 192);
        var flip = Vector512.Create(offset);
        ref byte x = ref MemoryMarshal.GetReference(input);
        ref byte o = ref MemoryMarshal.GetReference(output);
        int count = Math.Min(input.Length, output.Length), i = 0;
        for (; i + 64 <= count; i += 64)
        {
            var index = Vector512.LoadUnsafe(ref x, (nuint)i) ^ flip;
            var lower = Avx512Vbmi.PermuteVar64x8x2(t0, index, t1);
            var upper = Avx512Vbmi.PermuteVar64x8x2(t2, index, t3);
            var top = Vector512.LessThan(index.AsSByte(), Vector512<sbyte>.Zero).AsByte();
            Vector512.ConditionalSelect(top, upper, lower).StoreUnsafe(ref o, (nuint)i);
        }
        return i;
    }
}
#endif
