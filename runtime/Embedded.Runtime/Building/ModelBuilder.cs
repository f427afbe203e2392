using System;
using System.Collections.Generic;
using Embedded.Runtime.Format;
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
        var lifetimes = TensorLifetimes.Compute(_tensors, _operators, inputs, outputs);
        int[] group = InPlaceGroups(lifetimes, inputs, outputs);

        // One planner request per group of tensors sharing a buffer.
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
            sizes[r] = Math.Max(sizes[r], _tensors[t].ByteLength);
            firsts[r] = Math.Min(firsts[r], lifetimes.First[t]);
            lasts[r] = Math.Max(lasts[r], lifetimes.Last[t]);
        }
        var requests = new BufferRequest[sizes.Count];
        for (int r = 0; r < requests.Length; r++) requests[r] = new BufferRequest(sizes[r], firsts[r], lasts[r]);
        var planned = MemoryPlanner.Plan(requests, MemoryPlan.Alignment);

        var offsets = new int[_tensors.Count];
        for (int t = 0; t < _tensors.Count; t++)
            offsets[t] = requestOf.TryGetValue(group[t], out int r) && !_tensors[t].IsConstant && lifetimes.IsLive(t) ? planned.Offsets[r] : MemoryPlan.NotInArena;

        var model = new ModelDefinition(metadata, _tensors.ToArray(), _operators.ToArray(), inputs, outputs, new MemoryPlan(planned.ArenaBytes, offsets));
        ModelValidator.Validate(model);
        return model;
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

    private static bool IsInPlaceCode(OperatorCode code) => Format.OperatorValidator.SupportsInPlace(code);

    private static bool OtherInputSharesGroup(OperatorDefinition op, int input, int[] group)
    {
        foreach (int other in op.Inputs)
            if (other >= 0 && other != input && group[other] == group[input]) return true;
        return false;
    }
}
