using System;

namespace Embedded.Runtime.Kernels;

/// <summary>Reshape / Flatten: the bytes do not change, only the shape.</summary>
public static partial class Reshape
{
    /// <summary>Copies the bytes; in place (same start) there is nothing to do. CopyTo is overlap-safe.</summary>
    public static void Reference(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (input.Overlaps(output, out int offset) && offset == 0) return;
        input.CopyTo(output);
    }
}
