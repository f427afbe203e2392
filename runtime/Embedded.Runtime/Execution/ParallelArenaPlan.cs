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
/// layout has only the data barriers. The arena grows (V3-Small: 0.50 → see docs/performance.md); the file's plan
/// stays what one thread runs on.
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

        int[] group = InPlaceGroups(definition);
        var groupBytes = new Dictionary<int, int>();
        for (int t = 0; t < tensors.Count; t++)
            if (InArena(definition, t))
                groupBytes[group[t]] = Math.Max(groupBytes.TryGetValue(group[t], out int b) ? b : 0, tensors[t].ByteLength);
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
            apart[t] = offset;
        }
        var dataSchedule = ParallelSchedule.Build(Rebind(model, apart), path, parts);

        // Stretches between the data barriers; a pool in two phases spans two (its sums, then its finish).
        int count = definition.Operators.Count;
        var firstStretch = new int[count];
        var lastStretch = new int[count];
        int stretch = 0;
        for (int i = 0; i < count; i++)
        {
            if (dataSchedule.BarrierBefore[i]) stretch++;
            firstStretch[i] = stretch;
            if (dataSchedule.TwoPhase[i]) stretch++;
            lastStretch[i] = stretch;
        }

        // One request per group, live over the whole stretches of its first write and last read.
        var requestOf = new Dictionary<int, int>();
        var requests = new List<BufferRequest>();
        var firsts = new List<int>();
        var lasts = new List<int>();
        var sizes = new List<int>();
        for (int t = 0; t < tensors.Count; t++)
        {
            if (!InArena(definition, t)) continue;
            int first = lifetimes.First[t] < 0 ? 0 : firstStretch[lifetimes.First[t]];
            int last = lifetimes.Last[t] >= count ? stretch + 1 : lastStretch[Math.Max(lifetimes.Last[t], 0)];
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
        var planned = MemoryPlanner.Plan(requests, Alignment);

        var offsets = new int[tensors.Count];
        for (int t = 0; t < tensors.Count; t++)
            offsets[t] = InArena(definition, t) ? planned.Offsets[requestOf[group[t]]] : MemoryPlan.NotInArena;
        var operators = Rebind(model, offsets);
        var schedule = ParallelSchedule.Build(operators, path, parts);
        // Tensors sharing bytes are a data barrier apart, so the data barriers are all this layout needs; should the
        // schedule still want more than the file's layout, keep the file's (smaller) arena.
        if (schedule.Barriers >= fileSchedule.Barriers) return null;
        return new ParallelArenaPlan(operators, offsets, planned.ArenaBytes, schedule);
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
    /// offset (in place, as the validator permits). They stay together here; every other tensor is a group of its own.
    /// </summary>
    private static int[] InPlaceGroups(ModelDefinition definition)
    {
        var offsets = definition.Plan.Offsets;
        var group = new int[definition.Tensors.Count];
        for (int t = 0; t < group.Length; t++) group[t] = t;
        int Find(int t) { while (group[t] != t) t = group[t] = group[group[t]]; return t; }
        foreach (var op in definition.Operators)
            foreach (int output in op.Outputs)
            {
                if (output < 0 || offsets[output] == MemoryPlan.NotInArena) continue;
                foreach (int input in op.Inputs)
                    if (input >= 0 && offsets[input] == offsets[output] && input != output) group[Find(input)] = Find(output);
            }
        for (int t = 0; t < group.Length; t++) group[t] = Find(t);
        return group;
    }

    private static long AlignUp(long value, int alignment) => (value + alignment - 1) / alignment * alignment;
}
