using System;

namespace Embedded.Runtime.Model;

/// <summary>
/// The static memory plan: one arena of <see cref="ArenaBytes"/> and the byte offset of every activation
/// tensor in it. Tensors whose lifetimes do not overlap may share bytes; an in-place operator's output may
/// start exactly where the input it consumes for the last time starts.
/// </summary>
public sealed class MemoryPlan
{
    /// <summary>Offsets are multiples of this, so every tensor is SIMD-aligned inside an aligned arena.</summary>
    public const int Alignment = 16;

    /// <summary>Offset stored for constant tensors, which do not live in the arena.</summary>
    public const int NotInArena = -1;

    public int ArenaBytes { get; }
    /// <summary>One entry per tensor of the model: its arena offset, or <see cref="NotInArena"/>.</summary>
    public int[] Offsets { get; }

    public MemoryPlan(int arenaBytes, int[] offsets)
    {
        ArenaBytes = arenaBytes;
        Offsets = offsets ?? throw new ArgumentNullException(nameof(offsets));
    }
}
