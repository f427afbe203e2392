using System;
using System.Collections.Generic;
using Embedded.Runtime.Format;
using Embedded.Runtime.Kernels;
using Embedded.Runtime.Model;
using Embedded.Runtime.Planning;

namespace Embedded.Runtime.Building;

/// <summary>
/// Assembles a <see cref="ModelDefinition"/>: tensors, operators in execution order, model inputs and outputs;
/// <see cref="Build"/> plans memory (greedy by size, with in-place reuse for elementwise operators) and
/// validates the result. The converter and the tests build models through this.
/// </summary>
public sealed class ModelBuilder
{
    private readonly List<TensorDefinition> _tensors = new();
    private readonly List<OperatorDefinition> _operators = new();
    private readonly List<int> _inputs = new();
    private readonly List<int> _outputs = new();

    /// <summary>Let elementwise operators write over an input they read for the last time (smaller arenas).</summary>
    public bool AllowInPlace { get; set; } = true;

    public IReadOnlyList<TensorDefinition> Tensors => _tensors;
    public TensorDefinition Tensor(int index) => _tensors[index];

    public int AddTensor(TensorDefinition tensor)
    {
        _tensors.Add(tensor ?? throw new ArgumentNullException(nameof(tensor)));
        return _tensors.Count - 1;
    }

    public int AddActivation(string name, ElementType type, int[] shape, QuantizationParams? quantization) =>
        AddTensor(new TensorDefinition(name, type, shape, quantization));

    public int AddConstant(string name, ElementType type, int[] shape, QuantizationParams? quantization, byte[] data) =>
        AddTensor(new TensorDefinition(name, type, shape, quantization, data));

    public int AddConstant(string name, int[] shape, int[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), values[i]);
        return AddConstant(name, ElementType.Int32, shape, null, bytes);
    }

    public int AddInput(string name, ElementType type, int[] shape, QuantizationParams? quantization)
    {
        int t = AddActivation(name, type, shape, quantization);
        _inputs.Add(t);
        return t;
    }

    /// <summary>Marks an existing tensor as a model input (for rebuilding a definition).</summary>
    public void MarkInput(int tensor) => _inputs.Add(tensor);

    public void AddOperator(OperatorCode code, string name, int[] inputs, int[] outputs, OperatorParams parameters) =>
        _operators.Add(new OperatorDefinition(code, name, inputs, outputs, parameters));

    public void MarkOutput(int tensor) => _outputs.Add(tensor);

    public IReadOnlyList<OperatorDefinition> Operators => _operators;
    public IReadOnlyList<int> Outputs => _outputs;

    /// <summary>Replaces the operators in execution order (an import pass that fuses some of them); tensors left unread stay out of the arena.</summary>
    public void ReplaceOperators(IEnumerable<OperatorDefinition> operators)
    {
        var replaced = new List<OperatorDefinition>(operators);
        _operators.Clear();
        _operators.AddRange(replaced);
    }

    public ModelDefinition Build(ModelMetadata metadata)
    {
        int[] inputs = _inputs.ToArray(), outputs = _outputs.ToArray();
        // The graph is checked before planning: the planner and the concatenation blocks assume consistent shapes.
        var unplanned = new int[_tensors.Count];
        Array.Fill(unplanned, MemoryPlan.NotInArena);
        ModelValidator.ValidateStructure(new ModelDefinition(metadata, _tensors.ToArray(), _operators.ToArray(), inputs, outputs, new MemoryPlan(0, unplanned)));
        var lifetimes = TensorLifetimes.Compute(_tensors, _operators, inputs, outputs);
        int[] group = InPlaceGroups(lifetimes, inputs, outputs);
        // Byte offset of each tensor from the start of its group's buffer: 0, or its block inside a concatenation.
        var delta = new int[_tensors.Count];
        var (planned, requestOf) = PlanBuffers(lifetimes, group, delta);
        if (AllowInPlace) IntoConcatBlocks(lifetimes, inputs, outputs, ref group, ref delta, ref planned, ref requestOf);

        var offsets = new int[_tensors.Count];
        for (int t = 0; t < _tensors.Count; t++)
            offsets[t] = requestOf.TryGetValue(group[t], out int r) && !_tensors[t].IsConstant && lifetimes.IsLive(t) ? planned.Offsets[r] + delta[t] : MemoryPlan.NotInArena;

        var model = new ModelDefinition(metadata, _tensors.ToArray(), _operators.ToArray(), inputs, outputs, new MemoryPlan(planned.ArenaBytes, offsets));
        ModelValidator.Validate(model);
        return model;
    }

    /// <summary>One planner request per group of tensors sharing a buffer, placed; and the request of each group.</summary>
    private (MemoryPlanner.Result Planned, Dictionary<int, int> RequestOf) PlanBuffers(TensorLifetimes lifetimes, int[] group, int[] delta)
    {
        var requestOf = new Dictionary<int, int>();
        var sizes = new List<int>(); var firsts = new List<int>(); var lasts = new List<int>();
        for (int t = 0; t < _tensors.Count; t++)
        {
            if (_tensors[t].IsConstant || !lifetimes.IsLive(t)) continue;
            int g = group[t];
            if (!requestOf.TryGetValue(g, out int r))
            {
                r = sizes.Count;
                requestOf[g] = r;
                sizes.Add(0); firsts.Add(int.MaxValue); lasts.Add(int.MinValue);
            }
            sizes[r] = Math.Max(sizes[r], delta[t] + _tensors[t].ByteLength);
            firsts[r] = Math.Min(firsts[r], lifetimes.First[t]);
            lasts[r] = Math.Max(lasts[r], lifetimes.Last[t]);
        }
        var requests = new BufferRequest[sizes.Count];
        for (int r = 0; r < requests.Length; r++) requests[r] = new BufferRequest(sizes[r], firsts[r], lasts[r]);
        return (MemoryPlanner.Plan(requests, MemoryPlan.Alignment), requestOf);
    }

    /// <summary>
    /// Union of tensors that may share one buffer: the output of an in-place-capable operator joins the group
    /// of an input of equal byte size that dies at that operator (never a model input or output).
    /// </summary>
    private int[] InPlaceGroups(TensorLifetimes lifetimes, int[] inputs, int[] outputs)
    {
        var group = new int[_tensors.Count];
        for (int t = 0; t < group.Length; t++) group[t] = t;
        if (!AllowInPlace) return group;
        var boundary = new HashSet<int>(inputs);
        boundary.UnionWith(outputs);
        for (int step = 0; step < _operators.Count; step++)
        {
            var op = _operators[step];
            if (op.Outputs.Length != 1 || !IsInPlaceCode(op.Code)) continue;
            int output = op.Outputs[0];
            if (boundary.Contains(output)) continue;
            foreach (int input in op.Inputs)
            {
                if (input < 0 || _tensors[input].IsConstant || boundary.Contains(input)) continue;
                if (lifetimes.Last[input] != step) continue;
                var ti = _tensors[input]; var to = _tensors[output];
                if (ti.ByteLength != to.ByteLength || ti.ElementCount != to.ElementCount) continue;
                if (OtherInputSharesGroup(op, input, group)) continue;
                group[output] = group[input];
                break;
            }
        }
        return group;
    }

    /// <summary>
    /// Concatenation without copies: an input that is one contiguous block of a concatenation's output
    /// (<see cref="Concat.ContiguousBlocks"/>) and dies there joins the output's buffer at its block, with the tensors it
    /// was computed in place from; its producer then writes the concatenated tensor directly and the concatenation
    /// copies nothing for it. Model inputs and outputs keep buffers of their own. The output's buffer then lives from
    /// the first such input on, which can cost more bytes than the copy saves (a small head joined early reserves the
    /// whole output): each input joins only when the arena does not grow.
    /// </summary>
    private void IntoConcatBlocks(TensorLifetimes lifetimes, int[] inputs, int[] outputs, ref int[] group, ref int[] delta,
        ref MemoryPlanner.Result planned, ref Dictionary<int, int> requestOf)
    {
        var boundary = new HashSet<int>(inputs);
        boundary.UnionWith(outputs);
        // Passes until nothing more joins: a join that costs bytes alone can pay once a later concatenation has
        // taken this one in (nested concatenations), so the last concatenations go first.
        for (bool joined = true; joined;)
        {
            joined = false;
            for (int step = _operators.Count - 1; step >= 0; step--)
            {
                var op = _operators[step];
                if (op.Params is not ConcatParams p || op.Outputs.Length != 1) continue;
                var blocks = Concat.ContiguousBlocks(p, Array.ConvertAll(op.Inputs, t => t >= 0 ? _tensors[t] : null), _tensors[op.Outputs[0]]);
                var candidates = new List<int>();
                for (int k = 0; k < op.Inputs.Length; k++)
                {
                    int input = op.Inputs[k];
                    if (blocks[k] == Concat.NotABlock || boundary.Contains(input) || lifetimes.Last[input] != step || group[input] == group[op.Outputs[0]]) continue;
                    if (Array.IndexOf(op.Inputs, input) == k && Array.LastIndexOf(op.Inputs, input) == k) candidates.Add(k);
                }
                // All of them at once first (the planner is greedy: one block alone can cost bytes that all together save), else one by one.
                if (candidates.Count > 1 && TryJoin(candidates, op, blocks, lifetimes, ref group, ref delta, ref planned, ref requestOf)) { joined = true; continue; }
                foreach (int k in candidates)
                    joined |= TryJoin(new[] { k }, op, blocks, lifetimes, ref group, ref delta, ref planned, ref requestOf);
            }
        }
    }

    /// <summary>Moves inputs <paramref name="ks"/> of a concatenation into their blocks when the arena does not grow.</summary>
    private bool TryJoin(IReadOnlyList<int> ks, OperatorDefinition op, int[] blocks, TensorLifetimes lifetimes, ref int[] group, ref int[] delta,
        ref MemoryPlanner.Result planned, ref Dictionary<int, int> requestOf)
    {
        int output = op.Outputs[0];
        int[] joinedGroup = (int[])group.Clone(), joinedDelta = (int[])delta.Clone();
        foreach (int k in ks)
        {
            int input = op.Inputs[k], from = joinedGroup[input], into = joinedGroup[output];
            // A group starts where its last tensor does (an earlier concatenation's output holds its inputs inside).
            if (from == into || joinedDelta[input] != 0) return false;
            for (int t = 0; t < joinedGroup.Length; t++)
                if (joinedGroup[t] == from) { joinedGroup[t] = into; joinedDelta[t] += joinedDelta[output] + blocks[k]; }
        }
        var trial = PlanBuffers(lifetimes, joinedGroup, joinedDelta);
        if (trial.Planned.ArenaBytes > planned.ArenaBytes) return false;
        (group, delta, planned, requestOf) = (joinedGroup, joinedDelta, trial.Planned, trial.RequestOf);
        return true;
    }

    private static bool IsInPlaceCode(OperatorCode code) => Format.OperatorValidator.SupportsInPlace(code);

    private static bool OtherInputSharesGroup(OperatorDefinition op, int input, int[] group)
    {
        foreach (int other in op.Inputs)
            if (other >= 0 && other != input && group[other] == group[input]) return true;
        return false;
    }
}
