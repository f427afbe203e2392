#if NET
using System;
using System.Runtime.InteropServices;

namespace Embedded.Runtime.Kernels;

/// <summary>
/// A stage's constants for the 16-lane kernels, block of sixteen channels after block, each constant one 64-byte-aligned
/// vector of a pinned array: a block's <see cref="OutputStage512.Plain"/> or <see cref="OutputStage512.Gate"/> reads them
/// straight from here (a reference and an offset, which stay in registers).
/// <para>
/// Why not hold them in the block struct: twenty ZMM constants do not fit in registers next to a kernel's accumulators,
/// so the JIT keeps the struct in the stack frame, and .NET aligns frames to 16 bytes only. On the main thread the
/// stack's alignment changes with every process start (Linux randomizes it in 16-byte steps), and three times in four
/// the constants straddle cache lines: every load became two, and the stem ran 130 µs or 160 µs by luck of the start.
/// </para>
/// </summary>
public sealed class StageBlocks512
{
    /// <summary>Bytes of one vector, and the alignment of every vector here.</summary>
    public const int VectorBytes = 64;

    // Vectors of a block, in order. Every stage: the plain steps (int32 lanes).
    public const int Multiplier = 0, LeftShift = 1, RightShift = 2, Mask = 3, Half = 4, Min = 5, Max = 6, ZeroPoint = 7;
    // Gated stages: the 64-bit steps as low and high halves of eight lanes.
    public const int GateMultiplierLo = 8, GateRoundLo = 10, GateShiftLo = 12, MultiplierLo = 14, RoundLo = 16, ShiftLo = 18;
    private const int PlainVectors = 8, GatedVectors = 20;

    /// <summary>The pinned bytes; <see cref="At"/> gives offsets into them.</summary>
    public byte[] Bytes { get; }
    private readonly int _start, _blockBytes, _blocks;

    private StageBlocks512(byte[] bytes, int start, int blockBytes, int blocks)
    {
        Bytes = bytes; _start = start; _blockBytes = blockBytes; _blocks = blocks;
    }

    /// <summary>The byte offset of the block holding channels [first, first + 16) (<paramref name="first"/> a multiple of 16).</summary>
    public nint At(int first) =>
        (first & 15) == 0 && first >= 0 && first < _blocks * 16 ? _start + (nint)(first >> 4) * _blockBytes
            : throw new ArgumentOutOfRangeException(nameof(first), first, $"a block starts at a multiple of 16 below {_blocks * 16}");

    public static StageBlocks512 Create(VectorOutputStage s)
    {
        bool gated = OutputStage512.IsGated(s);
        int blocks = s.Multipliers.Length / 16;
        int blockBytes = (gated ? GatedVectors : PlainVectors) * VectorBytes;
        var (bytes, start) = AlignedBytes.Allocate(blocks * blockBytes);
        var into = bytes.AsSpan(start);
        for (int b = 0; b < blocks; b++)
        {
            var block = into.Slice(b * blockBytes, blockBytes);
            int c = 16 * b;
            Put(block, Multiplier, s.Multipliers, c); Put(block, LeftShift, s.LeftShifts, c); Put(block, RightShift, s.RightShifts, c);
            Put(block, Mask, s.Masks, c); Put(block, Half, s.HalfMasks, c);
            Put(block, Min, s.Min, c); Put(block, Max, s.Max, c); Put(block, ZeroPoint, s.ZeroPoints, c);
            if (!gated) continue;
            Put(block, GateMultiplierLo, s.GateMultipliers64, c); Put(block, GateRoundLo, s.GateRounds64, c); Put(block, GateShiftLo, s.GateShifts64, c);
            Put(block, MultiplierLo, s.Multipliers64, c); Put(block, RoundLo, s.TotalRounds64, c); Put(block, ShiftLo, s.TotalShifts64, c);
        }
        return new StageBlocks512(bytes, start, blockBytes, blocks);
    }

    // Sixteen int32 lanes: one vector.
    private static void Put(Span<byte> block, int vector, int[] values, int first) =>
        MemoryMarshal.AsBytes(values.AsSpan(first, 16)).CopyTo(block.Slice(vector * VectorBytes, VectorBytes));

    // Sixteen 64-bit lanes: two vectors, low (lanes 0..7) then high.
    private static void Put<T>(Span<byte> block, int vector, T[] values, int first) where T : struct =>
        MemoryMarshal.AsBytes(values.AsSpan(first, 16)).CopyTo(block.Slice(vector * VectorBytes, 2 * VectorBytes));
}
#endif
