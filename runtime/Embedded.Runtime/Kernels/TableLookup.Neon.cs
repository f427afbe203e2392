#if NET
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace Embedded.Runtime.Kernels;

public static partial class TableLookup
{
    /// <summary>
    /// out = table[x XOR offset] sixteen bytes a step: TBL over entries 0–63, then TBX over 64–127, 128–191 and 192–255 with
    /// the index lowered by 64 each time (an index outside a quarter leaves the byte as it is). Returns the bytes done.
    /// </summary>
    private static int LookupNeon(ReadOnlySpan<byte> input, Span<byte> output, ReadOnlySpan<byte> table, byte offset)
    {
        if (table.Length < 256) throw new ArgumentException("A lookup table has 256 entries.", nameof(table));
        ref byte t = ref MemoryMarshal.GetReference(table);
        var q0 = (Vector128.LoadUnsafe(ref t), Vector128.LoadUnsafe(ref t, 16), Vector128.LoadUnsafe(ref t, 32), Vector128.LoadUnsafe(ref t, 48));
        var q1 = (Vector128.LoadUnsafe(ref t, 64), Vector128.LoadUnsafe(ref t, 80), Vector128.LoadUnsafe(ref t, 96), Vector128.LoadUnsafe(ref t, 112));
        var q2 = (Vector128.LoadUnsafe(ref t, 128), Vector128.LoadUnsafe(ref t, 144), Vector128.LoadUnsafe(ref t, 160), Vector128.LoadUnsafe(ref t, 176));
        var q3 = (Vector128.LoadUnsafe(ref t, 192), Vector128.LoadUnsafe(ref t, 208), Vector128.LoadUnsafe(ref t, 224), Vector128.LoadUnsafe(ref t, 240));
        var flip = Vector128.Create(offset);
        var quarter = Vector128.Create((byte)64);
        ref byte x = ref MemoryMarshal.GetReference(input);
        ref byte o = ref MemoryMarshal.GetReference(output);
        int count = Math.Min(input.Length, output.Length), i = 0;
        for (; i + 16 <= count; i += 16)
        {
            var index = Vector128.LoadUnsafe(ref x, (nuint)i) ^ flip;
            var y = AdvSimd.Arm64.VectorTableLookup(q0, index);
            index -= quarter;
            y = AdvSimd.Arm64.VectorTableLookupExtension(y, q1, index);
            index -= quarter;
            y = AdvSimd.Arm64.VectorTableLookupExtension(y, q2, index);
            index -= quarter;
            y = AdvSimd.Arm64.VectorTableLookupExtension(y, q3, index);
            y.StoreUnsafe(ref o, (nuint)i);
        }
        return i;
    }
}
#endif
