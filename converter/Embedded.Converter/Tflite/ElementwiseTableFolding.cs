using System;
using System.Collections.Generic;
using System.Linq;
using Embedded.Runtime.Kernels;
using Embedded.Runtime.Model;

namespace Embedded.Converter.Tflite;

/// <summary>
/// Import-time fusion that keeps every byte. An 8-bit ADD, SUB or MUL whose other operand is one constant value is a
/// function of one byte, so it becomes a 256-entry table made by running the operator's own reference kernel on all
/// 256 values; a table whose only reader is another table merges into it (b[a[v]]). TFLite's hard sigmoid in
/// squeeze-excite blocks (ADD 3 with a fused RELU6, then MUL 1/6) becomes one lookup instead of two broadcasts.
/// </summary>
internal static class ElementwiseTableFolding
{
    public static List<OperatorDefinition> Apply(IReadOnlyList<TensorDefinition> tensors, IReadOnlyList<OperatorDefinition> operators, IReadOnlyCollection<int> outputs)
    {
        var tabled = operators.Select(op => AsTable(tensors, op) ?? op).ToList();
        var readers = new int[tensors.Count];
        foreach (var op in tabled)
            foreach (int t in op.Inputs)
                if (t >= 0) readers[t]++;
        foreach (int t in outputs) readers[t]++;

        var result = new List<OperatorDefinition>();
        var producer = new Dictionary<int, int>();
        foreach (var op in tabled)
        {
            if (IsSingleTable(op) && producer.TryGetValue(op.Inputs[0], out int at) && IsSingleTable(result[at]) && readers[op.Inputs[0]] == 1)
            {
                var first = result[at];
                producer.Remove(first.Outputs[0]);
                result[at] = new OperatorDefinition(OperatorCode.TableLookup, op.Name, first.Inputs, op.Outputs,
                    new TableLookupParams { TableCount = 1, Tables = Compose(Table(first), Table(op), tensors[op.Inputs[0]].Type) });
                producer[op.Outputs[0]] = at;
                continue;
            }
            foreach (int t in op.Outputs) producer[t] = result.Count;
            result.Add(op);
        }
        return result;
    }

    private static bool IsSingleTable(OperatorDefinition op) => op.Code == OperatorCode.TableLookup && ((TableLookupParams)op.Params).TableCount == 1;

    private static byte[] Table(OperatorDefinition op) => ((TableLookupParams)op.Params).Tables;

    /// <summary>second ∘ first: entry i of first is a byte pattern of the middle type, which indexes second as value − min.</summary>
    private static byte[] Compose(byte[] first, byte[] second, ElementType middle)
    {
        var table = new byte[TableLookupParams.EntriesPerTable];
        for (int i = 0; i < table.Length; i++)
            table[i] = second[middle == ElementType.Int8 ? (sbyte)first[i] + 128 : first[i]];
        return table;
    }

    /// <summary>The operator as a table lookup, or null when it is not a per-tensor 8-bit function of one activation.</summary>
    private static OperatorDefinition? AsTable(IReadOnlyList<TensorDefinition> tensors, OperatorDefinition op)
    {
        if (op.Code is not (OperatorCode.Add or OperatorCode.Mul) || op.Inputs.Length != 2 || op.Outputs.Length != 1) return null;
        if (op.Inputs.Any(t => t < 0)) return null;
        var output = tensors[op.Outputs[0]];
        bool firstIsConstant = tensors[op.Inputs[0]].IsConstant;
        var x = tensors[op.Inputs[firstIsConstant ? 1 : 0]];
        var constant = tensors[op.Inputs[firstIsConstant ? 0 : 1]];
        if (x.IsConstant || !constant.IsConstant || constant.ElementCount != 1 || x.ElementCount != output.ElementCount) return null;
        if (output.Type is not (ElementType.Int8 or ElementType.UInt8) || x.Type != output.Type || constant.Type != output.Type) return null;
        if (!PerTensor(x) || !PerTensor(constant) || !PerTensor(output) || !PerTensorParams(op.Params)) return null;

        // Every value of the activation's type in table order (entry i is value i − 128 for int8, i for uint8).
        var values = new byte[TableLookupParams.EntriesPerTable];
        for (int i = 0; i < values.Length; i++) values[i] = output.Type == ElementType.Int8 ? (byte)(sbyte)(i - 128) : (byte)i;
        var table = new byte[TableLookupParams.EntriesPerTable];
        int[] line = { values.Length }, one = { 1 };
        var xs = new QuantizedInput(values, x.Type, line, x.Quantization!.ZeroPoints);
        var c = new QuantizedInput(constant.Data.Span, constant.Type, one, constant.Quantization!.ZeroPoints);
        var target = new QuantizedOutput(table, output.Type, line, output.Quantization!.ZeroPoints);
        if (op.Params is AddParams add)
        {
            if (firstIsConstant) Add.Reference(c, xs, target, add);
            else Add.Reference(xs, c, target, add);
        }
        else if (firstIsConstant) Mul.Reference(c, xs, target, (MulParams)op.Params);
        else Mul.Reference(xs, c, target, (MulParams)op.Params);
        return new OperatorDefinition(OperatorCode.TableLookup, op.Name, new[] { op.Inputs[firstIsConstant ? 1 : 0] }, op.Outputs,
            new TableLookupParams { TableCount = 1, Tables = table });
    }

    private static bool PerTensor(TensorDefinition t) => t.Quantization is { Count: 1 };

    private static bool PerTensorParams(OperatorParams p) => p switch
    {
        AddParams a => a.Input1Multipliers.Length == 1 && a.Input2Multipliers.Length == 1 && a.OutputMultipliers.Length == 1 && a.ClampMin.Length == 1 && a.ClampMax.Length == 1,
        MulParams m => m.OutputMultipliers.Length == 1 && m.ClampMin.Length == 1 && m.ClampMax.Length == 1,
        _ => false,
    };
}
