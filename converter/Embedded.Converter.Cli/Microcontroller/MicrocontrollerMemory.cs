extern alias nano;
using System;
using System.Collections.Generic;
using System.Linq;
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
internal sealed record MicrocontrollerMemory(int ArenaBytes, int ScratchBytes, long StateBytes, int FlashBytes, int PeakOperator, string PeakDescription)
{
    public long PeakBytes => ArenaBytes + ScratchBytes + StateBytes;

    /// <summary>Loads <paramref name="file"/> in the nano interpreter (refusing operators it does not have) and counts.</summary>
    public static MicrocontrollerMemory Measure(byte[] file, ModelDefinition definition, string modelName)
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
        var (peakOp, description) = Peak(definition);
        return new MicrocontrollerMemory(nano.ArenaBytes, 0, state, file.Length, peakOp, description);
    }

    /// <summary>The operator at which the most activation bytes are live, and what they are.</summary>
    private static (int op, string description) Peak(ModelDefinition d)
    {
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
        int best = 0;
        long bestBytes = -1;
        for (int i = 0; i < d.Operators.Count; i++)
        {
            long bytes = first.Keys.Where(t => first[t] <= i && i <= last[t]).Sum(t => (long)d.Tensors[t].ByteLength);
            if (bytes > bestBytes) { bestBytes = bytes; best = i; }
        }
        if (d.Operators.Count == 0) return (0, "no operators");
        var live = first.Keys.Where(t => first[t] <= best && best <= last[t]).Select(t => d.Tensors[t]).OrderByDescending(t => t.ByteLength);
        return (best, $"operator {best} {d.Operators[best].Code} '{Short(d.Operators[best].Name)}': {string.Join(" + ", live.Select(t => $"'{Short(t.Name)}' [{string.Join("×", t.Shape)}] {t.ByteLength:N0} B"))}");
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
        + $"; flash: model {FlashBytes:N0} B";

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
