#if NET
using System;
using System.Runtime.InteropServices;

namespace Embedded.Runtime.Kernels;

/// <summary>
/// Bytes whose start is aligned to a cache line: a pinned array (on the pinned heap it never moves) and the offset of
/// its first aligned byte. For what vector kernels load as whole 64-byte vectors: an unaligned one straddles two lines.
/// </summary>
internal static class AlignedBytes
{
    public const int Alignment = 64;

    /// <summary>At least <paramref name="length"/> bytes from <c>Start</c> on, <c>Bytes</c>'s address + <c>Start</c> a multiple of 64.</summary>
    public static (byte[] Bytes, int Start) Allocate(int length)
    {
        var bytes = GC.AllocateArray<byte>(length + Alignment, pinned: true);
        var handle = GCHandle.Alloc(bytes, GCHandleType.Pinned);
        long address = handle.AddrOfPinnedObject().ToInt64();
        handle.Free();
        return (bytes, (int)((Alignment - address % Alignment) % Alignment));
    }
}
#endif
