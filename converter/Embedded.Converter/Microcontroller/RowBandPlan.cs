using System;
using System.Collections.Generic;
using System.Linq;
using Embedded.Runtime.Format;
using Embedded.Runtime.Model;
using Embedded.Runtime.Planning;

namespace Embedded.Converter.Microcontroller;

/// <summary>
/// A memory plan for the microcontroller runtime that runs the model's first operators row by row (patch-based
/// inference without recomputation): a chain of spatial operators (Conv2D, DepthwiseConv2D, pools) where each reads the
/// one before, whose intermediates are ring buffers as tall as their reader's kernel instead of whole tensors. The large
/// early activations of a MobileNet then never exist whole. Written as an optional .emb section (<see cref="SectionKind"/>,
/// docs/model-format.md) that the main runtime skips; the microcontroller runtime uses its arena and offsets instead of
/// the Plan section's.
/// </summary>
public sealed class RowBandPlan
{
    /// <summary>The optional section's kind ("microcontroller plan").</summary>
    public const uint SectionKind = ModelFormat.OptionalSectionBit | 1;

    public int ArenaBytes { get; }
    public int[] Offsets { get; }
    /// <summary>How many of the first operators run row by row.</summary>
    public int ChainLength { get; }
    /// <summary>Rows each chain operator's output keeps (0 for the last: its output is whole).</summary>
    public int[] RingRows { get; }

    private RowBandPlan(int arenaBytes, int[] offsets, int chainLength, int[] ringRows)
    {
        ArenaBytes = arenaBytes;
        Offsets = offsets;
        ChainLength = chainLength;
        RingRows = ringRows;
    }

    /// <summary>
    /// The streamed chain with the smallest arena, if it is smaller than the model's own plan; null when no chain of two
    /// or more operators helps (the model's plan is then the microcontroller's too).
    /// </summary>
    public static RowBandPlan? Best(ModelDefinition model)
    {
        RowBandPlan? best = null;
        for (int k = 2; k <= LongestChain(model); k++)
        {
            var plan = Create(model, k);
            if (plan.ArenaBytes < (best?.ArenaBytes ?? model.Plan.ArenaBytes)) best = plan;
        }
        return best;
    }

    /// <summary>How many of the first operators form a streamable chain.</summary>
    public static int LongestChain(ModelDefinition model)
    {
        var readers = new int[model.Tensors.Count];
        foreach (var op in model.Operators)
            foreach (int t in op.Inputs.Where(t => t >= 0).Distinct()) readers[t]++;
        int k = 0;
        for (; k < model.Operators.Count; k++)
        {
            var op = model.Operators[k];
            if (!IsRowOperator(op.Code) || op.Outputs.Length != 1) break;
            var input = model.Tensors[op.Inputs[0]];
            var output = model.Tensors[op.Outputs[0]];
            if (input.Rank != 4 || output.Rank != 4 || input.Shape[0] != 1 || input.IsConstant) break;
            if (k > 0)
            {
                int previous = model.Operators[k - 1].Outputs[0];
                if (op.Inputs[0] != previous || readers[previous] != 1 || model.Outputs.Contains(previous) || op.Inputs.Skip(1).Contains(previous)) break;
            }
        }
        return k;
    }

    /// <summary>The plan with the first <paramref name="chainLength"/> operators streamed.</summary>
    public static RowBandPlan Create(ModelDefinition model, int chainLength)
    {
        if (chainLength < 2 || chainLength > LongestChain(model)) throw new ArgumentOutOfRangeException(nameof(chainLength), chainLength, "not a streamable chain of this model");
        var tensors = model.Tensors;
        var ops = model.Operators;
        var lifetimes = TensorLifetimes.Compute(tensors, ops, model.Inputs, model.Outputs);
        var rings = new int[chainLength];
        var ringOf = new Dictionary<int, int>();
        for (int k = 0; k + 1 < chainLength; k++)
        {
            var output = tensors[ops[k].Outputs[0]];
            rings[k] = Math.Min(Extent(model, ops[k + 1]), output.Shape[1]);
            ringOf[ops[k].Outputs[0]] = k;
        }
        int chainInput = ops[0].Inputs[0], chainOutput = ops[chainLength - 1].Outputs[0];
        var requests = new List<BufferRequest>();
        var requestOf = new Dictionary<int, int>();
        for (int t = 0; t < tensors.Count; t++)
        {
            if (tensors[t].IsConstant || !lifetimes.IsLive(t)) continue;
            int first = lifetimes.First[t], last = lifetimes.Last[t], bytes = tensors[t].ByteLength;
            // While the chain runs, its operators interleave: its input, rings and output are all live from its first step to its last.
            if (ringOf.TryGetValue(t, out int k)) { bytes = bytes / tensors[t].Shape[1] * rings[k]; first = 0; last = chainLength - 1; }
            if (t == chainInput) last = Math.Max(last, chainLength - 1);
            if (t == chainOutput) first = Math.Min(first, 0);
            requestOf[t] = requests.Count;
            requests.Add(new BufferRequest(bytes, first, last));
        }
        var planned = MemoryPlanner.Plan(requests, MemoryPlan.Alignment);
        if (!MemoryPlanner.IsValid(requests, planned.Offsets, planned.ArenaBytes)) throw new InvalidOperationException("the row-band plan overlaps live buffers");
        var offsets = new int[tensors.Count];
        for (int t = 0; t < tensors.Count; t++) offsets[t] = requestOf.TryGetValue(t, out int r) ? planned.Offsets[r] : MemoryPlan.NotInArena;
        return new RowBandPlan(planned.ArenaBytes, offsets, chainLength, rings);
    }

    /// <summary>The optional section: arena bytes, one offset per tensor, the chain length and each ring's rows (little-endian int32s).</summary>
    public byte[] ToSection()
    {
        var values = new List<int> { ArenaBytes, Offsets.Length };
        values.AddRange(Offsets);
        values.Add(ChainLength);
        values.AddRange(RingRows);
        var bytes = new byte[values.Count * 4];
        for (int i = 0; i < values.Count; i++) BitConverter.TryWriteBytes(bytes.AsSpan(4 * i), values[i]);
        return bytes;
    }

    /// <summary>The .emb file with this plan as its optional section.</summary>
    public byte[] Write(ModelDefinition model) => ModelWriter.Write(model, new[] { (SectionKind, ToSection()) });

    private static bool IsRowOperator(OperatorCode code) =>
        code is OperatorCode.Conv2D or OperatorCode.DepthwiseConv2D or OperatorCode.AveragePool2D or OperatorCode.MaxPool2D;

    /// <summary>Input rows one output row of <paramref name="op"/> reads.</summary>
    private static int Extent(ModelDefinition model, OperatorDefinition op) => op.Params switch
    {
        Conv2DParams p => (model.Tensors[op.Inputs[1]].Shape[1] - 1) * p.DilationH + 1,
        DepthwiseConv2DParams p => (model.Tensors[op.Inputs[1]].Shape[1] - 1) * p.DilationH + 1,
        Pool2DParams p => p.FilterH,
        _ => throw new ArgumentException($"{op} is not a row operator", nameof(op)),
    };
}
