using System;
using System.Collections.Generic;
using System.Linq;
using Embedded.Converter.Calibration;
using Embedded.Converter.Float.Operators;
using Embedded.Converter.Graph;
using Embedded.Runtime.Building;
using Embedded.Runtime.Model;
using Embedded.Runtime.Quantization;

namespace Embedded.Converter.Quantization;

/// <summary>The result of quantization: the .emb definition and how float values map to its tensors.</summary>
public sealed class QuantizedModel
{
    public ModelDefinition Definition { get; }
    public IReadOnlyDictionary<string, int> TensorOfValue { get; }

    public QuantizedModel(ModelDefinition definition, IReadOnlyDictionary<string, int> tensorOfValue)
    {
        Definition = definition;
        TensorOfValue = tensorOfValue;
    }
}

/// <summary>
/// Lowers the optimized float graph (NCHW, ONNX semantics) to an int8 .emb model (NHWC): chooses every
/// activation's quantization from calibration statistics, quantizes weights per output channel after folding
/// the input's (possibly per-channel) scales into them, computes biases and fixed-point output stages, and
/// emits runtime operators through <see cref="ModelBuilder"/>, which plans memory and validates.
/// </summary>
public sealed class Quantizer
{
    private readonly ModelGraph _graph;
    private readonly IReadOnlyDictionary<string, ActivationStatistics> _stats;
    private readonly QuantizerOptions _options;
    private readonly ModelBuilder _builder = new();
    private readonly Dictionary<string, int> _tensorOf = new();
    private readonly Dictionary<string, List<Node>> _consumers = new();

    private Quantizer(ModelGraph graph, IReadOnlyDictionary<string, ActivationStatistics> stats, QuantizerOptions options)
    {
        _graph = graph;
        _stats = stats;
        _options = options;
        foreach (var node in graph.Nodes)
            foreach (string input in node.Inputs.Where(i => i.Length > 0))
            {
                if (!_consumers.TryGetValue(input, out var list)) _consumers[input] = list = new List<Node>();
                list.Add(node);
            }
    }

    public static QuantizedModel Quantize(ModelGraph graph, IReadOnlyDictionary<string, ActivationStatistics> stats, QuantizerOptions options) =>
        new Quantizer(graph, stats, options).Run();

    /// <summary>Values that the quantizer wants per-channel histograms of (all readers depthwise).</summary>
    public static ISet<string> PerChannelCandidates(ModelGraph graph)
    {
        var result = new HashSet<string>();
        foreach (var (name, info) in graph.Values)
        {
            if (info.IsConstant || graph.Outputs.Contains(name)) continue;
            var readers = graph.Nodes.Where(n => n.Inputs.Contains(name)).ToList();
            if (readers.Count > 0 && readers.All(n => IsDepthwise(graph, n) && n.Inputs[0] == name)) result.Add(name);
        }
        return result;
    }

    private static bool IsDepthwise(ModelGraph graph, Node node)
    {
        if (node.OpType != "Conv") return false;
        var w = graph.Value(node.Inputs[1]).Shape!;
        long group = node.Attributes.Int("group", 1);
        return group > 1 && w[1] == 1 && group == graph.Value(node.Inputs[0]).Shape![1];
    }

    private QuantizedModel Run()
    {
        if (_graph.Inputs.Count != 1) throw new GraphException("the quantizer handles models with one input");
        foreach (var node in _graph.Nodes) Lower(node);
        if (_options.Detection is { } detection) EmitDetection(detection);
        else foreach (string output in _graph.Outputs) EmitOutput(output);
        var definition = _builder.Build(_options.Metadata);
        return new QuantizedModel(definition, _tensorOf);
    }

    // ---- shapes and activation quantization -------------------------------------------------------------

    private int[] FloatShape(string value) => _graph.Value(value).Shape ?? throw new GraphException($"value '{value}' has no shape");

    /// <summary>NCHW → NHWC; other ranks keep their order.</summary>
    private static int[] Nhwc(int[] shape) => shape.Length == 4 ? new[] { shape[0], shape[2], shape[3], shape[1] } : (int[])shape.Clone();

    private ActivationStatistics Stats(string value) =>
        _stats.TryGetValue(value, out var s) ? s : throw new GraphException($"no calibration statistics for '{value}'");

    private bool WantsInt16(string value) =>
        _options.Int16Values.Contains(value) || FeedsOutputDirectly(value);

    private bool FeedsOutputDirectly(string value)
    {
        if (_graph.Outputs.Contains(value)) return true;
        if (!_consumers.TryGetValue(value, out var readers) || readers.Count != 1) return false;
        var reader = readers[0];
        // A concatenation of output heads (SSD's boxes) keeps 16 bits when every part it joins does.
        if (reader.OpType == "Concat")
            return reader.Inputs.All(i => _consumers.TryGetValue(i, out var r) && r.Count == 1) && FeedsOutputDirectly(reader.Outputs[0]);
        return reader.OpType is InternalOps.LayoutReshape or InternalOps.GatherChannels && FeedsOutputDirectly(reader.Outputs[0]);
    }

    private static QuantizationParams Asymmetric8(double low, double high)
    {
        low = Math.Min(0, low); high = Math.Max(0, high);
        double scale = Math.Max((high - low) / 255.0, 1e-8);
        int zp = (int)Math.Clamp(Math.Round(-128 - low / scale), -128, 127);
        return QuantizationParams.PerTensor((float)scale, zp);
    }

    /// <summary>
    /// 16 bits resolve 16× the calibrated range (four bits of headroom) finely enough: an image beyond the calibration
    /// set's range then costs nothing instead of clipping (random-weight MobileNetV3-Large: an unseen image drives its
    /// classifier 15.7× beyond the range of 8 calibration images, and fell to 5.6 dB with 4× headroom).
    /// </summary>
    private const double Int16Headroom = 16;

    private static float Symmetric16Scale(double low, double high) => (float)Math.Max(Int16Headroom * Math.Max(Math.Abs(low), Math.Abs(high)) / 32767.0, 1e-8);

    /// <summary>Chooses type and quantization of an activation value from its statistics.</summary>
    private (ElementType type, QuantizationParams q) ActivationQuantization(string value, string? fixedRange = null)
    {
        if (fixedRange == "HardSigmoid") return (ElementType.Int8, QuantizationParams.PerTensor(1f / 255, -128));
        // A value read only by a concatenation, as one of its parts, is quantized as the concatenation's output: the part is
        // then copied unchanged (one rounding, not two) and, where it is a contiguous block, produced straight into it.
        if (ConcatJoined(value) is { } concat)
        {
            var shared = ActivationQuantization(concat.Outputs[0]);
            if (!shared.q.IsPerAxis && shared.type == (WantsInt16(value) ? ElementType.Int16 : ElementType.Int8)) return shared;
        }
        var s = Stats(value);
        // 16 bits resolve the full observed range finely; clipping them (the logits above all) only saturates.
        if (WantsInt16(value)) return (ElementType.Int16, QuantizationParams.PerTensor(Symmetric16Scale(s.Min, s.Max), 0));
        var (low, high) = RangeSelection.Select(s.Tensor!, _options.Method);
        if (_options.PerChannelDepthwiseInputs && s.PerChannel is not null)
        {
            var scales = new float[s.Channels];
            var zps = new int[s.Channels];
            for (int c = 0; c < s.Channels; c++)
            {
                var (l, h) = RangeSelection.Select(s.PerChannel[c], _options.Method);
                var q = Asymmetric8(l, h);
                scales[c] = q.Scales[0];
                zps[c] = q.ZeroPoints[0];
            }
            return (ElementType.Int8, QuantizationParams.PerAxis(FloatShape(value).Length - 1, scales, zps));
        }
        return (ElementType.Int8, Asymmetric8(low, high));
    }

    /// <summary>The concatenation that reads <paramref name="value"/> once and is its only reader (through reshapes that keep its bytes), or null.</summary>
    private Node? ConcatJoined(string value)
    {
        while (!_graph.Outputs.Contains(value) && _consumers.TryGetValue(value, out var readers) && readers.Count == 1)
        {
            var reader = readers[0];
            if (reader.OpType == "Concat") return reader.Inputs.Count(i => i == value) == 1 ? reader : null;
            if (reader.OpType != InternalOps.LayoutReshape) return null;
            value = reader.Outputs[0];
        }
        return null;
    }

    private int AddActivation(string value, ElementType type, QuantizationParams q)
    {
        int t = _builder.AddActivation(value, type, Nhwc(FloatShape(value)), q);
        _tensorOf[value] = t;
        return t;
    }

    private int Tensor(Node node, string value) =>
        _tensorOf.TryGetValue(value, out int t) ? t : throw new GraphException(node, $"input '{value}' is not an activation the quantizer has produced (constant operands are not supported here)");

    private TensorDefinition Def(int tensor) => _builder.Tensor(tensor);

    // ---- lowering per operator ---------------------------------------------------------------------------

    private void Lower(Node node)
    {
        switch (node.OpType)
        {
            case InternalOps.Normalize: LowerNormalize(node); break;
            case "Conv": LowerConv(node); break;
            case InternalOps.FullyConnected: LowerFullyConnected(node); break;
            case "GlobalAveragePool": LowerGlobalAveragePool(node); break;
            case "Mul": LowerMul(node); break;
            case "Add": LowerAdd(node); break;
            case InternalOps.LayoutReshape: LowerReshape(node); break;
            case "Reshape": case "Flatten": case "Transpose": case "Squeeze": case "Unsqueeze":
                throw new GraphException(node, $"rearranging [{string.Join(",", FloatShape(node.Inputs[0]))}] into [{string.Join(",", FloatShape(node.Outputs[0]))}] moves elements in the runtime's NHWC storage in a way that is neither a reshape nor a channel reordering; not supported yet");
            case InternalOps.GatherChannels: LowerGatherChannels(node); break;
            case "Resize": LowerResize(node); break;
            case "ArgMax": LowerArgMax(node); break;
            case "MaxPool":
            case "AveragePool": LowerPool(node); break;
            case "Relu": case "HardSwish": case "HardSigmoid": case "Sigmoid": case "Tanh": case InternalOps.Swish: case "Clip": case "LeakyRelu":
                LowerTable(node); break;
            case "Concat": LowerConcat(node); break;
            case "Softmax": LowerSoftmax(node); break;
            default:
                throw new GraphException(node, "this operator cannot be quantized yet");
        }
    }

    /// <summary>
    /// Raw uint8 pixels → exact normalized int16: q = k·pixel − k·mean with k making k·mean an integer
    /// (docs/quantization.md, "Input normalization"). The model input becomes uint8 NHWC pixels.
    /// </summary>
    private void LowerNormalize(Node node)
    {
        string input = node.Inputs[0];
        if (input != _graph.Inputs[0]) throw new GraphException(node, "normalization must read the model input");
        var mean = node.Attributes.Tensor("mean").Floats;
        var std = node.Attributes.Tensor("std").Floats;
        int channels = mean.Length;
        var shape = Nhwc(FloatShape(input));
        int pixels = _builder.AddInput(input, ElementType.UInt8, shape, QuantizationParams.PerTensor(1f, 0));
        _tensorOf[input] = pixels;
        var k = InputGrid.Multipliers(mean, std);
        var offsets = new int[channels];
        var scales = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            offsets[c] = -(int)Math.Round(k[c] * (double)mean[c]);
            scales[c] = (float)(1.0 / (k[c] * (double)std[c]));
        }
        int output = AddActivation(node.Outputs[0], ElementType.Int16, QuantizationParams.PerAxis(3, scales, new int[channels]));
        _builder.AddOperator(OperatorCode.Quantize, node.Name, new[] { pixels }, new[] { output }, new QuantizeParams
        {
            Rounding = _options.Rounding,
            Multipliers = k.Select(v => QuantizedMultiplier.FromDouble(v)).ToArray(),
            Offsets = offsets,
        });
    }

    /// <summary>Real scale of input channel c of a tensor (per tensor or per channel).</summary>
    private static double InputScale(TensorDefinition t, int c) => t.Quantization!.ScaleAt(t.Quantization.IsPerAxis ? c : 0);

    /// <summary>
    /// Quantizes folded weights per output channel: q = round(W_eff / s), s = max|W_eff[o]| / 127, returning the
    /// int8 bytes and the scales, which are the accumulator scales since the input scales are already folded in.
    /// The scale never drops below |bias| / 2^29, so the int32 bias always fits (a channel whose weights are all
    /// zero — pruned or dead — keeps its bias exactly that way).
    /// </summary>
    private (byte[] data, float[] scales) QuantizeWeights(double[] weights, int outChannels, float[]? bias)
    {
        int per = weights.Length / outChannels;
        var data = new byte[weights.Length];
        var scales = new float[outChannels];
        for (int o = 0; o < outChannels; o++)
        {
            double max = 0;
            for (int i = 0; i < per; i++) max = Math.Max(max, Math.Abs(weights[o * per + i]));
            if (_options.MseWeightClipping) max = MseClip(weights.AsSpan(o * per, per), max);
            double s = Math.Max(max / 127.0, Math.Abs(bias?[o] ?? 0f) / (1 << 29));
            if (s <= 0) s = 1e-6;
            scales[o] = (float)s;
            for (int i = 0; i < per; i++)
                data[o * per + i] = unchecked((byte)(sbyte)Math.Clamp(Math.Round(weights[o * per + i] / scales[o]), -127, 127));
        }
        return (data, scales);
    }

    /// <summary>The clipping threshold in [0.5, 1]·max that minimizes Σ (w − Q(w))² for a symmetric 8-bit grid.</summary>
    internal static double MseClip(ReadOnlySpan<double> weights, double max)
    {
        if (max <= 0) return max;
        double best = max, bestError = double.PositiveInfinity;
        for (int i = 0; i <= 50; i++)
        {
            double clip = max * (1 - i * 0.01);
            double step = clip / 127, error = 0;
            foreach (double w in weights)
            {
                double q = Math.Clamp(Math.Round(w / step), -127, 127) * step;
                error += (w - q) * (w - q);
            }
            if (error < bestError) { bestError = error; best = clip; }
        }
        return best;
    }

    private int AddBias(Node node, float[]? bias, float[] accScales)
    {
        var values = new int[accScales.Length];
        for (int o = 0; o < values.Length; o++)
        {
            double q = Math.Round((bias?[o] ?? 0f) / (double)accScales[o]);
            if (Math.Abs(q) > int.MaxValue / 2) throw new GraphException(node, $"bias of channel {o} does not fit in 32 bits at scale {accScales[o]:G3}");
            values[o] = (int)q;
        }
        return _builder.AddConstant(node.Name + "/bias", new[] { values.Length }, values);
    }

    private (string activation, FusedActivation fused) Activation(Node node)
    {
        string name = node.Attributes.String(InternalOps.ActivationAttribute, "");
        return (name, name switch
        {
            "" => FusedActivation.None,
            "Relu" => FusedActivation.Relu,
            "Relu6" => FusedActivation.Relu6,
            "HardSigmoid" => FusedActivation.HardSigmoid,
            "HardSwish" => FusedActivation.HardSwish,
            _ => throw new GraphException(node, $"fused activation '{name}' has no fixed-point form"),
        });
    }

    private void LowerConv(Node node)
    {
        int input = Tensor(node, node.Inputs[0]);
        var inT = Def(input);
        var w = ConstantInput(node, 1);
        var bias = node.HasInput(2) ? ConstantInput(node, 2).Floats : null;
        var x = FloatShape(node.Inputs[0]);
        var g = SpatialGeometry.FromAttributes(node, x[2], x[3], w.Shape[2], w.Shape[3]);
        int group = (int)node.Attributes.Int("group", 1);
        int cout = w.Shape[0], cinG = w.Shape[1], kh = w.Shape[2], kw = w.Shape[3];
        bool depthwise = IsDepthwise(_graph, node);
        var (actName, fused) = Activation(node);
        var (outType, outQ) = ActivationQuantization(node.Outputs[0], actName == "HardSigmoid" ? "HardSigmoid" : null);
        int output = AddActivation(node.Outputs[0], outType, outQ);

        // Folded weights in the runtime's layout: depthwise [1,KH,KW,Cout], otherwise OHWI [Cout,KH,KW,Cin/g].
        var folded = new double[w.Length];
        int coutG = cout / group;
        for (int o = 0; o < cout; o++)
        for (int i = 0; i < cinG; i++)
        for (int ky = 0; ky < kh; ky++)
        for (int kx = 0; kx < kw; kx++)
        {
            int inChannel = o / coutG * cinG + i;
            double value = w.Floats[((o * cinG + i) * kh + ky) * kw + kx] * InputScale(inT, inChannel);
            // Quantization runs per output channel, so build OHWI first and transpose for depthwise afterwards.
            folded[((o * kh + ky) * kw + kx) * cinG + i] = value;
        }
        var (data, accScales) = QuantizeWeights(folded, cout, bias);
        int weights;
        var padding = new Padding2D(g.PadTop, g.PadLeft, g.PadBottom, g.PadRight);
        var stage = OutputStageBuilder.Build(accScales.Select(s => (double)s).ToArray(), outQ, outType, fused, _options.Rounding);
        if (depthwise)
        {
            var hwo = new byte[data.Length];
            for (int o = 0; o < cout; o++)
            for (int k = 0; k < kh * kw; k++)
                hwo[k * cout + o] = data[o * kh * kw + k];
            weights = _builder.AddConstant(node.Name + "/weights", ElementType.Int8, new[] { 1, kh, kw, cout },
                QuantizationParams.PerAxis(3, accScales, new int[cout]), hwo);
            int b = AddBias(node, bias, accScales);
            _builder.AddOperator(OperatorCode.DepthwiseConv2D, node.Name, new[] { input, weights, b }, new[] { output }, new DepthwiseConv2DParams
            {
                StrideH = g.StrideH, StrideW = g.StrideW, DilationH = g.DilationH, DilationW = g.DilationW, Padding = padding,
                DepthMultiplier = cout / group, Output = stage,
            });
        }
        else
        {
            weights = _builder.AddConstant(node.Name + "/weights", ElementType.Int8, new[] { cout, kh, kw, cinG },
                QuantizationParams.PerAxis(0, accScales, new int[cout]), data);
            int b = AddBias(node, bias, accScales);
            _builder.AddOperator(OperatorCode.Conv2D, node.Name, new[] { input, weights, b }, new[] { output }, new Conv2DParams
            {
                StrideH = g.StrideH, StrideW = g.StrideW, DilationH = g.DilationH, DilationW = g.DilationW, Padding = padding,
                Groups = group, Output = stage,
            });
        }
    }

    private TensorData ConstantInput(Node node, int k) =>
        _graph.Value(node.Inputs[k]).Constant ?? throw new GraphException(node, $"input {k} must be constant (weights, bias)");

    private void LowerFullyConnected(Node node)
    {
        int input = Tensor(node, node.Inputs[0]);
        var inT = Def(input);
        var w = ConstantInput(node, 1);
        var bias = node.HasInput(2) ? ConstantInput(node, 2).Floats : null;
        int cout = w.Shape[0], depth = w.Shape[1];
        var x = FloatShape(node.Inputs[0]);
        // A flattened NCHW input has features ordered (c, h, w); the NHWC tensor holds them as (h, w, c).
        int channels = x.Length == 4 ? x[1] : depth, cells = x.Length == 4 ? x[2] * x[3] : 1;
        var (actName, fused) = Activation(node);
        var (outType, outQ) = ActivationQuantization(node.Outputs[0], actName == "HardSigmoid" ? "HardSigmoid" : null);
        int output = AddActivation(node.Outputs[0], outType, outQ);
        var folded = new double[w.Length];
        for (int o = 0; o < cout; o++)
        for (int k = 0; k < depth; k++)
        {
            int c = k / cells, cell = k % cells;
            folded[o * depth + cell * channels + c] = w.Floats[o * depth + k] * InputScale(inT, inT.Quantization!.IsPerAxis ? c : 0);
        }
        var (data, accScales) = QuantizeWeights(folded, cout, bias);
        int weights = _builder.AddConstant(node.Name + "/weights", ElementType.Int8, new[] { cout, depth }, QuantizationParams.PerAxis(0, accScales, new int[cout]), data);
        int b = AddBias(node, bias, accScales);
        _builder.AddOperator(OperatorCode.FullyConnected, node.Name, new[] { input, weights, b }, new[] { output },
            new FullyConnectedParams { Output = OutputStageBuilder.Build(accScales.Select(s => (double)s).ToArray(), outQ, outType, fused, _options.Rounding) });
    }

    private void LowerGlobalAveragePool(Node node)
    {
        int input = Tensor(node, node.Inputs[0]);
        var inT = Def(input);
        var (type, q) = ActivationQuantization(node.Outputs[0]);
        int output = AddActivation(node.Outputs[0], type, q);
        _builder.AddOperator(OperatorCode.GlobalAveragePool, node.Name, new[] { input }, new[] { output },
            OutputStageBuilder.GlobalAveragePool(inT.Quantization!, q, inT.Shape[3], inT.Shape[1] * inT.Shape[2], _options.Rounding));
    }

    private void LowerMul(Node node)
    {
        int a = Tensor(node, node.Inputs[0]), b = Tensor(node, node.Inputs[1]);
        var (type, q) = ActivationQuantization(node.Outputs[0]);
        int output = AddActivation(node.Outputs[0], type, q);
        int channels = Def(output).Shape[^1];
        _builder.AddOperator(OperatorCode.Mul, node.Name, new[] { a, b }, new[] { output },
            OutputStageBuilder.Mul(Def(a).Quantization!, Def(b).Quantization!, q, type, channels, _options.Rounding));
    }

    private void LowerAdd(Node node)
    {
        int a = Tensor(node, node.Inputs[0]), b = Tensor(node, node.Inputs[1]);
        var (type, q) = ActivationQuantization(node.Outputs[0]);
        if (Def(a).Type != type || Def(b).Type != type) throw new GraphException(node, "Add needs inputs and output of one element type");
        int output = AddActivation(node.Outputs[0], type, q);
        int channels = Def(output).Shape[^1];
        _builder.AddOperator(OperatorCode.Add, node.Name, new[] { a, b }, new[] { output },
            OutputStageBuilder.Add(Def(a).Quantization!, Def(b).Quantization!, q, type, channels, _options.Rounding, type == ElementType.Int16 ? 15 : 20));
    }

    /// <summary>A reshape that keeps the storage order (ResolveLayoutChains proved it) keeps the bytes.</summary>
    private void LowerReshape(Node node)
    {
        int input = Tensor(node, node.Inputs[0]);
        var inT = Def(input);
        int output = AddActivation(node.Outputs[0], inT.Type, inT.Quantization!);
        _builder.AddOperator(OperatorCode.Reshape, node.Name, new[] { input }, new[] { output }, NoParams.Instance);
    }

    /// <summary>Channel shuffles, slices and splits: the bytes of the chosen channels, their quantization with them.</summary>
    private void LowerGatherChannels(Node node)
    {
        int input = Tensor(node, node.Inputs[0]);
        var inT = Def(input);
        var indices = GatherChannelsOp.Indices(node, inT.Shape[^1]);
        var qi = inT.Quantization!;
        var q = qi.IsPerAxis
            ? QuantizationParams.PerAxis(3, indices.Select(i => qi.Scales[i]).ToArray(), indices.Select(i => qi.ZeroPoints[i]).ToArray())
            : qi;
        int output = AddActivation(node.Outputs[0], inT.Type, q);
        _builder.AddOperator(OperatorCode.GatherChannels, node.Name, new[] { input }, new[] { output }, new GatherChannelsParams { Indices = indices });
    }

    /// <summary>
    /// Resize with the float model's own taps (ONNX coordinate rules, shared with the float executor): nearest copies,
    /// bilinear in integers with weights in 1/1024 steps. The quantization passes through unchanged.
    /// </summary>
    private void LowerResize(Node node)
    {
        int input = Tensor(node, node.Inputs[0]);
        var inT = Def(input);
        var x = FloatShape(node.Inputs[0]);
        TensorData? Constant(int k) => node.HasInput(k) ? _graph.Value(node.Inputs[k]).Constant : null;
        var (shape, scaleH, scaleW) = Float.Operators.Resize.Plan(node, x, Constant(2), Constant(3));
        var (rows, columns, linear) = Float.Operators.Resize.Taps(node, x, shape, scaleH, scaleW);
        static int[] Weights(ResizeTaps taps) => taps.Fraction.Select(f => (int)Math.Round(f * (double)ResizeParams.WeightOne)).ToArray();
        int output = AddActivation(node.Outputs[0], inT.Type, inT.Quantization!);
        _builder.AddOperator(OperatorCode.Resize, node.Name, new[] { input }, new[] { output }, new ResizeParams
        {
            Mode = linear ? ResizeMode.BilinearInteger : ResizeMode.Nearest,
            RowLower = rows.Lower, RowUpper = rows.Upper, ColumnLower = columns.Lower, ColumnUpper = columns.Upper,
            RowWeights = linear ? Weights(rows) : Array.Empty<int>(), ColumnWeights = linear ? Weights(columns) : Array.Empty<int>(),
        });
    }

    /// <summary>ArgMax over channels (the class map of a segmentation model): int64 indices of the stored values.</summary>
    private void LowerArgMax(Node node)
    {
        int input = Tensor(node, node.Inputs[0]);
        var inT = Def(input);
        var x = FloatShape(node.Inputs[0]);
        long axis = node.Attributes.Int("axis", 0);
        if (axis < 0) axis += x.Length;
        if (axis != (x.Length == 4 ? 1 : x.Length - 1)) throw new GraphException(node, "ArgMax is lowered over the channel axis only");
        if (inT.Quantization!.IsPerAxis) throw new GraphException(node, "ArgMax needs its input quantized per tensor (raw values are compared)");
        // Storage drops the channel axis; ONNX's keepdims = 1 only adds a dimension of 1, which holds the same bytes.
        var shape = inT.Shape[..^1];
        int output = _builder.AddActivation(node.Outputs[0], ElementType.Int64, shape, null);
        _tensorOf[node.Outputs[0]] = output;
        _builder.AddOperator(OperatorCode.ArgMax, node.Name, new[] { input }, new[] { output }, NoParams.Instance);
    }

    private void LowerPool(Node node)
    {
        int input = Tensor(node, node.Inputs[0]);
        var inT = Def(input);
        var x = FloatShape(node.Inputs[0]);
        var g = SpatialGeometry.ForPool(node, x[2], x[3]);
        if (node.OpType == "AveragePool" && node.Attributes.Int("count_include_pad", 0) != 0 && (g.PadTop | g.PadLeft | g.PadBottom | g.PadRight) != 0)
            throw new GraphException(node, "count_include_pad = 1 with padding is not supported");
        int output = AddActivation(node.Outputs[0], inT.Type, inT.Quantization!);
        _builder.AddOperator(node.OpType == "MaxPool" ? OperatorCode.MaxPool2D : OperatorCode.AveragePool2D, node.Name, new[] { input }, new[] { output }, new Pool2DParams
        {
            FilterH = g.KernelH, FilterW = g.KernelW, StrideH = g.StrideH, StrideW = g.StrideW, Padding = new Padding2D(g.PadTop, g.PadLeft, g.PadBottom, g.PadRight),
            ClampMin = new[] { inT.Type.MinValue() }, ClampMax = new[] { inT.Type.MaxValue() },
        });
    }

    /// <summary>Standalone elementwise functions become 256-entry tables (one per channel group when scales are per channel).</summary>
    private void LowerTable(Node node)
    {
        int input = Tensor(node, node.Inputs[0]);
        var inT = Def(input);
        var op = Float.OperatorRegistry.For(node);
        var constants = node.Inputs.Select(i => i.Length == 0 ? null : _graph.Value(i).Constant).ToArray();
        Func<double, double> f = v =>
        {
            var args = (TensorData?[])constants.Clone();
            args[0] = TensorData.FromFloats(new[] { 1 }, new[] { (float)v });
            return op.Execute(node, args)[0].Floats[0];
        };
        var outStats = Stats(node.Outputs[0]);
        if (inT.Type == ElementType.Int16)
        {
            // 16 bits in, 16 bits out: 256 entries cannot cover the input, so interpolate between 513 samples
            // spread over twice the calibrated input range (the headroom beyond it extrapolates the end segments).
            var wide = QuantizationParams.PerTensor(Symmetric16Scale(outStats.Min, outStats.Max), 0);
            int wideOutput = AddActivation(node.Outputs[0], ElementType.Int16, wide);
            var inStats = Stats(node.Inputs[0]);
            double span = 2 * Math.Max(Math.Abs(inStats.Min), Math.Abs(inStats.Max)) / inT.Quantization!.Scales[0];
            _builder.AddOperator(OperatorCode.InterpolatedTable, node.Name, new[] { input }, new[] { wideOutput },
                OutputStageBuilder.InterpolatedTable(f, inT.Quantization!.Scales[0], wide.Scales[0], span));
            return;
        }
        var (type, q) = ActivationQuantization(node.Outputs[0]);
        if (type == ElementType.Int16) { type = ElementType.Int8; q = Asymmetric8(outStats.Min, outStats.Max); }
        int output = AddActivation(node.Outputs[0], type, q);
        int channels = inT.Shape[^1];
        // One table per channel when either side is quantized per channel (a table feeding a depthwise layer gets
        // per-channel output scales): a single table would apply channel 0's scale to every channel.
        int tables = inT.Quantization!.IsPerAxis || q.IsPerAxis ? channels : 1;
        _builder.AddOperator(OperatorCode.TableLookup, node.Name, new[] { input }, new[] { output },
            OutputStageBuilder.Table(f, inT.Quantization, inT.Type, q, type, channels, tables));
    }

    private void LowerConcat(Node node)
    {
        var inputs = node.Inputs.Select(i => Tensor(node, i)).ToArray();
        int rank = FloatShape(node.Outputs[0]).Length;
        int axis = (int)node.Attributes.Int("axis");
        if (axis < 0) axis += rank;
        int nhwcAxis = rank == 4 ? new[] { 0, 3, 1, 2 }[axis] : axis;
        var (type, q) = ActivationQuantization(node.Outputs[0]);
        // Parts that stayed 8-bit (read elsewhere too) make an 8-bit concatenation.
        if (q.IsPerAxis || (type == ElementType.Int16 && inputs.Any(t => Def(t).Type != ElementType.Int16)))
            (type, q) = (ElementType.Int8, Asymmetric8(Stats(node.Outputs[0]).Min, Stats(node.Outputs[0]).Max));
        int output = AddActivation(node.Outputs[0], type, q);
        var multipliers = inputs.Select(t =>
        {
            var qi = Def(t).Quantization!;
            if (qi.IsPerAxis) throw new GraphException(node, "concatenated inputs must be quantized per tensor");
            return qi.SameAs(q) ? new QuantizedMultiplier(0, 0) : QuantizedMultiplier.FromDouble((double)qi.Scales[0] / q.Scales[0]);
        }).ToArray();
        _builder.AddOperator(OperatorCode.Concat, node.Name, inputs, new[] { output }, new ConcatParams { Axis = nhwcAxis, Rounding = _options.Rounding, InputMultipliers = multipliers });
    }

    /// <summary>Softmax over the last axis of an 8-bit tensor, giving float32 probabilities (a table of exp at conversion time).</summary>
    private void LowerSoftmax(Node node)
    {
        int input = Tensor(node, node.Inputs[0]);
        var inT = Def(input);
        int rank = FloatShape(node.Inputs[0]).Length;
        long axis = node.Attributes.Int("axis", node.Attributes.Has("coerce_2d") ? 1 : -1);
        if (axis < 0) axis += rank;
        bool lastAxis = axis == rank - 1 || (rank == 4 && axis == 1 && FloatShape(node.Inputs[0])[2] * FloatShape(node.Inputs[0])[3] == 1);
        if (!lastAxis) throw new GraphException(node, "softmax is lowered over the channel (last) axis only");
        if (inT.Type == ElementType.Int16 || inT.Quantization!.IsPerAxis) throw new GraphException(node, "softmax needs an 8-bit input quantized per tensor");
        int output = _builder.AddActivation(node.Outputs[0], ElementType.Float32, inT.Shape, null);
        _tensorOf[node.Outputs[0]] = output;
        _builder.AddOperator(OperatorCode.Softmax, node.Name, new[] { input }, new[] { output },
            new SoftmaxParams { Beta = 1, ExpTable = SoftmaxParams.BuildExpTable(inT.Quantization.Scales[0], 1) });
    }

    /// <summary>The SSD head's two quantized outputs go into the detection operator, whose four float outputs become the model's.</summary>
    private void EmitDetection(DetectionHead detection)
    {
        if (_graph.Outputs.Count != 2) throw new GraphException($"detection post-processing needs a raw SSD head (boxes, class scores), the model has {_graph.Outputs.Count} outputs");
        int boxes = _tensorOf[_graph.Outputs[detection.BoxesOutput]], scores = _tensorOf[_graph.Outputs[detection.ScoresOutput]];
        int anchorCount = Def(boxes).Shape.Length == 3 ? Def(boxes).Shape[1] : -1;
        if (anchorCount < 1 || Def(boxes).Shape[2] != 4) throw new GraphException($"the box output {Def(boxes)} is not [1, anchors, 4]");
        if (detection.Anchors.Length != anchorCount * 4) throw new GraphException($"{detection.Anchors.Length / 4} anchors for a head with {anchorCount} boxes");
        var p = detection.Params;
        if (Def(scores).Shape.Length != 3 || Def(scores).Shape[1] != anchorCount || Def(scores).Shape[2] != p.NumClasses + 1)
            throw new GraphException($"the score output {Def(scores)} is not [1, {anchorCount}, {p.NumClasses + 1}]");
        var bytes = new byte[detection.Anchors.Length * 4];
        Buffer.BlockCopy(detection.Anchors, 0, bytes, 0, bytes.Length);
        int anchors = _builder.AddConstant("detection/anchors", ElementType.Float32, new[] { anchorCount, 4 }, null, bytes);
        int slots = p.DetectionSlots;
        var outputs = new[]
        {
            _builder.AddActivation("detection_boxes", ElementType.Float32, new[] { 1, slots, 4 }, null),
            _builder.AddActivation("detection_classes", ElementType.Float32, new[] { 1, slots }, null),
            _builder.AddActivation("detection_scores", ElementType.Float32, new[] { 1, slots }, null),
            _builder.AddActivation("num_detections", ElementType.Float32, new[] { 1 }, null),
        };
        _builder.AddOperator(OperatorCode.DetectionPostProcess, "detection", new[] { boxes, scores, anchors }, outputs, p);
        foreach (int o in outputs) _builder.MarkOutput(o);
    }

    /// <summary>Model outputs are float32 (dequantized unless already float), named after the float graph's outputs.</summary>
    private void EmitOutput(string value)
    {
        int t = _tensorOf.TryGetValue(value, out int found) ? found : throw new GraphException($"graph output '{value}' was not produced");
        var q = Def(t);
        if (q.Type is ElementType.Float32 or ElementType.Int64) { _builder.MarkOutput(t); return; }
        string name = value;
        // The quantized tensor carries the float value's name; the float output gets the model-facing name.
        int output = _builder.AddActivation(name + ":float", ElementType.Float32, q.Shape, null);
        _builder.AddOperator(OperatorCode.Dequantize, name + "/dequantize", new[] { t }, new[] { output }, NoParams.Instance);
        _builder.MarkOutput(output);
    }
}
