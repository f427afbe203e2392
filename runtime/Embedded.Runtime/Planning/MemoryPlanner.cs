using System;
using System.Collections.Generic;

namespace Embedded.Runtime.Planning;

/// <summary>
/// Greedy offset assignment (as tflite-micro's GreedyMemoryPlanner): buffers are placed one after another, each at
/// the lowest aligned offset that does not collide with an already placed buffer whose lifetime overlaps its own.
/// Two orders are tried, largest first and first born first, and the smaller arena kept. Deterministic.
/// </summary>
public static class MemoryPlanner
{
    public sealed class Result
    {
        public int[] Offsets { get; }
        public int ArenaBytes { get; }

        public Result(int[] offsets, int arenaBytes)
        {
            Offsets = offsets;
            ArenaBytes = arenaBytes;
        }
    }

    public static Result Plan(IReadOnlyList<BufferRequest> requests, int alignment = 16)
    {
        if (alignment < 1 || (alignment & (alignment - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(alignment), alignment, "alignment must be a power of two");
        int n = requests.Count;
        // Largest first (TFLM's order), ties by first use.
        var bySize = new int[n];
        for (int i = 0; i < n; i++) bySize[i] = i;
        Array.Sort(bySize, (a, b) =>
        {
            int size = requests[b].SizeBytes.CompareTo(requests[a].SizeBytes);
            if (size != 0) return size;
            int first = requests[a].FirstUse.CompareTo(requests[b].FirstUse);
            return first != 0 ? first : a.CompareTo(b);
        });
        // In order of first use, largest first among those born together: a buffer born early takes the bytes a
        // larger one born later would fragment (a concatenation holding heads that are written one after another).
        var byBirth = (int[])bySize.Clone();
        Array.Sort(byBirth, (a, b) =>
        {
            int first = requests[a].FirstUse.CompareTo(requests[b].FirstUse);
            if (first != 0) return first;
            int size = requests[b].SizeBytes.CompareTo(requests[a].SizeBytes);
            return size != 0 ? size : a.CompareTo(b);
        });
        var best = Place(requests, bySize, alignment);
        var other = Place(requests, byBirth, alignment);
        return other.ArenaBytes < best.ArenaBytes ? other : best;
    }

    /// <summary>Places buffers in <paramref name="order"/>, each at the lowest aligned offset free over its lifetime.</summary>
    private static Result Place(IReadOnlyList<BufferRequest> requests, int[] order, int alignment)
    {
        int n = requests.Count;
        var offsets = new int[n];
        var placed = new List<int>(n);
        var conflicts = new List<int>(n);
        long arena = 0;
        foreach (int current in order)
        {
            conflicts.Clear();
            foreach (int other in placed)
                if (requests[other].LiveTogetherWith(requests[current]) && requests[other].SizeBytes > 0)
                    conflicts.Add(other);
            conflicts.Sort((a, b) => offsets[a].CompareTo(offsets[b]));

            long candidate = 0;
            long size = requests[current].SizeBytes;
            foreach (int other in conflicts)
            {
                if (candidate + size <= offsets[other]) break;
                candidate = Math.Max(candidate, AlignUp(offsets[other] + (long)requests[other].SizeBytes, alignment));
            }
            if (candidate + size > int.MaxValue) throw new InvalidOperationException("the memory plan exceeds 2 GiB");
            offsets[current] = (int)candidate;
            placed.Add(current);
            arena = Math.Max(arena, candidate + size);
        }
        return new Result(offsets, (int)AlignUp(arena, alignment));
    }

    /// <summary>True when no two buffers that are live together share a byte (the planner's guarantee).</summary>
    public static bool IsValid(IReadOnlyList<BufferRequest> requests, int[] offsets, int arenaBytes)
    {
        for (int i = 0; i < requests.Count; i++)
        {
            if (offsets[i] < 0 || (long)offsets[i] + requests[i].SizeBytes > arenaBytes) return false;
            for (int j = i + 1; j < requests.Count; j++)
            {
                if (!requests[i].LiveTogetherWith(requests[j]) || requests[i].SizeBytes == 0 || requests[j].SizeBytes == 0) continue;
                bool disjoint = offsets[i] >= offsets[j] + requests[j].SizeBytes || offsets[j] >= offsets[i] + requests[i].SizeBytes;
                if (!disjoint) return false;
            }
        }
        return true;
    }

    private static long AlignUp(long value, int alignment) => (value + alignment - 1) / alignment * alignment;
}
