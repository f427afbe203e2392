using System;
using System.Collections.Generic;
using System.Linq;
using Embedded.Runtime.Model;
using Embedded.Runtime.Quantization;

namespace Embedded.Runtime.Format;

/// <summary>
/// Per-operator rules: tensor counts, types, shapes (outputs must equal what the operator computes),
/// quantization presence and per-channel lengths, and parameter ranges. Kernels rely on these holding.
/// </summary>
internal static class OperatorValidator
{
    private const int MaxSpatial = 1 << 16;

    public static bool SupportsInPlace(OperatorCode code) =>
        code == OperatorCode.Reshape || code == OperatorCode.Add || code == OperatorCode.Mul ||
        code == OperatorCode.TableLookup || code == OperatorCode.InterpolatedTable || code == OperatorCode.Quantize;

    public static void Validate(int index, OperatorDefinition op, IReadOnlyList<TensorDefinition> tensors)
    {
        var v = new Context($"operator[{index}] {op.Code} '{op.Name}'", op, tensors);
        switch (op.Code)
        {
            case OperatorCode.Conv2D: ValidateConv(v, op.Params as Conv2DParams); break;
            case OperatorCode.DepthwiseConv2D: ValidateDepthwise(v, op.Params as DepthwiseConv2DParams); break;
            case OperatorCode.FullyConnected: ValidateFullyConnected(v, op.Params as FullyConnectedParams); break;
            case OperatorCode.Add: ValidateAdd(v, op.Params as AddParams); break;
            case OperatorCode.Mul: ValidateMul(v, op.Params as MulParams); break;
            case OperatorCode.AveragePool2D:
            case OperatorCode.MaxPool2D: ValidatePool(v, op.Params as Pool2DParams); break;
            case OperatorCode.GlobalAveragePool: ValidateGlobalAveragePool(v, op.Params as GlobalAveragePoolParams); break;
            case OperatorCode.TableLookup: ValidateTable(v, op.Params as TableLookupParams); break;
            case OperatorCode.InterpolatedTable: ValidateInterpolatedTable(v, op.Params as InterpolatedTableParams); break;
            case OperatorCode.Concat: ValidateConcat(v, op.Params as ConcatParams); break;
            case OperatorCode.Reshape: ValidateReshape(v, op.Params); break;
            case OperatorCode.Pad: ValidatePad(v, op.Params as PadParams); break;
            case OperatorCode.Softmax: ValidateSoftmax(v, op.Params as SoftmaxParams); break;
            case OperatorCode.Quantize: ValidateQuantize(v, op.Params as QuantizeParams); break;
            case OperatorCode.Dequantize: ValidateDequantize(v, op.Params); break;
            case OperatorCode.GatherChannels: ValidateGatherChannels(v, op.Params as GatherChannelsParams); break;
            case OperatorCode.Resize: ValidateResize(v, op.Params as ResizeParams); break;
            case OperatorCode.ArgMax: ValidateArgMax(v, op.Params); break;
            case OperatorCode.DetectionPostProcess: ValidateDetection(v, op.Params as DetectionPostProcessParams); break;
            default: throw v.Fail("code", $"unknown operator code {(int)op.Code}");
        }
    }

    private sealed class Context
    {
        public readonly string Field;
        public readonly OperatorDefinition Op;
        private readonly IReadOnlyList<TensorDefinition> _tensors;

        public Context(string field, OperatorDefinition op, IReadOnlyList<TensorDefinition> tensors)
        {
            Field = field; Op = op; _tensors = tensors;
        }

        public ModelFormatException Fail(string what, string problem) => new($"{Field}.{what}", problem);

        public void Counts(int minInputs, int maxInputs, int outputs)
        {
            if (Op.Inputs.Length < minInputs || Op.Inputs.Length > maxInputs)
                throw Fail("inputs", minInputs == maxInputs ? $"expects {minInputs} inputs, has {Op.Inputs.Length}" : $"expects {minInputs}..{maxInputs} inputs, has {Op.Inputs.Length}");
            if (Op.Outputs.Length != outputs) throw Fail("outputs", $"expects {outputs} outputs, has {Op.Outputs.Length}");
        }

        public T Params<T>(T? p) where T : OperatorParams => p ?? throw Fail("params", $"expected {typeof(T).Name}, found {Op.Params.GetType().Name}");

        public TensorDefinition? OptionalInput(int k) => k < Op.Inputs.Length && Op.Inputs[k] >= 0 ? _tensors[Op.Inputs[k]] : null;

        public TensorDefinition Input(int k) => OptionalInput(k) ?? throw Fail($"inputs[{k}]", "required input is absent");
        public TensorDefinition Output(int k = 0) => _tensors[Op.Outputs[k]];

        /// <summary>An int8/uint8/int16 operand with quantization that may be a constant (e.g. TFLite's x + 3 in h-sigmoid).</summary>
        public TensorDefinition Operand(TensorDefinition t, string what)
        {
            if (!t.Type.IsQuantizedActivation()) throw Fail(what, $"{t} must be int8, uint8 or int16");
            if (t.Quantization is null) throw Fail(what, $"{t} has no quantization parameters");
            if (t.IsConstant && t.Quantization.IsPerAxis && t.Quantization.Axis != t.Rank - 1) throw Fail(what, $"{t} must be quantized along its last axis");
            return t;
        }

        /// <summary>An int8/uint8/int16 activation (not constant) with quantization.</summary>
        public TensorDefinition Activation(TensorDefinition t, string what, int rank = -1)
        {
            if (t.IsConstant) throw Fail(what, $"{t} must be an activation, not a constant");
            return QuantizedData(t, what, rank);
        }

        /// <summary>A quantized 8/16-bit tensor, activation or constant (e.g. a constant concatenated with activations).</summary>
        public TensorDefinition QuantizedData(TensorDefinition t, string what, int rank = -1)
        {
            if (!t.Type.IsQuantizedActivation()) throw Fail(what, $"{t} must be int8, uint8 or int16");
            if (t.Quantization is null) throw Fail(what, $"{t} has no quantization parameters");
            if (rank >= 0 && t.Rank != rank) throw Fail(what, $"{t} must have rank {rank}");
            return t;
        }

        public void Shape(TensorDefinition t, string what, params int[] expected)
        {
            if (!t.Shape.SequenceEqual(expected))
                throw Fail(what, $"{t} has shape [{string.Join(",", t.Shape)}], expected [{string.Join(",", expected)}]");
        }

        public void Positive(string what, int value, int max = MaxSpatial)
        {
            if (value < 1 || value > max) throw Fail(what, $"{value} must lie in [1, {max}]");
        }

        public void NonNegative(string what, int value, int max = MaxSpatial)
        {
            if (value < 0 || value > max) throw Fail(what, $"{value} must lie in [0, {max}]");
        }

        /// <summary>A per-channel array: length 1 (shared) or exactly <paramref name="channels"/>.</summary>
        public void PerChannel<T>(string what, T[]? values, int channels)
        {
            if (values is null || (values.Length != 1 && values.Length != channels))
                throw Fail(what, $"has {values?.Length ?? 0} entries, expected 1 or {channels}");
        }

        public void Multipliers(string what, QuantizedMultiplier[] values, int channels)
        {
            PerChannel(what, values, channels);
            for (int i = 0; i < values.Length; i++)
                if (!values[i].IsValid) throw Fail($"{what}[{i}]", $"invalid fixed-point multiplier {values[i].Multiplier} with shift {values[i].Shift}");
        }

        public void Clamps(string what, int[] min, int[] max, int channels, ElementType type)
        {
            PerChannel(what + ".clampMin", min, channels);
            PerChannel(what + ".clampMax", max, channels);
            for (int c = 0; c < channels; c++)
            {
                int lo = min[min.Length == 1 ? 0 : c], hi = max[max.Length == 1 ? 0 : c];
                if (lo > hi || lo < type.MinValue() || hi > type.MaxValue())
                    throw Fail(what + ".clampMin", $"clamp [{lo}, {hi}] for channel {c} is empty or outside the {type} range");
            }
        }

        /// <summary>Per-axis activation quantization must run along the channel (last) axis with the right count.</summary>
        public void ChannelQuantization(TensorDefinition t, string what, int channels)
        {
            var q = t.Quantization!;
            if (q.IsPerAxis && q.Count != channels) throw Fail(what, $"{t} has {q.Count} channel scales, expected {channels}");
        }

        public void Rounding(string what, RoundingMode mode)
        {
            if (mode != RoundingMode.DoubleRounding && mode != RoundingMode.SingleRounding) throw Fail(what, $"unknown rounding mode {(int)mode}");
        }
    }

    private static int ConvOutputSize(Context v, string what, int input, int kernel, int stride, int dilation, int padBefore, int padAfter)
    {
        long effective = (long)(kernel - 1) * dilation + 1;
        long padded = (long)input + padBefore + padAfter;
        if (padded < effective) throw v.Fail(what, $"kernel extent {effective} exceeds the padded input {padded}");
        return (int)((padded - effective) / stride + 1);
    }

    private static void Geometry(Context v, int strideH, int strideW, int dilationH, int dilationW, Padding2D pad)
    {
        v.Positive("params.strideH", strideH); v.Positive("params.strideW", strideW);
        v.Positive("params.dilationH", dilationH); v.Positive("params.dilationW", dilationW);
        v.NonNegative("params.padding.top", pad.Top); v.NonNegative("params.padding.left", pad.Left);
        v.NonNegative("params.padding.bottom", pad.Bottom); v.NonNegative("params.padding.right", pad.Right);
    }

    private static void Weights(Context v, TensorDefinition w, int rank, int axis, int channels)
    {
        if (!w.IsConstant) throw v.Fail("inputs[1]", $"weights {w} must be constant");
        if (w.Type != ElementType.Int8 && w.Type != ElementType.UInt8) throw v.Fail("inputs[1]", $"weights {w} must be int8 or uint8");
        if (w.Rank != rank) throw v.Fail("inputs[1]", $"weights {w} must have rank {rank}");
        var q = w.Quantization ?? throw v.Fail("inputs[1]", $"weights {w} have no quantization parameters");
        if (q.IsPerAxis && (q.Axis != axis || q.Count != channels))
            throw v.Fail("inputs[1]", $"weights {w} are quantized along axis {q.Axis} with {q.Count} scales; expected axis {axis} with {channels}");
    }

    private static void Bias(Context v, int channels)
    {
        var b = v.OptionalInput(2);
        if (b is null) return;
        if (!b.IsConstant || b.Type != ElementType.Int32) throw v.Fail("inputs[2]", $"bias {b} must be a constant int32 tensor");
        v.Shape(b, "inputs[2]", channels);
    }

    private static void Stage(Context v, OutputStage stage, TensorDefinition output, int channels)
    {
        if (stage is null) throw v.Fail("params.output", "output stage is missing");
        v.Rounding("params.output.rounding", stage.Rounding);
        if (stage.Activation > FusedActivation.HardSwish) throw v.Fail("params.output.activation", $"unknown activation {(int)stage.Activation}");
        v.Multipliers("params.output.multipliers", stage.Multipliers, channels);
        if (stage.HasGate) v.Multipliers("params.output.gateMultipliers", stage.GateMultipliers, channels);
        else if (stage.GateMultipliers.Length != 0) throw v.Fail("params.output.gateMultipliers", $"activation {stage.Activation} takes no gate multipliers");
        v.Clamps("params.output", stage.ClampMin, stage.ClampMax, channels, output.Type);
    }

    /// <summary>What Conv2D and DepthwiseConv2D share once their weights are checked: output shape, channel
    /// quantization, bias and output stage.</summary>
    private static void ConvolutionOutput(Context v, TensorDefinition input, TensorDefinition w, TensorDefinition output, int cout,
        int strideH, int strideW, int dilationH, int dilationW, Padding2D pad, OutputStage stage)
    {
        int oh = ConvOutputSize(v, "params.padding", input.Shape[1], w.Shape[1], strideH, dilationH, pad.Top, pad.Bottom);
        int ow = ConvOutputSize(v, "params.padding", input.Shape[2], w.Shape[2], strideW, dilationW, pad.Left, pad.Right);
        v.Shape(output, "outputs[0]", input.Shape[0], oh, ow, cout);
        v.ChannelQuantization(input, "inputs[0]", input.Shape[3]);
        v.ChannelQuantization(output, "outputs[0]", cout);
        Bias(v, cout);
        Stage(v, stage, output, cout);
    }

    private static void ValidateConv(Context v, Conv2DParams? p0)
    {
        var p = v.Params(p0);
        v.Counts(2, 3, 1);
        var input = v.Activation(v.Input(0), "inputs[0]", 4);
        var w = v.Input(1);
        var output = v.Activation(v.Output(), "outputs[0]", 4);
        Geometry(v, p.StrideH, p.StrideW, p.DilationH, p.DilationW, p.Padding);
        int cin = input.Shape[3];
        if (w.Rank != 4) throw v.Fail("inputs[1]", $"weights {w} must have rank 4 [Cout, KH, KW, Cin/groups]");
        int cout = w.Shape[0];
        Weights(v, w, 4, 0, cout);
        v.Positive("params.groups", p.Groups);
        if (cin % p.Groups != 0 || cout % p.Groups != 0) throw v.Fail("params.groups", $"{p.Groups} groups do not divide {cin} input and {cout} output channels");
        if (w.Shape[3] != cin / p.Groups) throw v.Fail("inputs[1]", $"weights {w} have {w.Shape[3]} input channels per group, expected {cin / p.Groups}");
        ConvolutionOutput(v, input, w, output, cout, p.StrideH, p.StrideW, p.DilationH, p.DilationW, p.Padding, p.Output);
    }

    private static void ValidateDepthwise(Context v, DepthwiseConv2DParams? p0)
    {
        var p = v.Params(p0);
        v.Counts(2, 3, 1);
        var input = v.Activation(v.Input(0), "inputs[0]", 4);
        var w = v.Input(1);
        var output = v.Activation(v.Output(), "outputs[0]", 4);
        Geometry(v, p.StrideH, p.StrideW, p.DilationH, p.DilationW, p.Padding);
        v.Positive("params.depthMultiplier", p.DepthMultiplier);
        int cin = input.Shape[3];
        long coutLong = (long)cin * p.DepthMultiplier;
        if (coutLong > ParamEncoding.MaxChannels) throw v.Fail("params.depthMultiplier", $"{cin}×{p.DepthMultiplier} output channels are too many");
        int cout = (int)coutLong;
        Weights(v, w, 4, 3, cout);
        if (w.Shape[0] != 1 || w.Shape[3] != cout) throw v.Fail("inputs[1]", $"weights {w} must have shape [1, KH, KW, {cout}]");
        ConvolutionOutput(v, input, w, output, cout, p.StrideH, p.StrideW, p.DilationH, p.DilationW, p.Padding, p.Output);
    }

    private static void ValidateFullyConnected(Context v, FullyConnectedParams? p0)
    {
        var p = v.Params(p0);
        v.Counts(2, 3, 1);
        var input = v.Activation(v.Input(0), "inputs[0]");
        var w = v.Input(1);
        var output = v.Activation(v.Output(), "outputs[0]");
        if (w.Rank != 2) throw v.Fail("inputs[1]", $"weights {w} must have rank 2 [Cout, K]");
        int cout = w.Shape[0], k = w.Shape[1];
        Weights(v, w, 2, 0, cout);
        if (input.Rank < 1 || input.ElementCount % k != 0) throw v.Fail("inputs[0]", $"{input} cannot be viewed as rows of {k} elements");
        if (input.Quantization!.IsPerAxis && k % input.Shape[input.Rank - 1] != 0) throw v.Fail("inputs[0]", $"{input} is quantized per channel but its channels do not tile rows of {k}");
        int rows = input.ElementCount / k;
        if (output.Rank < 1 || output.Shape[output.Rank - 1] != cout || output.ElementCount != rows * cout)
            throw v.Fail("outputs[0]", $"{output} must hold {rows} rows of {cout} outputs with {cout} as the last dimension");
        v.ChannelQuantization(output, "outputs[0]", cout);
        Bias(v, cout);
        Stage(v, p.Output, output, cout);
    }

    /// <summary>Broadcast rule (numpy): shapes aligned from the right, each dimension equal to the output's or 1; rank ≤ 4.</summary>
    private static void Broadcast(Context v, TensorDefinition a, TensorDefinition b, TensorDefinition output)
    {
        if (a.Rank > output.Rank || b.Rank > output.Rank || output.Rank > 4 || output.Rank < 1)
            throw v.Fail("inputs", $"{a} and {b} must not exceed the output's rank ({output.Rank}: 1 to 4)");
        for (int d = 0; d < output.Rank; d++)
        {
            int da = d - (output.Rank - a.Rank) >= 0 ? a.Shape[d - (output.Rank - a.Rank)] : 1;
            int db = d - (output.Rank - b.Rank) >= 0 ? b.Shape[d - (output.Rank - b.Rank)] : 1;
            int expected = System.Math.Max(da, db);
            if ((da != expected && da != 1) || (db != expected && db != 1) || output.Shape[d] != expected)
                throw v.Fail("outputs[0]", $"{a} and {b} do not broadcast to {output}");
        }
    }

    private static void SameType(Context v, TensorDefinition a, TensorDefinition b, string what)
    {
        if (a.Type != b.Type) throw v.Fail(what, $"{a} and {b} must have the same element type");
    }

    private static void ValidateAdd(Context v, AddParams? p0)
    {
        var p = v.Params(p0);
        v.Counts(2, 2, 1);
        var a = v.Operand(v.Input(0), "inputs[0]");
        var b = v.Operand(v.Input(1), "inputs[1]");
        var output = v.Activation(v.Output(), "outputs[0]");
        SameType(v, a, output, "inputs[0]"); SameType(v, b, output, "inputs[1]");
        Broadcast(v, a, b, output);
        int channels = output.Shape[output.Rank - 1];
        v.Rounding("params.rounding", p.Rounding);
        if (p.LeftShift < 0 || p.LeftShift > 24) throw v.Fail("params.leftShift", $"{p.LeftShift} must lie in [0, 24]");
        v.Multipliers("params.input1Multipliers", p.Input1Multipliers, channels);
        v.Multipliers("params.input2Multipliers", p.Input2Multipliers, channels);
        v.Multipliers("params.outputMultipliers", p.OutputMultipliers, channels);
        v.Clamps("params", p.ClampMin, p.ClampMax, channels, output.Type);
        v.ChannelQuantization(a, "inputs[0]", (a.Rank == 0 ? 1 : a.Shape[a.Rank - 1]));
        v.ChannelQuantization(b, "inputs[1]", (b.Rank == 0 ? 1 : b.Shape[b.Rank - 1]));
        v.ChannelQuantization(output, "outputs[0]", channels);
    }

    private static void ValidateMul(Context v, MulParams? p0)
    {
        var p = v.Params(p0);
        v.Counts(2, 2, 1);
        var a = v.Operand(v.Input(0), "inputs[0]");
        var b = v.Operand(v.Input(1), "inputs[1]");
        var output = v.Activation(v.Output(), "outputs[0]");
        Broadcast(v, a, b, output);
        int channels = output.Shape[output.Rank - 1];
        v.Rounding("params.rounding", p.Rounding);
        v.Multipliers("params.outputMultipliers", p.OutputMultipliers, channels);
        v.Clamps("params", p.ClampMin, p.ClampMax, channels, output.Type);
    }

    private static void ValidatePool(Context v, Pool2DParams? p0)
    {
        var p = v.Params(p0);
        v.Counts(1, 1, 1);
        var input = v.Activation(v.Input(0), "inputs[0]", 4);
        var output = v.Activation(v.Output(), "outputs[0]", 4);
        SameType(v, input, output, "outputs[0]");
        if (!input.Quantization!.SameAs(output.Quantization)) throw v.Fail("outputs[0]", $"{output} must have the input's quantization");
        Geometry(v, p.StrideH, p.StrideW, 1, 1, p.Padding);
        v.Positive("params.filterH", p.FilterH); v.Positive("params.filterW", p.FilterW);
        int oh = ConvOutputSize(v, "params.padding", input.Shape[1], p.FilterH, p.StrideH, 1, p.Padding.Top, p.Padding.Bottom);
        int ow = ConvOutputSize(v, "params.padding", input.Shape[2], p.FilterW, p.StrideW, 1, p.Padding.Left, p.Padding.Right);
        if (p.Padding.Top >= p.FilterH || p.Padding.Bottom >= p.FilterH || p.Padding.Left >= p.FilterW || p.Padding.Right >= p.FilterW)
            throw v.Fail("params.padding", "padding must be smaller than the filter, so every window holds an input cell");
        v.Shape(output, "outputs[0]", input.Shape[0], oh, ow, input.Shape[3]);
        v.Clamps("params", p.ClampMin, p.ClampMax, input.Shape[3], output.Type);
    }

    private static void ValidateGlobalAveragePool(Context v, GlobalAveragePoolParams? p0)
    {
        var p = v.Params(p0);
        v.Counts(1, 1, 1);
        var input = v.Activation(v.Input(0), "inputs[0]", 4);
        var output = v.Activation(v.Output(), "outputs[0]", 4);
        int c = input.Shape[3];
        v.Shape(output, "outputs[0]", input.Shape[0], 1, 1, c);
        // 8-bit inputs requantize an int32 sum: 2^23 cells of ±255 is the most that cannot wrap.
        if (input.Type != ElementType.Int16 && (long)input.Shape[1] * input.Shape[2] > 1 << 23)
            throw v.Fail("inputs[0]", $"{input} has too many cells for an 8-bit global average");
        v.Rounding("params.rounding", p.Rounding);
        v.Multipliers("params.multipliers", p.Multipliers, c);
        if (p.Algorithm == MeanAlgorithm.TruncatedMean && input.Type != output.Type)
            throw v.Fail("params.algorithm", $"a truncated mean keeps the element type, but {input} and {output} differ");
    }

    private static void ValidateTable(Context v, TableLookupParams? p0)
    {
        var p = v.Params(p0);
        v.Counts(1, 1, 1);
        var input = v.Activation(v.Input(0), "inputs[0]");
        var output = v.Activation(v.Output(), "outputs[0]");
        if (input.Type == ElementType.Int16 || output.Type == ElementType.Int16) throw v.Fail("inputs[0]", "table lookup takes and gives 8-bit tensors");
        v.Shape(output, "outputs[0]", input.Shape);
        int channels = input.Rank == 0 ? 1 : input.Shape[input.Rank - 1];
        if (p.TableCount < 1 || channels % p.TableCount != 0) throw v.Fail("params.tableCount", $"{p.TableCount} tables do not divide {channels} channels");
        if (p.Tables is null || p.Tables.Length != p.TableCount * TableLookupParams.EntriesPerTable)
            throw v.Fail("params.tables", $"holds {p.Tables?.Length ?? 0} bytes, expected {p.TableCount * TableLookupParams.EntriesPerTable}");
    }

    private static void ValidateInterpolatedTable(Context v, InterpolatedTableParams? p0)
    {
        var p = v.Params(p0);
        v.Counts(1, 1, 1);
        var input = v.Activation(v.Input(0), "inputs[0]");
        var output = v.Activation(v.Output(), "outputs[0]");
        if (input.Type != ElementType.Int16 || output.Type != ElementType.Int16) throw v.Fail("inputs[0]", "an interpolated table takes and gives int16 tensors");
        // The samples are indexed by the stored value itself: both sides symmetric, one scale.
        foreach (var (t, what) in new[] { (input, "inputs[0]"), (output, "outputs[0]") })
            if (t.Quantization!.IsPerAxis || t.Quantization.ZeroPoints[0] != 0) throw v.Fail(what, $"{t} must be quantized per tensor with zero point 0");
        v.Shape(output, "outputs[0]", input.Shape);
        if (p.Samples is null || p.Samples.Length != InterpolatedTableParams.Entries)
            throw v.Fail("params.samples", $"holds {p.Samples?.Length ?? 0} samples, expected {InterpolatedTableParams.Entries}");
        for (int i = 0; i < p.Samples.Length; i++)
            if (p.Samples[i] < short.MinValue || p.Samples[i] > short.MaxValue) throw v.Fail($"params.samples[{i}]", $"{p.Samples[i]} is outside int16");
    }

    private static void ValidateConcat(Context v, ConcatParams? p0)
    {
        var p = v.Params(p0);
        v.Counts(1, ModelFormat.MaxOperatorIo, 1);
        var output = v.Activation(v.Output(), "outputs[0]");
        if (output.Quantization!.IsPerAxis) throw v.Fail("outputs[0]", "concatenation takes per-tensor quantization");
        if (p.Axis < 0 || p.Axis >= output.Rank) throw v.Fail("params.axis", $"axis {p.Axis} outside rank {output.Rank}");
        if (p.InputMultipliers is null || p.InputMultipliers.Length != v.Op.Inputs.Length) throw v.Fail("params.inputMultipliers", $"expected one multiplier per input ({v.Op.Inputs.Length})");
        v.Rounding("params.rounding", p.Rounding);
        long total = 0;
        for (int k = 0; k < v.Op.Inputs.Length; k++)
        {
            var t = v.QuantizedData(v.Input(k), $"inputs[{k}]", output.Rank);
            SameType(v, t, output, $"inputs[{k}]");
            if (t.Quantization!.IsPerAxis) throw v.Fail($"inputs[{k}]", "concatenation takes per-tensor quantization");
            for (int d = 0; d < output.Rank; d++)
                if (d != p.Axis && t.Shape[d] != output.Shape[d]) throw v.Fail($"inputs[{k}]", $"{t} differs from {output} outside the concatenation axis");
            total += t.Shape[p.Axis];
            var m = p.InputMultipliers[k];
            if (!m.IsValid) throw v.Fail($"params.inputMultipliers[{k}]", "invalid fixed-point multiplier");
            if (m.Multiplier == 0 && !t.Quantization.SameAs(output.Quantization))
                throw v.Fail($"params.inputMultipliers[{k}]", $"{t} is copied unchanged but its quantization differs from the output's");
        }
        if (total != output.Shape[p.Axis]) throw v.Fail("outputs[0]", $"{output} has {output.Shape[p.Axis]} along axis {p.Axis}, inputs sum to {total}");
    }

    private static void ValidateGatherChannels(Context v, GatherChannelsParams? p0)
    {
        var p = v.Params(p0);
        v.Counts(1, 1, 1);
        var input = v.Activation(v.Input(0), "inputs[0]");
        if (input.Rank == 0) throw v.Fail("inputs[0]", $"{input} has no channel axis");
        var output = v.Activation(v.Output(), "outputs[0]", input.Rank);
        SameType(v, input, output, "outputs[0]");
        if (p.Indices is null || p.Indices.Length == 0) throw v.Fail("params.indices", "gathers no channel");
        int channels = input.Shape[input.Rank - 1];
        for (int j = 0; j < p.Indices.Length; j++)
            if ((uint)p.Indices[j] >= (uint)channels) throw v.Fail($"params.indices[{j}]", $"channel {p.Indices[j]} outside the input's {channels}");
        var expected = (int[])input.Shape.Clone();
        expected[input.Rank - 1] = p.Indices.Length;
        v.Shape(output, "outputs[0]", expected);
        var qi = input.Quantization!; var qo = output.Quantization!;
        if (qi.IsPerAxis != qo.IsPerAxis) throw v.Fail("outputs[0]", "must keep the input's quantization");
        for (int j = 0; j < (qi.IsPerAxis ? p.Indices.Length : 1); j++)
        {
            int from = qi.IsPerAxis ? p.Indices[j] : 0;
            if (qi.Scales[from] != qo.Scales[j] || qi.ZeroPoints[from] != qo.ZeroPoints[j])
                throw v.Fail("outputs[0]", $"channel {j} must keep the quantization of input channel {from}");
        }
    }

    private static void ValidateResize(Context v, ResizeParams? p0)
    {
        var p = v.Params(p0);
        v.Counts(1, 1, 1);
        var input = v.Activation(v.Input(0), "inputs[0]", 4);
        var output = v.Activation(v.Output(), "outputs[0]", 4);
        SameType(v, input, output, "outputs[0]");
        if (output.Shape[0] != input.Shape[0] || output.Shape[3] != input.Shape[3]) throw v.Fail("outputs[0]", $"{output} must keep the batch and channels of {input}");
        var qi = input.Quantization!; var qo = output.Quantization!;
        if (qi.IsPerAxis != qo.IsPerAxis || !qi.Scales.SequenceEqual(qo.Scales) || !qi.ZeroPoints.SequenceEqual(qo.ZeroPoints)) throw v.Fail("outputs[0]", "must keep the input's quantization");
        Taps(v, "params.rowLower", p.RowLower, output.Shape[1], input.Shape[1]);
        Taps(v, "params.rowUpper", p.RowUpper, output.Shape[1], input.Shape[1]);
        Taps(v, "params.columnLower", p.ColumnLower, output.Shape[2], input.Shape[2]);
        Taps(v, "params.columnUpper", p.ColumnUpper, output.Shape[2], input.Shape[2]);
        bool integer = p.Mode == ResizeMode.BilinearInteger, floats = p.Mode == ResizeMode.BilinearFloat;
        Weights(v, "params.rowWeights", p.RowWeights.Length, integer ? output.Shape[1] : 0, p.RowWeights.All(w => Math.Abs(w) <= 1 << 16));
        Weights(v, "params.columnWeights", p.ColumnWeights.Length, integer ? output.Shape[2] : 0, p.ColumnWeights.All(w => Math.Abs(w) <= 1 << 16));
        Weights(v, "params.rowFractions", p.RowFractions.Length, floats ? output.Shape[1] : 0, p.RowFractions.All(f => Math.Abs(f) <= 1 << 16));
        Weights(v, "params.columnFractions", p.ColumnFractions.Length, floats ? output.Shape[2] : 0, p.ColumnFractions.All(f => Math.Abs(f) <= 1 << 16));
    }

    private static void Taps(Context v, string what, int[] taps, int count, int size)
    {
        if (taps is null || taps.Length != count) throw v.Fail(what, $"has {taps?.Length ?? 0} entries, expected one per output index ({count})");
        for (int i = 0; i < taps.Length; i++)
            if ((uint)taps[i] >= (uint)size) throw v.Fail($"{what}[{i}]", $"{taps[i]} lies outside the input's {size}");
    }

    private static void Weights(Context v, string what, int length, int expected, bool bounded)
    {
        if (length != expected) throw v.Fail(what, $"has {length} entries, expected {expected} for this mode");
        if (!bounded) throw v.Fail(what, "weights must be finite and within ±65536");
    }

    private static void ValidateArgMax(Context v, OperatorParams p)
    {
        if (p is not NoParams) throw v.Fail("params", "ArgMax takes no parameters");
        v.Counts(1, 1, 1);
        var input = v.Activation(v.Input(0), "inputs[0]");
        if (input.Rank < 2) throw v.Fail("inputs[0]", $"{input} needs an axis besides the last");
        if (input.Quantization!.IsPerAxis) throw v.Fail("inputs[0]", $"{input} must be quantized per tensor (raw values are compared)");
        var output = v.Output();
        if (output.IsConstant || output.Quantization is not null || output.Type is not (ElementType.Int32 or ElementType.Int64))
            throw v.Fail("outputs[0]", $"{output} must be an int32 or int64 activation without quantization");
        v.Shape(output, "outputs[0]", input.Shape.Take(input.Rank - 1).ToArray());
    }

    private static void ValidateDetection(Context v, DetectionPostProcessParams? p0)
    {
        var p = v.Params(p0);
        v.Counts(3, 3, 4);
        var encodings = Scores(v, v.Input(0), "inputs[0]", 3);
        var scores = Scores(v, v.Input(1), "inputs[1]", 3);
        var anchors = Scores(v, v.Input(2), "inputs[2]", 2);
        if (!anchors.IsConstant) throw v.Fail("inputs[2]", $"{anchors} (the anchors) must be a constant");
        int n = encodings.Shape[1];
        if (encodings.Shape[0] != 1 || encodings.Shape[2] < 4) throw v.Fail("inputs[0]", $"{encodings} must be [1, anchors, ≥4]");
        if (scores.Shape[0] != 1 || scores.Shape[1] != n) throw v.Fail("inputs[1]", $"{scores} must be [1, {n}, classes]");
        if (anchors.Shape[0] != n || anchors.Shape[1] != 4) throw v.Fail("inputs[2]", $"{anchors} must be [{n}, 4]");
        if (p.NumClasses < 1 || scores.Shape[2] - p.NumClasses is not (0 or 1)) throw v.Fail("params.numClasses", $"{p.NumClasses} classes for {scores.Shape[2]} scores per anchor (0 or 1 background)");
        v.Positive("params.maxDetections", p.MaxDetections, 1 << 12);
        v.Positive("params.maxClassesPerDetection", p.MaxClassesPerDetection, 1 << 8);
        v.Positive("params.detectionsPerClass", p.DetectionsPerClass, 1 << 12);
        if (!(p.IouThreshold > 0 && p.IouThreshold <= 1)) throw v.Fail("params.iouThreshold", $"{p.IouThreshold} must lie in (0, 1]");
        if (float.IsNaN(p.ScoreThreshold)) throw v.Fail("params.scoreThreshold", "is not a number");
        foreach (var (name, scale) in new[] { ("yScale", p.YScale), ("xScale", p.XScale), ("hScale", p.HScale), ("wScale", p.WScale) })
            if (!(scale > 0) || float.IsInfinity(scale)) throw v.Fail($"params.{name}", $"{scale} must be finite and positive");
        if (p.Style == DetectionStyle.Torchvision)
        {
            v.Positive("params.imageWidth", p.ImageWidth);
            v.Positive("params.imageHeight", p.ImageHeight);
            v.Positive("params.candidatesPerClass", p.CandidatesPerClass, 1 << 12);
            if (p.MaxClassesPerDetection != 1) throw v.Fail("params.maxClassesPerDetection", "torchvision style reports one class per detection");
            if (float.IsNaN(p.LogScaleClip)) throw v.Fail("params.logScaleClip", "is not a number");
        }
        int slots = p.DetectionSlots;
        var expected = new[] { new[] { 1, slots, 4 }, new[] { 1, slots }, new[] { 1, slots }, new[] { 1 } };
        for (int k = 0; k < 4; k++)
        {
            var output = v.Output(k);
            if (output.IsConstant || output.Type != ElementType.Float32) throw v.Fail($"outputs[{k}]", $"{output} must be a float32 activation");
            v.Shape(output, $"outputs[{k}]", expected[k]);
        }
    }

    /// <summary>A detection input: float32, or 8/16-bit quantized per tensor.</summary>
    private static TensorDefinition Scores(Context v, TensorDefinition t, string what, int rank)
    {
        if (t.Rank != rank) throw v.Fail(what, $"{t} must have rank {rank}");
        if (t.Type == ElementType.Float32) return t;
        if (!t.Type.IsQuantizedActivation() || t.Quantization is null || t.Quantization.IsPerAxis)
            throw v.Fail(what, $"{t} must be float32, or 8/16-bit quantized per tensor");
        return t;
    }

    private static void ValidateReshape(Context v, OperatorParams p)
    {
        if (p is not NoParams) throw v.Fail("params", "Reshape takes no parameters");
        v.Counts(1, 1, 1);
        var input = v.Input(0);
        var output = v.Output();
        if (input.IsConstant) throw v.Fail("inputs[0]", $"{input} must be an activation");
        SameType(v, input, output, "outputs[0]");
        if (input.ElementCount != output.ElementCount) throw v.Fail("outputs[0]", $"{output} has {output.ElementCount} elements, input {input} has {input.ElementCount}");
        var qi = input.Quantization; var qo = output.Quantization;
        if ((qi is null) != (qo is null)) throw v.Fail("outputs[0]", "input and output must both be quantized or both not");
        if (qi is not null && qo is not null)
        {
            bool sameValues = qi.Scales.SequenceEqual(qo.Scales) && qi.ZeroPoints.SequenceEqual(qo.ZeroPoints);
            bool channelsKept = !qi.IsPerAxis || (input.Rank > 0 && output.Rank > 0 && input.Shape[input.Rank - 1] == output.Shape[output.Rank - 1]);
            if (!sameValues || qi.IsPerAxis != qo.IsPerAxis || !channelsKept) throw v.Fail("outputs[0]", $"{output} must keep the input's quantization (and its channel axis when per channel)");
        }
    }

    private static void ValidatePad(Context v, PadParams? p0)
    {
        var p = v.Params(p0);
        v.Counts(1, 1, 1);
        var input = v.Activation(v.Input(0), "inputs[0]");
        var output = v.Activation(v.Output(), "outputs[0]", input.Rank);
        SameType(v, input, output, "outputs[0]");
        if (!input.Quantization!.SameAs(output.Quantization)) throw v.Fail("outputs[0]", $"{output} must have the input's quantization");
        if (p.Before is null || p.After is null || p.Before.Length != input.Rank || p.After.Length != input.Rank)
            throw v.Fail("params", $"expects {input.Rank} before and after counts");
        var expected = new int[input.Rank];
        for (int d = 0; d < input.Rank; d++)
        {
            v.NonNegative($"params.before[{d}]", p.Before[d]);
            v.NonNegative($"params.after[{d}]", p.After[d]);
            expected[d] = input.Shape[d] + p.Before[d] + p.After[d];
        }
        if (input.Quantization.IsPerAxis && input.Rank > 0 && (p.Before[input.Rank - 1] != 0 || p.After[input.Rank - 1] != 0))
            throw v.Fail("params", "a per-channel quantized tensor cannot be padded along its channel axis");
        v.Shape(output, "outputs[0]", expected);
    }

    private static void ValidateSoftmax(Context v, SoftmaxParams? p0)
    {
        var p = v.Params(p0);
        v.Counts(1, 1, 1);
        var input = v.Activation(v.Input(0), "inputs[0]");
        if (input.Type == ElementType.Int16 || input.Quantization!.IsPerAxis) throw v.Fail("inputs[0]", $"{input} must be 8-bit and quantized per tensor");
        var output = v.Output();
        if (output.Type != ElementType.Float32)
        {
            v.Activation(output, "outputs[0]");
            if (output.Type == ElementType.Int16 || output.Quantization!.IsPerAxis) throw v.Fail("outputs[0]", $"{output} must be float32, or 8-bit quantized per tensor");
        }
        else if (output.IsConstant) throw v.Fail("outputs[0]", $"{output} must be an activation");
        v.Shape(output, "outputs[0]", input.Shape);
        if (input.Rank < 1) throw v.Fail("inputs[0]", "softmax needs at least one dimension");
        if (p.ExpTable is null || p.ExpTable.Length != SoftmaxParams.TableSize) throw v.Fail("params.expTable", $"must hold {SoftmaxParams.TableSize} entries");
        for (int i = 0; i < p.ExpTable.Length; i++)
            if (p.ExpTable[i] < 0 || p.ExpTable[i] > SoftmaxParams.One) throw v.Fail($"params.expTable[{i}]", $"{p.ExpTable[i]} outside [0, 2^30]");
        if (p.ExpTable[0] == 0) throw v.Fail("params.expTable[0]", "the entry for the maximum must be positive");
        if (p.FloatTable is null || (p.FloatTable.Length != 0 && p.FloatTable.Length != SoftmaxParams.TableSize)) throw v.Fail("params.floatTable", $"must hold 0 or {SoftmaxParams.TableSize} entries");
        foreach (float f in p.FloatTable)
            if (!(f >= 0) || float.IsInfinity(f)) throw v.Fail("params.floatTable", $"entry {f} must be finite and non-negative");
        if (p.FloatTable.Length != 0 && (output.Type == ElementType.Float32 || p.FloatTable[SoftmaxParams.TableSize - 1] <= 0))
            throw v.Fail("params.floatTable", "the TFLite mode gives quantized outputs and needs a positive entry for the maximum");
        if (p.FixedPointExp is null || (p.FixedPointExp.Length != 0 && p.FixedPointExp.Length != SoftmaxParams.TableSize)) throw v.Fail("params.fixedPointExp", $"must hold 0 or {SoftmaxParams.TableSize} entries");
        if (p.FixedPointExp.Length != 0)
        {
            if (p.FloatTable.Length != 0) throw v.Fail("params.fixedPointExp", "cannot be combined with the float table");
            if (p.FixedPointExp[0] <= 0) throw v.Fail("params.fixedPointExp[0]", "the entry for the maximum must be positive");
            for (int i = 0; i < p.FixedPointExp.Length; i++)
                if (p.FixedPointExp[i] < 0) throw v.Fail($"params.fixedPointExp[{i}]", $"{p.FixedPointExp[i]} is negative");
            if (output.Type == ElementType.Float32 || output.Quantization!.ZeroPoints[0] != output.Type.MinValue() || output.Quantization.Scales[0] != 1f / 256)
                throw v.Fail("outputs[0]", $"{output}: the fixed-point mode writes probabilities with scale 1/256 and zero point {output.Type.MinValue()}");
        }
    }

    private static void ValidateQuantize(Context v, QuantizeParams? p0)
    {
        var p = v.Params(p0);
        v.Counts(1, 1, 1);
        var input = v.Input(0);
        var output = v.Activation(v.Output(), "outputs[0]");
        v.Shape(output, "outputs[0]", input.Shape);
        v.Rounding("params.rounding", p.Rounding);
        int channels = output.Rank == 0 ? 1 : output.Shape[output.Rank - 1];
        if (input.Type == ElementType.Float32)
        {
            if (input.IsConstant) throw v.Fail("inputs[0]", $"{input} must be an activation");
            if (p.Multipliers.Length != 0) throw v.Fail("params.multipliers", "quantizing float input takes no multipliers");
            if (p.Offsets is null || p.Offsets.Length != 0) throw v.Fail("params.offsets", "quantizing float input takes no offsets");
        }
        else
        {
            v.Activation(input, "inputs[0]");
            v.Multipliers("params.multipliers", p.Multipliers, channels);
            if (p.Offsets is null || p.Offsets.Length > 1 && p.Offsets.Length != channels)
                throw v.Fail("params.offsets", $"has {p.Offsets?.Length ?? 0} entries, expected 0, 1 or {channels}");
            foreach (int o in p.Offsets)
                if (o < -QuantizeParams.MaxOffset || o > QuantizeParams.MaxOffset) throw v.Fail("params.offsets", $"offset {o} outside ±2^24");
        }
    }

    private static void ValidateDequantize(Context v, OperatorParams p)
    {
        if (p is not NoParams) throw v.Fail("params", "Dequantize takes no parameters");
        v.Counts(1, 1, 1);
        var input = v.Activation(v.Input(0), "inputs[0]");
        var output = v.Output();
        if (output.Type != ElementType.Float32 || output.Quantization is not null) throw v.Fail("outputs[0]", $"{output} must be float32 without quantization");
        v.Shape(output, "outputs[0]", input.Shape);
    }
}
