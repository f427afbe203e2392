using System;
using System.Collections.Generic;
using Embedded.Runtime.Kernels;
using Embedded.Runtime.Model;
using Embedded.Runtime.Planning;

namespace Embedded.Runtime.Execution;

/// <summary>
/// The arena layout an interpreter with several threads runs on, and its <see cref="ParallelSchedule"/>.
/// <para>
/// The file's plan lets a tensor reuse bytes as soon as the last reader of their previous tensor has run. With threads
/// that is too soon: a thread may still be reading those bytes for its part of the earlier operator while another
/// writes its part of the next one, so the schedule needs a barrier there (17 of V3-Small's 51 on two threads). This
/// plan first finds the barriers the operators need for their own data (every in-place group of tensors in bytes of
/// its own), then plans the arena again with every tensor live from the stretch between barriers it is written in to
/// the stretch it is last read in: tensors that share bytes are then always a barrier apart, and the schedule on this
/// layout has only the data barriers (V3-Small on two threads: 34 instead of 51). One thread keeps the file's plan.
/// </para>
/// <para>
/// With two threads the buffers are also placed so that no cache line changes hands between the threads
/// (<see cref="AroundPivots"/>): a line last written by one core and written next by the other must first be fetched
/// from it (~200 ns on the dev VM), and the file's layout had V3-Small's threads do that 9,500 times per inference.
/// That costs arena: V3-Small's grows from 490 to 766 KiB.
/// </para>
/// </summary>
internal sealed class ParallelArenaPlan
{
    /// <summary>Offsets are multiples of a cache line, so two tensors written in one stretch never share a line.</summary>
    public const int Alignment = 64;

    public PreparedOperator[] Operators { get; }
    public int[] Offsets { get; }
    public int ArenaBytes { get; }
    public ParallelSchedule Schedule { get; }

    private ParallelArenaPlan(PreparedOperator[] operators, int[] offsets, int arenaBytes, ParallelSchedule schedule)
    {
        Operators = operators; Offsets = offsets; ArenaBytes = arenaBytes; Schedule = schedule;
    }

    /// <summary>
    /// The layout for <paramref name="parts"/> threads on <paramref name="path"/>, or null when the file's own layout
    /// already needs no more barriers (nothing splits, or no barrier stems from reused bytes).
    /// </summary>
    public static ParallelArenaPlan? TryBuild(EmbeddedModel model, KernelPath path, int parts)
    {
        var definition = model.Definition;
        var tensors = definition.Tensors;
        var fileSchedule = ParallelSchedule.Build(model.Operators, path, parts);
        if (!fileSchedule.UsesWorkers) return null;

        int[] group = SharedBuffers(definition, out int[] delta);
        var groupBytes = new Dictionary<int, int>();
        for (int t = 0; t < tensors.Count; t++)
            if (InArena(definition, t))
                groupBytes[group[t]] = Math.Max(groupBytes.TryGetValue(group[t], out int b) ? b : 0, delta[t] + tensors[t].ByteLength);
        var lifetimes = TensorLifetimes.Compute(tensors, definition.Operators, definition.Inputs, definition.Outputs);

        // Every group in bytes of its own: the barriers that remain are the ones the data itself needs.
        var apart = new int[tensors.Count];
        var groupOffset = new Dictionary<int, int>();
        long end = 0;
        for (int t = 0; t < tensors.Count; t++)
        {
            if (!InArena(definition, t)) { apart[t] = MemoryPlan.NotInArena; continue; }
            if (!groupOffset.TryGetValue(group[t], out int offset))
            {
                offset = (int)end;
                groupOffset[group[t]] = offset;
                end = AlignUp(end + groupBytes[group[t]], Alignment);
                if (end > int.MaxValue) return null;
            }
            apart[t] = offset + delta[t];
        }
        var apartOperators = Rebind(model, apart);
        var dataSchedule = ParallelSchedule.Build(apartOperators, path, parts);

        // Stretches between the data barriers; a pool in two phases spans two (its sums, then its finish).
        int count = definition.Operators.Count, stretch = dataSchedule.Stretches - 1;
        int FirstStretch(int op) => dataSchedule.Stretch[op];
        int LastStretch(int op) => dataSchedule.Stretch[op] + (dataSchedule.TwoPhase[op] ? 1 : 0);

        // One request per group, live over the whole stretches of its first write and last read.
        var requestOf = new Dictionary<int, int>();
        var requests = new List<BufferRequest>();
        var firsts = new List<int>();
        var lasts = new List<int>();
        var sizes = new List<int>();
        for (int t = 0; t < tensors.Count; t++)
        {
            if (!InArena(definition, t)) continue;
            int first = lifetimes.First[t] < 0 ? 0 : FirstStretch(lifetimes.First[t]);
            int last = lifetimes.Last[t] >= count ? stretch + 1 : LastStretch(Math.Max(lifetimes.Last[t], 0));
            if (!requestOf.TryGetValue(group[t], out int r))
            {
                r = sizes.Count;
                requestOf[group[t]] = r;
                sizes.Add(groupBytes[group[t]]); firsts.Add(first); lasts.Add(last);
            }
            firsts[r] = Math.Min(firsts[r], first);
            lasts[r] = Math.Max(lasts[r], last);
        }
        for (int r = 0; r < sizes.Count; r++) requests.Add(new BufferRequest(sizes[r], firsts[r], lasts[r]));
        MemoryPlanner.Result planned;
        if (parts == 2)
        {
            // Bytes of the first part of each request, as its writer splits it (−1: one thread writes it all, or not by pixels).
            var firstPart = new int[sizes.Count];
            for (int r = 0; r < firstPart.Length; r++) firstPart[r] = int.MinValue;
            var accesses = new List<ArenaAccess>();
            for (int t = 0; t < tensors.Count; t++)
            {
                if (!InArena(definition, t)) continue;
                int r = requestOf[group[t]];
                int writer = lifetimes.First[t];
                int boundary = -1;
                if (writer >= 0 && dataSchedule.Split[writer])
                {
                    accesses.Clear();
                    apartOperators[writer].DescribeAccesses(true, parts, accesses);
                    foreach (var a in accesses)
                        if (a.Write && a.Start == apart[t] && a.Threads == AccessThreads.Parts) boundary = delta[t] + a.Boundaries![1];
                }
                firstPart[r] = firstPart[r] == int.MinValue || firstPart[r] == boundary ? boundary : -1;
            }
            planned = AroundPivots(requests, firstPart);
        }
        else planned = MemoryPlanner.Plan(requests, Alignment);

        var offsets = new int[tensors.Count];
        for (int t = 0; t < tensors.Count; t++)
            offsets[t] = InArena(definition, t) ? planned.Offsets[requestOf[group[t]]] + delta[t] : MemoryPlan.NotInArena;
        var operators = Rebind(model, offsets);
        var schedule = ParallelSchedule.Build(operators, path, parts);
        // Tensors sharing bytes are a data barrier apart, so the data barriers are all this layout needs; should the
        // schedule still want more than the file's layout, keep the file's (smaller) arena.
        if (schedule.Barriers >= fileSchedule.Barriers) return null;
        return new ParallelArenaPlan(operators, offsets, planned.ArenaBytes, schedule);
    }

    /// <summary>
    /// Two threads: every buffer two threads write by pixels is placed so that the byte where the second thread's part
    /// begins falls on a pivot, one pivot per slot of buffers that are never live together: below a pivot only the
    /// first thread ever writes, above it only the second, and no cache line changes owner from one inference to the
    /// next. Buffers one thread writes go after the slots, planned as usual.
    /// </summary>
    private static MemoryPlanner.Result AroundPivots(List<BufferRequest> requests, int[] firstPart)
    {
        var order = new List<int>();
        for (int r = 0; r < requests.Count; r++) if (firstPart[r] >= 0 && requests[r].SizeBytes > 0) order.Add(r);
        order.Sort((a, b) => requests[a].FirstUse != requests[b].FirstUse ? requests[a].FirstUse.CompareTo(requests[b].FirstUse) : requests[b].SizeBytes.CompareTo(requests[a].SizeBytes));
        var slotOf = new int[requests.Count];
        var slotLast = new List<int>(); var slotLow = new List<int>(); var slotHigh = new List<int>();
        foreach (int r in order)
        {
            int low = firstPart[r], high = requests[r].SizeBytes - low;
            int best = -1; long bestGrowth = long.MaxValue;
            for (int k = 0; k < slotLast.Count; k++)
            {
                if (slotLast[k] >= requests[r].FirstUse) continue;
                long growth = Math.Max(0, low - slotLow[k]) + Math.Max(0, high - slotHigh[k]);
                if (growth < bestGrowth) { best = k; bestGrowth = growth; }
            }
            if (best < 0) { best = slotLast.Count; slotLast.Add(0); slotLow.Add(0); slotHigh.Add(0); }
            slotOf[r] = best;
            slotLast[best] = requests[r].LastUse;
            slotLow[best] = Math.Max(slotLow[best], low); slotHigh[best] = Math.Max(slotHigh[best], high);
        }
        var pivot = new long[slotLast.Count];
        long end = 0;
        for (int k = 0; k < pivot.Length; k++)
        {
            pivot[k] = AlignUp(end + slotLow[k], Alignment);
            end = AlignUp(pivot[k] + slotHigh[k] + MemoryPlan.Alignment, Alignment);
        }
        var offsets = new int[requests.Count];
        foreach (int r in order) offsets[r] = (int)((pivot[slotOf[r]] - firstPart[r]) / MemoryPlan.Alignment * MemoryPlan.Alignment);
        // The rest: planned as usual, after the slots.
        var rest = new List<int>();
        var restRequests = new List<BufferRequest>();
        for (int r = 0; r < requests.Count; r++)
            if (firstPart[r] < 0 || requests[r].SizeBytes == 0) { rest.Add(r); restRequests.Add(requests[r]); }
        var tail = MemoryPlanner.Plan(restRequests, Alignment);
        for (int i = 0; i < rest.Count; i++) offsets[rest[i]] = (int)end + tail.Offsets[i];
        return new MemoryPlanner.Result(offsets, (int)AlignUp(end + tail.ArenaBytes, Alignment));
    }

    private static bool InArena(ModelDefinition definition, int tensor) => definition.Plan.Offsets[tensor] != MemoryPlan.NotInArena;

    private static PreparedOperator[] Rebind(EmbeddedModel model, int[] offsets)
    {
        var tensors = model.Definition.Tensors;
        var bindings = new TensorBinding[tensors.Count];
        for (int t = 0; t < bindings.Length; t++) bindings[t] = new TensorBinding(tensors[t], offsets[t]);
        var operators = new PreparedOperator[model.Operators.Length];
        for (int i = 0; i < operators.Length; i++) operators[i] = new PreparedOperator(model.Operators[i], bindings);
        return operators;
    }

    /// <summary>
    /// Tensors the file's plan lets share a buffer on purpose: an operator's output written over an input at the same
    /// offset (in place, as the validator permits), and a concatenation's inputs inside its output at their blocks. They
    /// stay together here, each at its byte offset from the group's start (<paramref name="delta"/>); every other
    /// tensor is a group of its own.
    /// </summary>
    private static int[] SharedBuffers(ModelDefinition definition, out int[] delta)
    {
        var offsets = definition.Plan.Offsets;
        var group = new int[definition.Tensors.Count];
        for (int t = 0; t < group.Length; t++) group[t] = t;
        int Find(int t) { while (group[t] != t) t = group[t] = group[group[t]]; return t; }
        foreach (var op in definition.Operators)
        {
            var blocks = op.Params is ConcatParams concat
                ? Concat.ContiguousBlocks(concat, Array.ConvertAll(op.Inputs, t => t >= 0 ? definition.Tensors[t] : null), definition.Tensors[op.Outputs[0]])
                : null;
            foreach (int output in op.Outputs)
            {
                if (output < 0 || offsets[output] == MemoryPlan.NotInArena) continue;
                for (int k = 0; k < op.Inputs.Length; k++)
                {
                    int input = op.Inputs[k];
                    if (input < 0 || input == output || offsets[input] == MemoryPlan.NotInArena) continue;
                    bool inBlock = blocks is not null && blocks[k] != Concat.NotABlock && offsets[input] == offsets[output] + blocks[k];
                    if (offsets[input] == offsets[output] || inBlock) group[Find(input)] = Find(output);
                }
            }
        }
        var start = new Dictionary<int, int>();
        for (int t = 0; t < group.Length; t++)
        {
            group[t] = Find(t);
            if (offsets[t] != MemoryPlan.NotInArena)
                start[group[t]] = start.TryGetValue(group[t], out int s) ? Math.Min(s, offsets[t]) : offsets[t];
        }
        delta = new int[group.Length];
        for (int t = 0; t < group.Length; t++)
            if (offsets[t] != MemoryPlan.NotInArena) delta[t] = offsets[t] - start[group[t]];
        return group;
    }

    private static long AlignUp(long value, int alignment) => (value + alignment - 1) / alignment * alignment;
}
