using System;
using System.Collections.Generic;
using System.Linq;
using Embedded.Converter.Float;
using Embedded.Converter.Graph;

namespace Embedded.Converter.Tflite;

/// <summary>
/// A float .tflite model as the converter's float graph (ONNX semantics, NCHW), so it goes through the same
/// optimization, calibration and quantization as an ONNX model. 4-D activations change layout NHWC → NCHW;
/// weights are transposed (OHWI → OIHW, depthwise 1HWC → C1HW), SAME padding becomes explicit pads, axes and
/// per-channel constants follow the layout, and fused activations become their own nodes.
/// </summary>
public static class TfliteFloatImporter
{
    private const int Add = 0, AveragePool2D = 1, Concatenation = 2, Conv2D = 3, DepthwiseConv2D = 4, FullyConnected = 9, Logistic = 14,
        MaxPool2D = 17, Mul = 18, Relu = 19, ReluN1To1 = 20, Relu6 = 21, Reshape = 22, Softmax = 25, Tanh = 28, Pad = 34, Mean = 40, Sub = 41,
        Squeeze = 43, HardSwish = 117, ResizeBilinear = 23;

    /// <summary>True when the model computes in float (its first operator's input is float32): it needs calibration.</summary>
    public static bool IsFloatModel(TfliteModel model)
    {
        var g = model.SubGraphs[0];
        return g.Operators.Length > 0 && g.Operators.All(op => op.BuiltinCode is not (114 or 6))
            && g.Tensors[g.Inputs[0]].Type == TfliteType.Float32;
    }

    public static ModelGraph Load(TfliteModel model, string name) => new Importer(model, name).Run();

    private sealed class Importer
    {
        private readonly TfliteModel _model;
        private readonly TfliteSubGraph _g;
        private readonly ModelGraph _graph;
        private readonly Dictionary<int, string> _names = new();
        private readonly HashSet<string> _nchw = new();   // values whose 4-D layout was changed to NCHW
        private int _fresh;

        public Importer(TfliteModel model, string name)
        {
            _model = model;
            _g = model.SubGraphs[0];
            _graph = new ModelGraph { Name = name, OpsetVersion = 13 };
        }

        private TfliteTensor T(int i) => _g.Tensors[i];

        private TfliteFormatException Error(TfliteOperator op, string problem)
        {
            string output = op.Outputs.Length > 0 && op.Outputs[0] >= 0 ? $", '{T(op.Outputs[0]).Name}'" : "";
            return new($"operator {Array.IndexOf(_g.Operators, op)} (builtin {op.BuiltinCode}{output}): {problem}");
        }

        public ModelGraph Run()
        {
            foreach (int input in _g.Inputs)
            {
                var t = T(input);
                if (t.Type != TfliteType.Float32) throw new TfliteFormatException($"input '{t.Name}' is {t.Type}; a float model takes float32");
                string name = Unique(t.Name);
                _names[input] = name;
                _graph.Values[name] = new ValueInfo(name, DataKind.Float, ToNchw(t.Shape));
                if (t.Shape.Length == 4) _nchw.Add(name);
                _graph.Inputs.Add(name);
            }
            foreach (var op in _g.Operators) Lower(op);
            // 4-D outputs stay NCHW in the float graph, as in ONNX graphs; the .emb output is NHWC, TFLite's layout.
            foreach (int output in _g.Outputs) _graph.Outputs.Add(Value(output));
            GraphAnalysis.Run(_graph);
            return _graph;
        }

        private string Unique(string name)
        {
            if (name.Length == 0) name = "t";
            string n = name;
            while (_graph.Values.ContainsKey(n)) n = $"{name}_{++_fresh}";
            return n;
        }

        private static int[] ToNchw(int[] s) => s.Length == 4 ? new[] { s[0], s[3], s[1], s[2] } : s;

        /// <summary>The graph value of a TFLite tensor; constants are read from their buffer on first use.</summary>
        private string Value(int index)
        {
            if (_names.TryGetValue(index, out string? name)) return name;
            var t = T(index);
            var data = _model.Buffers[t.Buffer];
            if (data.Length == 0) throw new TfliteFormatException($"tensor '{t.Name}' is used before any operator produces it");
            return Constant(t.Name, t.Shape, Floats(t, data.Span), index);
        }

        private string Constant(string name, int[] shape, float[] values, int index = -1)
        {
            string n = Unique(name);
            _graph.Values[n] = new ValueInfo(n, DataKind.Float, shape, TensorData.FromFloats(shape, values));
            if (index >= 0) _names[index] = n;
            return n;
        }

        private string LongConstant(string name, long[] values)
        {
            string n = Unique(name);
            var shape = new[] { values.Length };
            _graph.Values[n] = new ValueInfo(n, DataKind.Int64, shape, TensorData.FromLongs(shape, values));
            return n;
        }

        private static float[] Floats(TfliteTensor t, ReadOnlySpan<byte> data)
        {
            if (t.Type == TfliteType.Float32) return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(data).ToArray();
            if (t.Type == TfliteType.Int32) return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(data).ToArray().Select(v => (float)v).ToArray();
            throw new TfliteFormatException($"constant '{t.Name}' is {t.Type}; a float model holds float32 constants");
        }

        private int[] Ints32(int index)
        {
            var data = _model.Buffers[T(index).Buffer];
            if (T(index).Type != TfliteType.Int32 || data.Length == 0) throw new TfliteFormatException($"tensor '{T(index).Name}' must be a constant int32 tensor");
            return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(data.Span).ToArray();
        }

        private static Dictionary<string, AttributeValue> Ints(string name, params long[] values) =>
            new() { [name] = new AttributeValue { Kind = AttributeKind.Ints, Ints = values } };

        private string Emit(string opType, IEnumerable<string> inputs, string outputName, Dictionary<string, AttributeValue>? attributes = null, bool nchw = false)
        {
            string output = Unique(outputName);
            _graph.Values[output] = new ValueInfo(output, DataKind.Float);
            _graph.Nodes.Add(new Node(output, opType, inputs, new[] { output }, attributes));
            if (nchw) _nchw.Add(output);
            return output;
        }

        /// <summary>Binds a TFLite output tensor to a graph value, adding its fused activation as a node.</summary>
        private void Bind(TfliteOperator op, string value, int fused)
        {
            string name = T(op.Outputs[0]).Name;
            bool nchw = _nchw.Contains(value);
            value = fused switch
            {
                0 => value,
                1 => Emit("Relu", new[] { value }, name, nchw: nchw),
                2 => Emit("Clip", new[] { value, Constant(name + "/min", Array.Empty<int>(), new[] { -1f }), Constant(name + "/max", Array.Empty<int>(), new[] { 1f }) }, name, nchw: nchw),
                3 => Emit("Clip", new[] { value, Constant(name + "/min", Array.Empty<int>(), new[] { 0f }), Constant(name + "/max", Array.Empty<int>(), new[] { 6f }) }, name, nchw: nchw),
                _ => throw Error(op, $"fused activation {fused} is not supported"),
            };
            _names[op.Outputs[0]] = value;
        }

        private void Lower(TfliteOperator op)
        {
            if (!op.HasOperands(op.RequiredInputs)) throw Error(op, $"needs {op.RequiredInputs} input(s) and an output");
            TfliteOperandRules.Check(_g, op, problem => Error(op, problem));
            var o = op.Options;
            string outName = T(op.Outputs[0]).Name;
            switch (op.BuiltinCode)
            {
                case Conv2D:
                case DepthwiseConv2D:
                    LowerConvolution(op);
                    break;
                case FullyConnected:
                {
                    string x = Value(op.Inputs[0]);
                    if (_nchw.Contains(x)) x = Emit("Transpose", new[] { x }, outName + "/nhwc", Ints("perm", 0, 2, 3, 1));
                    var w = T(op.Inputs[1]);
                    x = Emit("Flatten", new[] { x }, outName + "/flatten");
                    var inputs = new List<string> { x, Value(op.Inputs[1]) };
                    if (op.Inputs.Length > 2 && op.Inputs[2] >= 0) inputs.Add(Value(op.Inputs[2]));
                    var attributes = new Dictionary<string, AttributeValue> { ["transB"] = new AttributeValue { Kind = AttributeKind.Int, Int = 1 } };
                    if (w.Shape.Length != 2) throw Error(op, "weights must be [outputs, inputs]");
                    Bind(op, Emit("Gemm", inputs, outName, attributes), o?.Byte(0) ?? 0);
                    break;
                }
                case Add:
                case Sub:
                case Mul:
                {
                    string a = Operand(op.Inputs[0], op), b = Operand(op.Inputs[1], op);
                    string type = op.BuiltinCode == Add ? "Add" : op.BuiltinCode == Sub ? "Sub" : "Mul";
                    Bind(op, Emit(type, new[] { a, b }, outName, nchw: _nchw.Contains(a) || _nchw.Contains(b)), o?.Byte(0) ?? 0);
                    break;
                }
                case AveragePool2D:
                case MaxPool2D:
                {
                    if (o is null) throw Error(op, "missing Pool2DOptions");
                    string x = Value(op.Inputs[0]);
                    var shape = T(op.Inputs[0]).Shape;
                    int strideW = o.Positive(1, "stride"), strideH = o.Positive(2, "stride"), filterW = o.Positive(3, "filter width"), filterH = o.Positive(4, "filter height");
                    var attributes = Ints("kernel_shape", filterH, filterW);
                    attributes["strides"] = new AttributeValue { Kind = AttributeKind.Ints, Ints = new long[] { strideH, strideW } };
                    attributes["pads"] = new AttributeValue { Kind = AttributeKind.Ints, Ints = Pads(o.Byte(0), shape[1], shape[2], filterH, filterW, strideH, strideW, 1, 1) };
                    Bind(op, Emit(op.BuiltinCode == MaxPool2D ? "MaxPool" : "AveragePool", new[] { x }, outName, attributes, nchw: true), o.Byte(5));
                    break;
                }
                case Mean:
                {
                    var axes = Ints32(op.Inputs[1]).Select(a => a < 0 ? a + 4 : a).OrderBy(a => a).ToArray();
                    if (T(op.Inputs[0]).Shape.Length != 4 || !axes.SequenceEqual(new[] { 1, 2 })) throw Error(op, "MEAN is supported over the spatial axes (1, 2) of a 4-D tensor");
                    string pooled = Emit("GlobalAveragePool", new[] { Value(op.Inputs[0]) }, T(op.Outputs[0]).Shape.Length == 4 ? outName : outName + "/pooled", nchw: true);
                    if (T(op.Outputs[0]).Shape.Length != 4)
                        pooled = Emit("Reshape", new[] { pooled, LongConstant(outName + "/shape", T(op.Outputs[0]).Shape.Select(d => (long)d).ToArray()) }, outName);
                    _names[op.Outputs[0]] = pooled;
                    break;
                }
                case Reshape:
                case Squeeze:
                {
                    string x = Value(op.Inputs[0]);
                    var inShape = T(op.Inputs[0]).Shape;
                    var outShape = T(op.Outputs[0]).Shape;
                    // NHWC and NCHW hold the same order when H = W = 1; otherwise go back to NHWC first.
                    if (_nchw.Contains(x) && !(inShape[1] == 1 && inShape[2] == 1)) x = Emit("Transpose", new[] { x }, outName + "/nhwc", Ints("perm", 0, 2, 3, 1));
                    if (outShape.Length == 4) throw Error(op, "a reshape to a 4-D tensor is not supported in float models");
                    _names[op.Outputs[0]] = Emit("Reshape", new[] { x, LongConstant(outName + "/shape", outShape.Select(d => (long)d).ToArray()) }, outName);
                    break;
                }
                case Softmax:
                {
                    float beta = o?.Float(0, 1f) ?? 1f;
                    string x = Value(op.Inputs[0]);
                    if (_nchw.Contains(x)) throw Error(op, "SOFTMAX over a 4-D tensor is not supported");
                    if (beta != 1f) x = Emit("Mul", new[] { x, Constant(outName + "/beta", Array.Empty<int>(), new[] { beta }) }, outName + "/scaled");
                    _names[op.Outputs[0]] = Emit("Softmax", new[] { x }, outName, new Dictionary<string, AttributeValue> { ["axis"] = new AttributeValue { Kind = AttributeKind.Int, Int = -1 } });
                    break;
                }
                case HardSwish:
                case Logistic:
                case Tanh:
                case Relu:
                {
                    string x = Value(op.Inputs[0]);
                    string type = op.BuiltinCode switch { HardSwish => "HardSwish", Logistic => "Sigmoid", Tanh => "Tanh", _ => "Relu" };
                    _names[op.Outputs[0]] = Emit(type, new[] { x }, outName, nchw: _nchw.Contains(x));
                    break;
                }
                case Relu6:
                case ReluN1To1:
                    Bind(op, Value(op.Inputs[0]), op.BuiltinCode == Relu6 ? 3 : 2);
                    break;
                case Concatenation:
                {
                    if (o is null) throw Error(op, "missing ConcatenationOptions");
                    if (op.Inputs.Any(i => i < 0)) throw Error(op, "CONCATENATION with an absent input");
                    var inputs = op.Inputs.Select(i => Operand(i, op)).ToArray();
                    int rank = T(op.Outputs[0]).Shape.Length, axis = o.Int(0);
                    if (axis < 0) axis += rank;
                    if (axis < 0 || axis >= rank) throw Error(op, $"axis {o.Int(0)} outside rank {rank}");
                    bool nchw = rank == 4;
                    long onnxAxis = nchw ? new[] { 0, 2, 3, 1 }[axis] : axis;
                    Bind(op, Emit("Concat", inputs, outName, new Dictionary<string, AttributeValue> { ["axis"] = new AttributeValue { Kind = AttributeKind.Int, Int = onnxAxis } }, nchw), o.Byte(1));
                    break;
                }
                case Pad:
                {
                    int[] p = Ints32(op.Inputs[1]);
                    int rank = T(op.Inputs[0]).Shape.Length;
                    if (p.Length != 2 * rank) throw Error(op, "paddings must be [rank, 2]");
                    int[] order = rank == 4 ? new[] { 0, 3, 1, 2 } : Enumerable.Range(0, rank).ToArray();
                    var pads = order.Select(d => (long)p[2 * d]).Concat(order.Select(d => (long)p[2 * d + 1])).ToArray();
                    _names[op.Outputs[0]] = Emit("Pad", new[] { Value(op.Inputs[0]), LongConstant(outName + "/pads", pads) }, outName, nchw: rank == 4);
                    break;
                }
                case ResizeBilinear:
                {
                    // TFLite's half-pixel taps clamp at the borders as ONNX's do; align_corners and the plain grid match too.
                    var shape = T(op.Outputs[0]).Shape;
                    if (shape.Length != 4) throw Error(op, "RESIZE_BILINEAR needs NHWC tensors");
                    string mode = o?.Bool(2) == true ? "align_corners" : o?.Bool(3) == true ? "half_pixel" : "asymmetric";
                    var attributes = new Dictionary<string, AttributeValue>
                    {
                        ["mode"] = new AttributeValue { Kind = AttributeKind.String, String = "linear" },
                        ["coordinate_transformation_mode"] = new AttributeValue { Kind = AttributeKind.String, String = mode },
                    };
                    string sizes = LongConstant(outName + "/sizes", new long[] { shape[0], shape[3], shape[1], shape[2] });
                    _names[op.Outputs[0]] = Emit("Resize", new[] { Value(op.Inputs[0]), "", "", sizes }, outName, attributes, nchw: true);
                    break;
                }
                case 114:
                case 6:
                    throw Error(op, "QUANTIZE/DEQUANTIZE in a float model: convert the quantized model without --calib instead");
                default:
                    throw Error(op, $"builtin operator {op.BuiltinCode} is not supported in float .tflite models (supported: CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, ADD, SUB, MUL, AVERAGE_POOL_2D, MAX_POOL_2D, MEAN, RESHAPE, SQUEEZE, SOFTMAX, HARD_SWISH, LOGISTIC, TANH, RELU, RELU6, RELU_N1_TO_1, CONCATENATION, PAD, RESIZE_BILINEAR)");
            }
        }

        /// <summary>An element-wise operand: constants broadcasting over NHWC channels are laid out for NCHW.</summary>
        private string Operand(int index, TfliteOperator op)
        {
            if (_names.ContainsKey(index) || _model.Buffers[T(index).Buffer].Length == 0) return Value(index);
            var t = T(index);
            var values = Floats(t, _model.Buffers[t.Buffer].Span);
            int[] shape = t.Shape;
            if (shape.Length == 4)
            {
                int n = shape[0], h = shape[1], w = shape[2], c = shape[3];
                var moved = new float[values.Length];
                for (int b = 0; b < n; b++)
                for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                for (int ch = 0; ch < c; ch++)
                    moved[((b * c + ch) * h + y) * w + x] = values[((b * h + y) * w + x) * c + ch];
                return Constant(t.Name, ToNchw(shape), moved);
            }
            if (shape.Length == 1 && shape[0] > 1 && T(op.Outputs[0]).Shape.Length == 4)
                return Constant(t.Name, new[] { shape[0], 1, 1 }, values);   // per-channel vector: [C] → [C,1,1]
            return Constant(t.Name, shape, values);
        }

        private static long[] Pads(byte padding, int inH, int inW, int kH, int kW, int strideH, int strideW, int dilationH, int dilationW)
        {
            if (padding != 0) return new long[] { 0, 0, 0, 0 };   // VALID
            static (long, long) Same(int size, int k, int stride, int dilation)
            {
                int effective = (k - 1) * dilation + 1;
                int output = (size + stride - 1) / stride;
                int total = Math.Max(0, (output - 1) * stride + effective - size);
                return (total / 2, total - total / 2);
            }
            var (top, bottom) = Same(inH, kH, strideH, dilationH);
            var (left, right) = Same(inW, kW, strideW, dilationW);
            return new[] { top, left, bottom, right };
        }

        private void LowerConvolution(TfliteOperator op)
        {
            var o = op.Options ?? throw Error(op, "missing options");
            bool depthwise = op.BuiltinCode == DepthwiseConv2D;
            var x = T(op.Inputs[0]);
            var w = T(op.Inputs[1]);
            int strideW = o.Positive(1, "stride"), strideH = o.Positive(2, "stride");
            int fused = depthwise ? o.Byte(4) : o.Byte(3);
            int dilationW = depthwise ? o.Positive(5, "dilation", 1) : o.Positive(4, "dilation", 1), dilationH = depthwise ? o.Positive(6, "dilation", 1) : o.Positive(5, "dilation", 1);
            int kh = w.Shape[1], kw = w.Shape[2];
            var data = _model.Buffers[w.Buffer];
            if (data.Length == 0) throw Error(op, "weights must be constant");
            var values = Floats(w, data.Span);
            float[] oihw;
            int[] shape;
            int group;
            if (depthwise)
            {
                // [1, kh, kw, C·m] → [C·m, 1, kh, kw], one group per input channel.
                int channels = w.Shape[3];
                oihw = new float[values.Length];
                for (int y = 0; y < kh; y++)
                for (int xx = 0; xx < kw; xx++)
                for (int c = 0; c < channels; c++)
                    oihw[(c * kh + y) * kw + xx] = values[(y * kw + xx) * channels + c];
                shape = new[] { channels, 1, kh, kw };
                group = x.Shape[3];
            }
            else
            {
                // [O, kh, kw, I] → [O, I, kh, kw].
                int outputs = w.Shape[0], inputs = w.Shape[3];
                oihw = new float[values.Length];
                for (int oc = 0; oc < outputs; oc++)
                for (int y = 0; y < kh; y++)
                for (int xx = 0; xx < kw; xx++)
                for (int ic = 0; ic < inputs; ic++)
                    oihw[((oc * inputs + ic) * kh + y) * kw + xx] = values[((oc * kh + y) * kw + xx) * inputs + ic];
                shape = new[] { outputs, inputs, kh, kw };
                group = x.Shape[3] / inputs;
            }
            string outName = T(op.Outputs[0]).Name;
            var inputsList = new List<string> { Value(op.Inputs[0]), Constant(w.Name, shape, oihw) };
            if (op.Inputs.Length > 2 && op.Inputs[2] >= 0) inputsList.Add(Value(op.Inputs[2]));
            var attributes = Ints("kernel_shape", kh, kw);
            attributes["strides"] = new AttributeValue { Kind = AttributeKind.Ints, Ints = new long[] { strideH, strideW } };
            attributes["dilations"] = new AttributeValue { Kind = AttributeKind.Ints, Ints = new long[] { dilationH, dilationW } };
            attributes["pads"] = new AttributeValue { Kind = AttributeKind.Ints, Ints = Pads(o.Byte(0), x.Shape[1], x.Shape[2], kh, kw, strideH, strideW, dilationH, dilationW) };
            attributes["group"] = new AttributeValue { Kind = AttributeKind.Int, Int = group };
            Bind(op, Emit("Conv", inputsList, outName, attributes, nchw: true), fused);
        }
    }
}
