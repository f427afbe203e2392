extern alias nano;
using System;
using System.Collections.Generic;
using System.Linq;
using Embedded.Converter.Microcontroller;
using Embedded.Runtime.Model;
using NanoInterpreter = nano::Embedded.Firmware.Nano.Execution.NanoInterpreter;
using NanoModel = nano::Embedded.Firmware.Nano.Model.NanoModel;
using NanoModelException = nano::Embedded.Firmware.Nano.Format.NanoModelException;

namespace Embedded.Converter.Cli.Microcontroller;

/// <summary>
/// What an .emb model needs on a microcontroller running the nano runtime (firmware/Embedded.Firmware.Nano): the arena
/// of its memory plan, scratch (none: every nano kernel writes its output directly), the interpreter's own objects
/// (estimated for nanoCLR's heap, <see cref="NanoHeapEstimate"/>) and the flash the model takes. Where the arena peaks:
/// the operator whose live tensors are the largest set, so a user over budget knows which layer to shrink.
/// </summary>
internal sealed record MicrocontrollerMemory(int ArenaBytes, int ScratchBytes, long StateBytes, int FlashBytes, int PeakOperator, string PeakDescription, RowBandPlan? Streamed)
{
    public long PeakBytes => ArenaBytes + ScratchBytes + StateBytes;

    /// <summary>
    /// The model as the microcontroller runtime would hold it; when that is over <paramref name="budget"/>, with its first
    /// layers streamed row by row (<see cref="RowBandPlan"/>) if that needs less. Returns the file to write (with the
    /// row-band section when streamed) and its memory.
    /// </summary>
    public static (byte[] File, MicrocontrollerMemory Memory) Fit(byte[] file, ModelDefinition definition, string modelName, long budget)
    {
        var memory = Measure(file, definition, modelName, null);
        if (memory.PeakBytes <= budget || RowBandPlan.Best(definition) is not { } plan) return (file, memory);
        byte[] streamedFile = plan.Write(definition);
        var streamed = Measure(streamedFile, definition, modelName, plan);
        return streamed.PeakBytes < memory.PeakBytes ? (streamedFile, streamed) : (file, memory);
    }

    /// <summary>Loads <paramref name="file"/> in the nano interpreter (refusing operators it does not have) and counts.</summary>
    public static MicrocontrollerMemory Measure(byte[] file, ModelDefinition definition, string modelName, RowBandPlan? streamed)
    {
        var missing = definition.Operators.Select((op, i) => (op, i)).Where(p => !NanoModel.Supports((int)p.op.Code)).ToArray();
        if (missing.Length > 0)
            throw new ArgumentException($"{modelName} cannot run on the microcontroller runtime: it has no {string.Join(", ", missing.Select(p => p.op.Code).Distinct())} " +
                $"(operator {missing[0].i} {missing[0].op.Code} '{Short(missing[0].op.Name)}'{(missing.Length > 1 ? $" and {missing.Length - 1} more" : "")}); it runs Conv2D, DepthwiseConv2D, FullyConnected, " +
                "Add, Mul, AveragePool2D, MaxPool2D, GlobalAveragePool, TableLookup, Concat, Reshape, Pad, Softmax, Quantize and Dequantize", "--ram-budget");
        NanoInterpreter nano;
        try
        {
            nano = new NanoInterpreter(file);
        }
        catch (NanoModelException e)
        {
            throw new ArgumentException($"{modelName} cannot run on the microcontroller runtime: {e.Message}", "--ram-budget", e);
        }
        long state = NanoHeapEstimate.Of(nano, file, nano.Arena);
        var (peakOp, description) = Peak(definition, streamed);
        return new MicrocontrollerMemory(nano.ArenaBytes, 0, state, file.Length, peakOp, description, streamed);
    }

    /// <summary>
    /// The operator at which the most activation bytes are live, and what they are; with the first layers streamed, their
    /// whole phase counts as one step holding the chain's input, rings and output.
    /// </summary>
    private static (int op, string description) Peak(ModelDefinition d, RowBandPlan? streamed)
    {
        if (d.Operators.Count == 0) return (0, "no operators");
        var first = new Dictionary<int, int>();
        var last = new Dictionary<int, int>();
        void Use(int tensor, int op)
        {
            if (tensor < 0 || d.Tensors[tensor].IsConstant) return;
            if (!first.ContainsKey(tensor) || op < first[tensor]) first[tensor] = op;
            if (!last.ContainsKey(tensor) || op > last[tensor]) last[tensor] = op;
        }
        foreach (int t in d.Inputs) Use(t, 0);
        for (int i = 0; i < d.Operators.Count; i++)
            foreach (int t in d.Operators[i].Inputs.Concat(d.Operators[i].Outputs)) Use(t, i);
        foreach (int t in d.Outputs) Use(t, d.Operators.Count - 1);
        int chain = streamed?.ChainLength ?? 0;
        var rings = new Dictionary<int, int>();
        for (int k = 0; k + 1 < chain; k++)
        {
            var t = d.Tensors[d.Operators[k].Outputs[0]];
            rings[d.Operators[k].Outputs[0]] = t.ByteLength / t.Shape[1] * streamed!.RingRows[k];
        }
        int Bytes(int t) => rings.TryGetValue(t, out int ring) ? ring : d.Tensors[t].ByteLength;
        IEnumerable<int> Live(int i) => first.Keys.Where(t => chain > 0 && i == 0
            ? first[t] < chain && last[t] >= 0 : first[t] <= i && i <= last[t]);
        int best = 0;
        long bestBytes = -1;
        for (int i = chain > 0 ? chain - 1 : 0; i < d.Operators.Count; i++)
        {
            int step = chain > 0 && i == chain - 1 ? 0 : i;
            long bytes = Live(step).Sum(t => (long)Bytes(t));
            if (bytes > bestBytes) { bestBytes = bytes; best = step; }
        }
        string where = chain > 0 && best == 0 ? $"the first {chain} operators, streamed row by row" : $"operator {best} {d.Operators[best].Code} '{Short(d.Operators[best].Name)}'";
        var live = Live(best).OrderByDescending(Bytes);
        return (best, $"{where}: {string.Join(" + ", live.Select(t => $"'{Short(d.Tensors[t].Name)}' [{string.Join("×", d.Tensors[t].Shape)}]{(rings.ContainsKey(t) ? " (ring)" : "")} {Bytes(t):N0} B"))}");
    }

    /// <summary>TFLite's MLIR names join every fused op's name with ';': the last part, shortened, is enough to find it.</summary>
    private static string Short(string name)
    {
        string last = name[(name.LastIndexOf(';') + 1)..];
        return last.Length <= 48 ? last : "…" + last[^47..];
    }

    /// <summary>"arena … + scratch … + interpreter ≈… = … B" for the convert output.</summary>
    public string Summary(long? budgetBytes) =>
        $"microcontroller RAM: arena {ArenaBytes:N0} B + scratch {ScratchBytes:N0} B + interpreter ≈{StateBytes:N0} B = {PeakBytes:N0} B"
        + (budgetBytes is { } b ? $" of the {b:N0} B budget" : "")
        + $"; flash: model {FlashBytes:N0} B"
        + (Streamed is { } s ? $"; the first {s.ChainLength} operators run row by row (rings of {string.Join(", ", s.RingRows.Take(s.ChainLength - 1))} rows)" : "");

    /// <summary>
    /// "96k", "96 KB", "98304", "1m" (KiB and MiB: 1k = 1024 bytes, as microcontroller RAM is counted) → bytes.
    /// </summary>
    public static long ParseBytes(string text)
    {
        string t = text.Trim().ToLowerInvariant().Replace(" ", "");
        long unit = 1;
        foreach (var (suffix, factor) in new[] { ("kib", 1024L), ("kb", 1024L), ("k", 1024L), ("mib", 1L << 20), ("mb", 1L << 20), ("m", 1L << 20), ("b", 1L) })
            if (t.EndsWith(suffix, StringComparison.Ordinal)) { t = t[..^suffix.Length]; unit = factor; break; }
        if (!long.TryParse(t, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long n) || n <= 0 || n > (1L << 40) / unit)
            throw new ArgumentOutOfRangeException("--ram-budget", text, $"--ram-budget '{text}' is not a size: use bytes or k/m, e.g. 96k or 98304");
        return n * unit;
    }
}
