using System;
using System.Collections.Generic;

namespace Embedded.Runtime.Planning;

/// <summary>
/// Greedy-by-size offset assignment (as tflite-micro's GreedyMemoryPlanner): buffers are placed largest
/// first, each at the lowest aligned offset that does not collide with an already placed buffer whose
/// lifetime overlaps its own. Deterministic: ties break by first use, then by request order.
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
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Array.Sort(order, (a, b) =>
        {
            int bySize = requests[b].SizeBytes.CompareTo(requests[a].SizeBytes);
            if (bySize != 0) return bySize;
            int byFirst = requests[a].FirstUse.CompareTo(requests[b].FirstUse);
            return byFirst != 0 ? byFirst : a.CompareTo(b);
        });

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
