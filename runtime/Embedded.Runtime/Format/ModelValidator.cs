using System;
using System.Collections.Generic;
using Embedded.Runtime.Kernels;
using Embedded.Runtime.Model;
using Embedded.Runtime.Planning;

namespace Embedded.Runtime.Format;

/// <summary>
/// The semantic rules every model must satisfy, shared by the reader (on load) and the writer (before
/// writing): tensor shapes and quantization, graph order, per-operator shapes/types/parameters, and a
/// memory plan in which no two live tensors overlap except a permitted in-place pair.
/// </summary>
public static class ModelValidator
{
    public static void Validate(ModelDefinition model)
    {
        ValidateStructure(model);
        ValidatePlan(model);
    }

    /// <summary>
    /// Everything but the memory plan: metadata, tensors, graph and every operator's shapes and parameters. What a
    /// builder checks before it plans memory, so a malformed graph (an importer fed a bad file) is a
    /// <see cref="ModelFormatException"/> rather than a failure inside the planner.
    /// </summary>
    public static void ValidateStructure(ModelDefinition model)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("Embedded models are little-endian; this runtime needs a little-endian CPU.");
        var tensors = model.Tensors;
        if (tensors.Count > ModelFormat.MaxTensors) throw new ModelFormatException("tensors", $"{tensors.Count} tensors exceed the limit {ModelFormat.MaxTensors}");
        if (model.Operators.Count > ModelFormat.MaxOperators) throw new ModelFormatException("operators", $"{model.Operators.Count} operators exceed the limit {ModelFormat.MaxOperators}");
        ValidateMetadata(model.Metadata);
        for (int i = 0; i < tensors.Count; i++) ValidateTensor(i, tensors[i]);
        ValidateGraph(model);
        for (int i = 0; i < model.Operators.Count; i++)
            OperatorValidator.Validate(i, model.Operators[i], tensors);
    }

    private static void ValidateMetadata(ModelMetadata m)
    {
        var p = m.Preprocessing;
        if (p.Mean.Length != p.Std.Length)
            throw new ModelFormatException("metadata.std", $"{p.Std.Length} std values for {p.Mean.Length} mean values");
        foreach (float s in p.Std)
            if (!(s > 0) || float.IsInfinity(s)) throw new ModelFormatException("metadata.std", $"std {s} must be finite and positive");
        foreach (float v in p.Mean)
            if (float.IsNaN(v) || float.IsInfinity(v)) throw new ModelFormatException("metadata.mean", $"mean {v} must be finite");
        if (p.ResizeShorterSide < 0 || p.CropWidth < 0 || p.CropHeight < 0 || p.ResizeShorterSide > 1 << 16 || p.CropWidth > 1 << 16 || p.CropHeight > 1 << 16)
            throw new ModelFormatException("metadata.resize", "resize and crop sizes must lie in [0, 65536]");
        if (p.Resize == ResizeRule.ShorterSide && p.ResizeShorterSide == 0)
            throw new ModelFormatException("metadata.resizeShorterSide", "resize rule ShorterSide needs a size");
    }

    private static void ValidateTensor(int index, TensorDefinition t)
    {
        string f = $"tensor[{index}] '{t.Name}'";
        if (!t.Type.IsDefined()) throw new ModelFormatException(f + ".type", $"unknown element type {(int)t.Type}");
        if (t.Rank > TensorDefinition.MaxRank) throw new ModelFormatException(f + ".rank", $"rank {t.Rank} exceeds {TensorDefinition.MaxRank}");
        long elements = 1;
        foreach (int d in t.Shape)
        {
            if (d < 1) throw new ModelFormatException(f + ".shape", $"dimension {d} must be at least 1");
            elements *= d;
            if (elements * t.Type.SizeInBytes() > ModelFormat.MaxTensorBytes)
                throw new ModelFormatException(f + ".shape", $"tensor exceeds {ModelFormat.MaxTensorBytes} bytes");
        }
        if (t.IsConstant && t.Data.Length != elements * t.Type.SizeInBytes())
            throw new ModelFormatException(f + ".dataLength", $"{t.Data.Length} bytes of data for {elements} {t.Type} elements");

        var q = t.Quantization;
        if (q is null) return;
        if (t.Type is ElementType.Float32 or ElementType.Int64) throw new ModelFormatException(f + ".quantization", $"a {t.Type} tensor cannot carry quantization");
        if (q.Scales.Length != q.ZeroPoints.Length || q.Count == 0)
            throw new ModelFormatException(f + ".quantization", $"{q.Scales.Length} scales and {q.ZeroPoints.Length} zero points");
        if (q.IsPerAxis)
        {
            if (q.Axis >= t.Rank) throw new ModelFormatException(f + ".quantization.axis", $"axis {q.Axis} outside rank {t.Rank}");
            if (q.Count != t.Shape[q.Axis]) throw new ModelFormatException(f + ".quantization.count", $"{q.Count} scales for dimension {q.Axis} of size {t.Shape[q.Axis]}");
            if (!t.IsConstant && q.Axis != t.Rank - 1) throw new ModelFormatException(f + ".quantization.axis", $"activations are quantized per channel along the last axis, not axis {q.Axis}");
        }
        else if (q.Axis != -1) throw new ModelFormatException(f + ".quantization.axis", $"axis {q.Axis} is invalid");
        else if (q.Count != 1) throw new ModelFormatException(f + ".quantization.count", $"per-tensor quantization has {q.Count} scales");
        for (int i = 0; i < q.Count; i++)
        {
            float s = q.Scales[i];
            if (!(s > 0) || float.IsInfinity(s)) throw new ModelFormatException($"{f}.quantization.scales[{i}]", $"scale {s} must be finite and positive");
            int zp = q.ZeroPoints[i];
            if (zp < t.Type.MinValue() || zp > t.Type.MaxValue()) throw new ModelFormatException($"{f}.quantization.zeroPoints[{i}]", $"zero point {zp} is outside the {t.Type} range");
        }
    }

    private static void ValidateGraph(ModelDefinition model)
    {
        var tensors = model.Tensors;
        var written = new bool[tensors.Count];
        void CheckIndex(string field, int t, bool optional)
        {
            if (optional && t == OperatorDefinition.NoTensor) return;
            if (t < 0 || t >= tensors.Count) throw new ModelFormatException(field, $"tensor index {t} is outside [0, {tensors.Count})");
        }
        if (model.Inputs.Length == 0) throw new ModelFormatException("graph.inputs", "the model has no input");
        if (model.Outputs.Length == 0) throw new ModelFormatException("graph.outputs", "the model has no output");
        for (int i = 0; i < model.Inputs.Length; i++)
        {
            int t = model.Inputs[i];
            CheckIndex($"graph.inputs[{i}]", t, false);
            if (tensors[t].IsConstant) throw new ModelFormatException($"graph.inputs[{i}]", $"input {tensors[t]} is a constant");
            if (written[t]) throw new ModelFormatException($"graph.inputs[{i}]", $"input {tensors[t]} is listed twice");
            written[t] = true;
        }
        for (int i = 0; i < model.Operators.Count; i++)
        {
            var op = model.Operators[i];
            string f = $"operator[{i}] {op.Code} '{op.Name}'";
            for (int k = 0; k < op.Inputs.Length; k++)
            {
                int t = op.Inputs[k];
                CheckIndex($"{f}.inputs[{k}]", t, true);
                if (t >= 0 && !tensors[t].IsConstant && !written[t])
                    throw new ModelFormatException($"{f}.inputs[{k}]", $"reads {tensors[t]} before any operator writes it");
            }
            for (int k = 0; k < op.Outputs.Length; k++)
            {
                int t = op.Outputs[k];
                CheckIndex($"{f}.outputs[{k}]", t, false);
                if (tensors[t].IsConstant) throw new ModelFormatException($"{f}.outputs[{k}]", $"writes constant {tensors[t]}");
                if (written[t]) throw new ModelFormatException($"{f}.outputs[{k}]", $"{tensors[t]} is already written by a model input or an earlier operator");
                written[t] = true;
            }
        }
        var seenOutputs = new HashSet<int>();
        for (int i = 0; i < model.Outputs.Length; i++)
        {
            int t = model.Outputs[i];
            CheckIndex($"graph.outputs[{i}]", t, false);
            if (!written[t]) throw new ModelFormatException($"graph.outputs[{i}]", $"output {tensors[t]} is never written");
            if (!seenOutputs.Add(t)) throw new ModelFormatException($"graph.outputs[{i}]", $"output {tensors[t]} is listed twice");
        }
    }

    private static void ValidatePlan(ModelDefinition model)
    {
        var plan = model.Plan;
        var tensors = model.Tensors;
        if (plan.ArenaBytes < 0 || plan.ArenaBytes > ModelFormat.MaxArenaBytes)
            throw new ModelFormatException("plan.arenaBytes", $"{plan.ArenaBytes} is outside [0, {ModelFormat.MaxArenaBytes}]");
        if (plan.Offsets.Length != tensors.Count)
            throw new ModelFormatException("plan.offsets", $"{plan.Offsets.Length} offsets for {tensors.Count} tensors");
        var lifetimes = TensorLifetimes.Compute(tensors, model.Operators, model.Inputs, model.Outputs);
        var placed = new List<int>();
        long extent = 0;
        for (int t = 0; t < tensors.Count; t++)
        {
            string f = $"plan.offsets[{t}] ({tensors[t]})";
            int offset = plan.Offsets[t];
            if (tensors[t].IsConstant || !lifetimes.IsLive(t))
            {
                if (offset != MemoryPlan.NotInArena) throw new ModelFormatException(f, $"a {(tensors[t].IsConstant ? "constant" : "unused")} tensor must have offset {MemoryPlan.NotInArena}, found {offset}");
                continue;
            }
            if (offset < 0 || offset % MemoryPlan.Alignment != 0)
                throw new ModelFormatException(f, $"offset {offset} is negative or not {MemoryPlan.Alignment}-byte aligned");
            if ((long)offset + tensors[t].ByteLength > plan.ArenaBytes)
                throw new ModelFormatException(f, $"[{offset}, {(long)offset + tensors[t].ByteLength}) exceeds the {plan.ArenaBytes}-byte arena");
            placed.Add(t);
            extent = Math.Max(extent, (long)offset + tensors[t].ByteLength);
        }
        for (int i = 0; i < placed.Count; i++)
        for (int j = i + 1; j < placed.Count; j++)
        {
            int a = placed[i], b = placed[j];
            if (!lifetimes.Overlap(a, b)) continue;
            int oa = plan.Offsets[a], ob = plan.Offsets[b];
            if (oa >= ob + tensors[b].ByteLength || ob >= oa + tensors[a].ByteLength) continue;
            if (IsPermittedInPlace(model, lifetimes, a, b) || IsPermittedInPlace(model, lifetimes, b, a)) continue;
            if (IsPermittedConcatBlock(model, lifetimes, a, b) || IsPermittedConcatBlock(model, lifetimes, b, a)) continue;
            throw new ModelFormatException($"plan.offsets[{b}]", $"{tensors[b]} at {ob} overlaps {tensors[a]} at {oa} while both are live");
        }
        // The arena is allocated from this number: it must be what the tensors need, not an arbitrary claim.
        long expectedArena = (extent + MemoryPlan.Alignment - 1) / MemoryPlan.Alignment * MemoryPlan.Alignment;
        if (plan.ArenaBytes != expectedArena)
            throw new ModelFormatException("plan.arenaBytes", $"{plan.ArenaBytes} bytes, but the planned tensors end at {extent} (expected {expectedArena})");
    }

    /// <summary>
    /// An input of a concatenation may lie inside the output, exactly at its block (<see cref="Concat.ContiguousBlocks"/>),
    /// when it dies there: the concatenation then finds its elements already in place.
    /// </summary>
    private static bool IsPermittedConcatBlock(ModelDefinition model, TensorLifetimes lifetimes, int input, int output)
    {
        int step = lifetimes.First[output];
        if (step < 0 || lifetimes.Last[input] != step) return false;
        var op = model.Operators[step];
        if (op.Params is not ConcatParams p || op.Outputs.Length != 1 || op.Outputs[0] != output) return false;
        int k = Array.IndexOf(op.Inputs, input);
        if (k < 0 || Array.LastIndexOf(op.Inputs, input) != k) return false;
        var blocks = Concat.ContiguousBlocks(p, Array.ConvertAll(op.Inputs, t => t >= 0 ? model.Tensors[t] : null), model.Tensors[output]);
        return blocks[k] != Concat.NotABlock && (long)model.Plan.Offsets[input] == (long)model.Plan.Offsets[output] + blocks[k];
    }

    /// <summary>
    /// An elementwise operator may write its output over an input of the same shape that it reads for the
    /// last time, starting at the same offset: every element is read before it is overwritten.
    /// </summary>
    private static bool IsPermittedInPlace(ModelDefinition model, TensorLifetimes lifetimes, int input, int output)
    {
        int step = lifetimes.First[output];
        if (step < 0 || lifetimes.Last[input] != step || model.Plan.Offsets[input] != model.Plan.Offsets[output]) return false;
        var op = model.Operators[step];
        if (!OperatorValidator.SupportsInPlace(op.Code) || Array.IndexOf(op.Inputs, input) < 0 || op.Outputs.Length != 1) return false;
        var ti = model.Tensors[input];
        var to = model.Tensors[output];
        if (ti.Type.SizeInBytes() != to.Type.SizeInBytes() || ti.ElementCount != to.ElementCount) return false;
        // Other inputs of the operator must not share bytes with the output, or they would be overwritten early.
        foreach (int other in op.Inputs)
        {
            if (other == input || other < 0 || model.Tensors[other].IsConstant) continue;
            int oo = model.Plan.Offsets[other];
            if (oo < model.Plan.Offsets[output] + to.ByteLength && model.Plan.Offsets[output] < oo + model.Tensors[other].ByteLength) return false;
        }
        return true;
    }
}
