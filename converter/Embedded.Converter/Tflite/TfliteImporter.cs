using System;
using System.Collections.Generic;
using System.Linq;
using Embedded.Runtime.Building;
using Embedded.Runtime.Model;
using Embedded.Runtime.Quantization;

namespace Embedded.Converter.Tflite;

/// <summary>
/// Turns a quantized .tflite model into an .emb model that computes what TFLite's builtin kernels compute:
/// parameters (multipliers, clamps, tables) are derived with TFLite's own float/double arithmetic, and each
/// operator maps to the runtime kernel with the same integer semantics (docs/tflite.md).
/// </summary>
public static class TfliteImporter
{
    // Builtin operator codes used here (tensorflow/lite/schema/schema.fbs).
    private const int Sub = 41, Mean = 40, ResizeBilinear = 23, ArgMax = 56, Custom = 32;
    private const int Add = 0, AveragePool2D = 1, Concatenation = 2, Conv2D = 3, DepthwiseConv2D = 4, Dequantize = 6, FullyConnected = 9,
        Logistic = 14, MaxPool2D = 17, Mul = 18, Relu = 19, ReluN1To1 = 20, Relu6 = 21, Reshape = 22, Softmax = 25, Tanh = 28, Pad = 34, Squeeze = 43,
        Quantize = 114, HardSwish = 117;

    public static ModelDefinition Import(TfliteModel model, ModelMetadata metadata, TfliteKernels kernels = TfliteKernels.Builtin)
    {
        try
        {
            return new Importer(model, metadata, kernels).Run();
        }
        catch (ArgumentOutOfRangeException e) when (e.ParamName == "real")
        {
            // The file's scales give a requantization multiplier no 32-bit fixed-point encoding holds (QuantizedMultiplier).
            throw new TfliteFormatException($"the model's quantization scales give a multiplier of {e.ActualValue}, beyond what 32-bit fixed point holds");
        }
    }

    private sealed class Importer
    {
        private readonly TfliteModel _model;
        private readonly TfliteSubGraph _graph;
        private readonly ModelMetadata _metadata;
        private readonly TfliteKernels _kernels;
        // Both kernel sets requantize with gemmlowp's two roundings except where noted (GemmRounding).
        private readonly RoundingMode _rounding = RoundingMode.DoubleRounding;
        private readonly ModelBuilder _builder = new();
        private readonly Dictionary<int, int> _tensorOf = new();
        // PAD outputs that only a convolution reads: its padding instead of a padded copy (TryFoldPad).
        private readonly Dictionary<int, (int Input, int Top, int Left, int Bottom, int Right)> _foldedPads = new();

        public Importer(TfliteModel model, ModelMetadata metadata, TfliteKernels kernels)
        {
            _model = model;
            _graph = model.SubGraphs[0];
            _metadata = metadata;
            _kernels = kernels;
        }

        private TfliteFormatException Error(int op, string problem)
        {
            var o = _graph.Operators[op];
            string output = o.Outputs.Length > 0 && o.Outputs[0] >= 0 ? $" '{_graph.Tensors[o.Outputs[0]].Name}'" : "";
            return new($"operator {op} ({Name(o.BuiltinCode)}{output}): {problem}");
        }

        private static string Name(int code) => code switch
        {
            Add => "ADD", AveragePool2D => "AVERAGE_POOL_2D", Concatenation => "CONCATENATION", Conv2D => "CONV_2D", DepthwiseConv2D => "DEPTHWISE_CONV_2D",
            Dequantize => "DEQUANTIZE", FullyConnected => "FULLY_CONNECTED", Logistic => "LOGISTIC", MaxPool2D => "MAX_POOL_2D", Mul => "MUL", Relu => "RELU", ReluN1To1 => "RELU_N1_TO_1",
            Relu6 => "RELU6", Reshape => "RESHAPE", Softmax => "SOFTMAX", Tanh => "TANH", Pad => "PAD", Squeeze => "SQUEEZE", Quantize => "QUANTIZE",
            HardSwish => "HARD_SWISH", Sub => "SUB", Mean => "MEAN", ResizeBilinear => "RESIZE_BILINEAR", ArgMax => "ARG_MAX", Custom => "CUSTOM", _ => $"builtin {code}",
        };

        private static ElementType TypeOf(TfliteTensor t) => t.Type switch
        {
            TfliteType.UInt8 => ElementType.UInt8, TfliteType.Int8 => ElementType.Int8, TfliteType.Int16 => ElementType.Int16,
            TfliteType.Int32 => ElementType.Int32, TfliteType.Float32 => ElementType.Float32, TfliteType.Int64 => ElementType.Int64,
            _ => throw new TfliteFormatException($"tensor '{t.Name}': type {t.Type} is not supported"),
        };

        private QuantizationParams? Quant(TfliteTensor t)
        {
            var q = t.Quantization;
            if (q is null || t.Type == TfliteType.Float32) return null;
            if (t.Type == TfliteType.Int32) return null; // biases: scale implied by input and weights
            var zps = q.ZeroPoints.Length == q.Scales.Length ? q.ZeroPoints.Select(z => checked((int)z)).ToArray() : new int[q.Scales.Length];
            return q.Scales.Length == 1 ? QuantizationParams.PerTensor(q.Scales[0], zps[0]) : QuantizationParams.PerAxis(q.QuantizedDimension, q.Scales, zps);
        }

        /// <summary>The .emb tensor for a TFLite tensor, created on first use (constants from their buffer).</summary>
        private int Tensor(int index)
        {
            if (_tensorOf.TryGetValue(index, out int t)) return t;
            var tt = _graph.Tensors[index];
            var data = _model.Buffers[tt.Buffer];
            int[] shape = tt.Shape.Length == 0 ? new[] { 1 } : tt.Shape;
            t = data.Length > 0
                ? _builder.AddConstant(tt.Name, TypeOf(tt), shape, Quant(tt), data.ToArray())
                : _builder.AddActivation(tt.Name, TypeOf(tt), shape, Quant(tt));
            _tensorOf[index] = t;
            return t;
        }

        private TfliteTensor T(int index) => _graph.Tensors[index];
        private float Scale(int index, int channel = 0) => T(index).Quantization is { } q ? q.Scales[q.Scales.Length == 1 ? 0 : channel] : throw new TfliteFormatException($"tensor '{T(index).Name}' is not quantized");
        private int ZeroPoint(int index) => T(index).Quantization is { } q && q.ZeroPoints.Length > 0 ? (int)q.ZeroPoints[0] : 0;

        /// <summary>TFLite CalculateActivationRangeQuantized: fused activation → inclusive clamps (float division, round half away).</summary>
        private (int min, int max) ActivationRange(int output, int fused)
        {
            var type = TypeOf(T(output));
            if (!type.IsQuantizedActivation())
                throw new TfliteFormatException($"tensor '{T(output).Name}' is {type}: this operator's output must be int8, uint8 or int16 in a quantized model");
            int qmin = type.MinValue(), qmax = type.MaxValue();
            float scale = Scale(output);
            int zp = ZeroPoint(output);
            int Quantize(float f) => zp + (int)MathF.Round(f / scale, MidpointRounding.AwayFromZero);
            return fused switch
            {
                0 => (qmin, qmax),
                1 => (Math.Max(qmin, Quantize(0f)), qmax),                                  // RELU
                2 => (Math.Max(qmin, Quantize(-1f)), Math.Min(qmax, Quantize(1f))),         // RELU_N1_TO_1
                3 => (Math.Max(qmin, Quantize(0f)), Math.Min(qmax, Quantize(6f))),          // RELU6
                _ => throw new TfliteFormatException($"fused activation {fused} is not supported"),
            };
        }

        public ModelDefinition Run()
        {
            foreach (int input in _graph.Inputs)
            {
                var tt = T(input);
                _tensorOf[input] = _builder.AddInput(tt.Name, TypeOf(tt), tt.Shape, Quant(tt));
            }
            for (int i = 0; i < _graph.Operators.Length; i++) Lower(i, _graph.Operators[i]);
            foreach (int output in _graph.Outputs) _builder.MarkOutput(Tensor(output));
            _builder.ReplaceOperators(ElementwiseTableFolding.Apply(_builder.Tensors, _builder.Operators, _builder.Outputs.ToArray()));
            return _builder.Build(_metadata);
        }

        private void Lower(int index, TfliteOperator op)
        {
            if (!op.HasOperands(op.RequiredInputs)) throw Error(index, $"needs {op.RequiredInputs} input(s) and an output");
            TfliteOperandRules.Check(_graph, op, problem => Error(index, problem));
            var o = op.Options;
            int output = op.Outputs[0];
            // TFLite Micro converts uint8 only at the edges (QUANTIZE/DEQUANTIZE); its kernels are int8/int16.
            if (_kernels == TfliteKernels.Micro && op.BuiltinCode is not (Quantize or Dequantize) && op.Inputs.Concat(op.Outputs).Any(t => t >= 0 && T(t).Type == TfliteType.UInt8))
                throw Error(index, "TFLite Micro has no uint8 kernel for this operator; --match tflm needs an int8 model");
            switch (op.BuiltinCode)
            {
                case Conv2D:
                case DepthwiseConv2D:
                    LowerConvolution(index, op);
                    break;
                case FullyConnected:
                    LowerFullyConnected(index, op);
                    break;
                case Add:
                case Sub:
                {
                    int a = op.Inputs[0], b = op.Inputs[1];
                    // TFLite Add: twice the larger input scale as the common scale, inputs shifted by 20 (15 for int16).
                    int leftShift = T(output).Type == TfliteType.Int16 ? 15 : 20;
                    double twiceMax = 2 * Math.Max(Scale(a), Scale(b));
                    var (min, max) = ActivationRange(output, o?.Byte(0) ?? 0);
                    _builder.AddOperator(OperatorCode.Add, T(output).Name, new[] { Tensor(a), Tensor(b) }, new[] { Tensor(output) }, new AddParams
                    {
                        Rounding = _rounding, LeftShift = leftShift,
                        Subtract = op.BuiltinCode != Sub ? SubtractMode.None : _kernels == TfliteKernels.Micro ? SubtractMode.SubtractProduct : SubtractMode.NegatedMultiplier,
                        Input1Multipliers = new[] { QuantizedMultiplier.FromDouble(Scale(a) / twiceMax) },
                        Input2Multipliers = new[] { QuantizedMultiplier.FromDouble(Scale(b) / twiceMax) },
                        OutputMultipliers = new[] { QuantizedMultiplier.FromDouble(twiceMax / ((1 << leftShift) * Scale(output))) },
                        ClampMin = new[] { min }, ClampMax = new[] { max },
                    });
                    break;
                }
                case Mul:
                {
                    int a = op.Inputs[0], b = op.Inputs[1];
                    // The builtin kernel computes this multiplier in float, TFLite Micro in double.
                    double real = _kernels == TfliteKernels.Micro
                        ? (double)Scale(a) * Scale(b) / Scale(output)
                        : Scale(a) * Scale(b) / Scale(output);
                    var (min, max) = ActivationRange(output, o?.Byte(0) ?? 0);
                    _builder.AddOperator(OperatorCode.Mul, T(output).Name, new[] { Tensor(a), Tensor(b) }, new[] { Tensor(output) }, new MulParams
                    {
                        Rounding = _rounding, OutputMultipliers = new[] { QuantizedMultiplier.FromDouble(real) }, ClampMin = new[] { min }, ClampMax = new[] { max },
                    });
                    break;
                }
                case AveragePool2D:
                case MaxPool2D:
                {
                    var x = T(op.Inputs[0]);
                    if (o is null) throw Error(index, "missing Pool2DOptions");
                    int strideW = o.Positive(1, "stride"), strideH = o.Positive(2, "stride"), filterW = o.Positive(3, "filter width"), filterH = o.Positive(4, "filter height");
                    var pad = o.Byte(0) == 0 ? Padding2D.Same(x.Shape[1], x.Shape[2], filterH, filterW, strideH, strideW) : Padding2D.None;
                    var (min, max) = ActivationRange(output, o.Byte(5));
                    _builder.AddOperator(op.BuiltinCode == MaxPool2D ? OperatorCode.MaxPool2D : OperatorCode.AveragePool2D, T(output).Name, new[] { Tensor(op.Inputs[0]) }, new[] { Tensor(output) },
                        new Pool2DParams { FilterH = filterH, FilterW = filterW, StrideH = strideH, StrideW = strideW, Padding = pad, ClampMin = new[] { min }, ClampMax = new[] { max } });
                    break;
                }
                case Mean:
                    LowerMean(index, op);
                    break;
                case Reshape:
                case Squeeze:
                    _builder.AddOperator(OperatorCode.Reshape, T(output).Name, new[] { Tensor(op.Inputs[0]) }, new[] { Tensor(output) }, NoParams.Instance);
                    break;
                case Softmax:
                {
                    // The builtin kernel uses a float table of exp(−β·s·d); TFLite Micro gemmlowp fixed point.
                    float beta = o?.Float(0, 1f) ?? 1f, inputScale = Scale(op.Inputs[0]);
                    var table = Array.Empty<float>();
                    if (_kernels == TfliteKernels.Builtin)
                    {
                        table = new float[256];
                        for (int v = 0; v <= 255; v++) table[255 - v] = MathF.Exp(-inputScale * beta * v);
                    }
                    _builder.AddOperator(OperatorCode.Softmax, T(output).Name, new[] { Tensor(op.Inputs[0]) }, new[] { Tensor(output) }, new SoftmaxParams
                    {
                        Beta = beta, ExpTable = SoftmaxParams.BuildExpTable(inputScale, beta), FloatTable = table,
                        FixedPointExp = _kernels == TfliteKernels.Micro ? SoftmaxParams.BuildFixedPointExp(inputScale, beta) : Array.Empty<int>(),
                    });
                    break;
                }
                case HardSwish:
                {
                    int x = op.Inputs[0];
                    bool signed = T(x).Type == TfliteType.Int8;
                    var table = TfliteHardSwish.Table(Scale(x), ZeroPoint(x), Scale(output), ZeroPoint(output), signed);
                    _builder.AddOperator(OperatorCode.TableLookup, T(output).Name, new[] { Tensor(x) }, new[] { Tensor(output) }, new TableLookupParams { TableCount = 1, Tables = table });
                    break;
                }
                case Quantize:
                {
                    int x = op.Inputs[0];
                    var multipliers = T(x).Type == TfliteType.Float32 ? Array.Empty<QuantizedMultiplier>() : new[] { QuantizedMultiplier.FromDouble((double)Scale(x) / Scale(output)) };
                    _builder.AddOperator(OperatorCode.Quantize, T(output).Name, new[] { Tensor(x) }, new[] { Tensor(output) }, new QuantizeParams { Rounding = _rounding, Multipliers = multipliers });
                    break;
                }
                case Dequantize:
                    _builder.AddOperator(OperatorCode.Dequantize, T(output).Name, new[] { Tensor(op.Inputs[0]) }, new[] { Tensor(output) }, NoParams.Instance);
                    break;
                case Relu:
                case ReluN1To1:
                case Relu6:
                {
                    int x = op.Inputs[0];
                    var (actMin, actMax) = op.BuiltinCode switch { Relu => (0f, float.PositiveInfinity), ReluN1To1 => (-1f, 1f), _ => (0f, 6f) };
                    Table(index, x, output, TfliteElementwiseTables.ReluX(Scale(x), ZeroPoint(x), Scale(output), ZeroPoint(output), Signed(x), actMin, actMax, _kernels));
                    break;
                }
                case Logistic:
                case Tanh:
                {
                    int x = op.Inputs[0];
                    if (_kernels == TfliteKernels.Micro) throw Error(index, "--match tflm does not cover TFLite Micro's fixed-point LOGISTIC/TANH yet");
                    Func<float, float> f = op.BuiltinCode == Logistic ? v => 1.0f / (1.0f + MathF.Exp(-v)) : MathF.Tanh;
                    Table(index, x, output, TfliteElementwiseTables.Lut(Scale(x), ZeroPoint(x), Scale(output), ZeroPoint(output), Signed(x), f));
                    break;
                }
                case Pad:
                    if (!TryFoldPad(op)) LowerPad(index, op);
                    break;
                case Concatenation:
                    LowerConcatenation(index, op);
                    break;
                case ResizeBilinear:
                    LowerResizeBilinear(index, op);
                    break;
                case ArgMax:
                    LowerArgMax(index, op);
                    break;
                case Custom when op.CustomCode == "TFLite_Detection_PostProcess":
                    LowerDetectionPostProcess(index, op);
                    break;
                case Custom:
                    throw Error(index, $"custom operator '{op.CustomCode}' is not supported (only TFLite_Detection_PostProcess)");
                default:
                    throw Error(index, $"{Name(op.BuiltinCode)} is not supported yet");
            }
        }

        private bool Signed(int tensor) => T(tensor).Type == TfliteType.Int8;

        /// <summary>
        /// RESIZE_BILINEAR on uint8 as the builtin (optimized) kernel computes it: per output row and column a float source
        /// coordinate, its floor and ceiling taps and the fraction between, then float weights per cell (ResizeMode.BilinearFloat).
        /// The kernel's exact ×8 half-pixel special case and the int8 integer kernel are refused rather than approximated.
        /// </summary>
        private void LowerResizeBilinear(int index, TfliteOperator op)
        {
            int x = op.Inputs[0], output = op.Outputs[0];
            var o = op.Options;
            bool alignCorners = o?.Bool(2) ?? false, halfPixel = o?.Bool(3) ?? false;
            var inShape = T(x).Shape;
            var outShape = T(output).Shape;
            if (inShape.Length != 4 || outShape.Length != 4) throw Error(index, "expects NHWC input and output");
            if (T(x).Type != TfliteType.UInt8) throw Error(index, $"{T(x).Type} resize is not supported yet (uint8 only)");
            if (_kernels == TfliteKernels.Micro) throw Error(index, "--match tflm has no uint8 RESIZE_BILINEAR");
            if (Scale(x) != Scale(output) || ZeroPoint(x) != ZeroPoint(output)) throw Error(index, "input and output quantization must be equal");
            int scale = outShape[1] / inShape[1];
            if (!alignCorners && halfPixel && inShape[3] % 8 == 0 && scale == 8 && outShape[1] >= 8 && outShape[2] >= 8 && inShape[1] * 8 == outShape[1] && inShape[2] * 8 == outShape[2])
                throw Error(index, "the exact ×8 half-pixel uint8 kernel is not reproduced yet");
            var (rowLower, rowUpper, rowFraction) = FloatTaps(inShape[1], outShape[1], alignCorners, halfPixel);
            var (colLower, colUpper, colFraction) = FloatTaps(inShape[2], outShape[2], alignCorners, halfPixel);
            _builder.AddOperator(OperatorCode.Resize, T(output).Name, new[] { Tensor(x) }, new[] { Tensor(output) }, new ResizeParams
            {
                Mode = ResizeMode.BilinearFloat, RowLower = rowLower, RowUpper = rowUpper, ColumnLower = colLower, ColumnUpper = colUpper,
                RowFractions = rowFraction, ColumnFractions = colFraction,
            });
        }

        /// <summary>TFLite's ComputeInterpolationValues in float, for every output index of one axis.</summary>
        private static (int[] lower, int[] upper, float[] fraction) FloatTaps(int inSize, int outSize, bool alignCorners, bool halfPixel)
        {
            float scale = alignCorners && outSize > 1 ? (float)(inSize - 1) / (outSize - 1) : (float)inSize / outSize;
            var lower = new int[outSize];
            var upper = new int[outSize];
            var fraction = new float[outSize];
            for (int i = 0; i < outSize; i++)
            {
                float source = halfPixel ? (i + 0.5f) * scale - 0.5f : i * scale;
                lower[i] = Math.Max((int)MathF.Floor(source), 0);
                upper[i] = Math.Min((int)MathF.Ceiling(source), inSize - 1);
                fraction[i] = source - lower[i];
            }
            return (lower, upper, fraction);
        }

        /// <summary>
        /// TFLite_Detection_PostProcess (custom): its FlexBuffer options as the kernel's Init reads them (detections_per_class
        /// 100 and use_regular_nms false when absent), the anchors a constant input, the four float outputs sized as its Prepare does.
        /// </summary>
        private void LowerDetectionPostProcess(int index, TfliteOperator op)
        {
            if (op.Inputs.Length != 3 || op.Outputs.Length != 4 || op.Inputs.Any(i => i < 0)) throw Error(index, "expects 3 inputs and 4 outputs");
            if (_kernels == TfliteKernels.Micro) throw Error(index, "--match tflm does not cover TFLite_Detection_PostProcess");
            var options = FlexBufferMap.Parse(op.CustomOptions.Span, $"operator {index} (TFLite_Detection_PostProcess)");
            int Int(string key, int? fallback = null) => checked((int)(fallback is int f ? options.Number(key, f) : options.Number(key)));
            var p = new DetectionPostProcessParams
            {
                MaxDetections = Int("max_detections"), MaxClassesPerDetection = Int("max_classes_per_detection"),
                DetectionsPerClass = Int("detections_per_class", 100), UseRegularNms = options.Number("use_regular_nms", 0) != 0,
                ScoreThreshold = (float)options.Number("nms_score_threshold"), IouThreshold = (float)options.Number("nms_iou_threshold"),
                NumClasses = Int("num_classes"),
                YScale = (float)options.Number("y_scale"), XScale = (float)options.Number("x_scale"),
                HScale = (float)options.Number("h_scale"), WScale = (float)options.Number("w_scale"),
            };
            if (_model.Buffers[T(op.Inputs[2]).Buffer].Length == 0) throw Error(index, "the anchors (input 2) must be a constant");
            int slots = p.DetectionSlots;
            var shapes = new[] { new[] { 1, slots, 4 }, new[] { 1, slots }, new[] { 1, slots }, new[] { 1 } };
            var outputs = new int[4];
            for (int k = 0; k < 4; k++)
            {
                int o = op.Outputs[k];
                if (T(o).Type != TfliteType.Float32) throw Error(index, $"output {k} must be float32");
                outputs[k] = _tensorOf.TryGetValue(o, out int existing) ? existing : _tensorOf[o] = _builder.AddActivation(T(o).Name, ElementType.Float32, shapes[k], null);
            }
            _builder.AddOperator(OperatorCode.DetectionPostProcess, T(op.Outputs[0]).Name, op.Inputs.Select(Tensor).ToArray(), outputs, p);
        }

        /// <summary>ARG_MAX over the last axis (the class map of a segmentation model), int32 or int64 as the model says.</summary>
        private void LowerArgMax(int index, TfliteOperator op)
        {
            int x = op.Inputs[0], output = op.Outputs[0];
            var axisData = _model.Buffers[T(op.Inputs[1]).Buffer];
            if (axisData.Length is not (4 or 8)) throw Error(index, "the axis must be a constant scalar");
            long axis = axisData.Length == 4 ? BitConverter.ToInt32(axisData.Span) : BitConverter.ToInt64(axisData.Span);
            int rank = T(x).Shape.Length;
            if (axis < 0) axis += rank;
            if (axis != rank - 1) throw Error(index, $"only the last axis ({rank - 1}) is supported, not {axis}");
            if (T(output).Type is not (TfliteType.Int32 or TfliteType.Int64)) throw Error(index, $"output type {T(output).Type} is not supported");
            if (_kernels == TfliteKernels.Micro && T(x).Type == TfliteType.UInt8) throw Error(index, "--match tflm has no uint8 ARG_MAX");
            if (!_tensorOf.ContainsKey(output))
                _tensorOf[output] = _builder.AddActivation(T(output).Name, T(output).Type == TfliteType.Int64 ? ElementType.Int64 : ElementType.Int32, T(output).Shape, null);
            _builder.AddOperator(OperatorCode.ArgMax, T(output).Name, new[] { Tensor(x) }, new[] { Tensor(output) }, NoParams.Instance);
        }

        private void Table(int index, int input, int output, byte[] table)
        {
            if (T(input).Type is not (TfliteType.Int8 or TfliteType.UInt8) || T(output).Type != T(input).Type) throw Error(index, "8-bit input and output of the same type are supported");
            _builder.AddOperator(OperatorCode.TableLookup, T(output).Name, new[] { Tensor(input) }, new[] { Tensor(output) }, new TableLookupParams { TableCount = 1, Tables = table });
        }

        /// <summary>
        /// A spatial PAD of a 4-D tensor whose only reader is a CONV_2D or DEPTHWISE_CONV_2D (Keras' ZeroPadding2D before a
        /// stride-2 convolution) becomes that convolution's padding: TFLite fills with the zero point, which is what the
        /// convolution's padding contributes (a real 0), so the bytes are the same without the padded copy. False (a PAD
        /// operator is emitted) for anything else.
        /// </summary>
        private bool TryFoldPad(TfliteOperator op)
        {
            int x = op.Inputs[0], output = op.Outputs[0];
            if (T(x).Shape.Length != 4 || T(output).Shape.Length != 4 || op.Inputs.Length < 2 || op.Inputs[1] < 0 || _graph.Outputs.Contains(output)) return false;
            if (ZeroPoint(x) != ZeroPoint(output) || Scale(x) != Scale(output) || T(x).Type != T(output).Type) return false;
            var data = _model.Buffers[T(op.Inputs[1]).Buffer];
            if (data.Length != 4 * 2 * 4) return false;
            var pads = new int[8];
            for (int i = 0; i < 8; i++) pads[i] = BitConverter.ToInt32(data.Span.Slice(4 * i, 4));
            if (pads.Any(v => v < 0) || pads[0] != 0 || pads[1] != 0 || pads[6] != 0 || pads[7] != 0) return false;
            var readers = _graph.Operators.Where(o => o.Inputs.Contains(output)).ToArray();
            if (readers.Length != 1 || readers[0].BuiltinCode is not (Conv2D or DepthwiseConv2D) || readers[0].Inputs[0] != output || readers[0].Inputs.Skip(1).Contains(output)) return false;
            var reader = readers[0];
            if (reader.Options is null || reader.Inputs.Length < 2 || reader.Inputs[1] < 0 || T(reader.Inputs[1]).Shape.Length != 4) return false;
            // Kept within a kernel's extent on every side (what the kernels are tested for); wider pads stay a PAD.
            var (own, extentH, extentW) = ConvolutionPadding(reader);
            if (own.Top + pads[2] >= extentH || own.Bottom + pads[3] >= extentH || own.Left + pads[4] >= extentW || own.Right + pads[5] >= extentW) return false;
            _foldedPads[output] = (x, pads[2], pads[4], pads[3], pads[5]);
            return true;
        }

        /// <summary>PAD with a constant int32 [rank, 2] paddings tensor; the fill is the output zero point, as in TFLite.</summary>
        private void LowerPad(int index, TfliteOperator op)
        {
            int x = op.Inputs[0], output = op.Outputs[0];
            int rank = T(x).Shape.Length;
            var data = op.Inputs.Length > 1 ? _model.Buffers[T(op.Inputs[1]).Buffer] : ReadOnlyMemory<byte>.Empty;
            if (data.Length != rank * 2 * 4) throw Error(index, "PAD needs constant int32 paddings of shape [rank, 2]");
            var before = new int[rank];
            var after = new int[rank];
            for (int d = 0; d < rank; d++)
            {
                before[d] = BitConverter.ToInt32(data.Span.Slice(8 * d, 4));
                after[d] = BitConverter.ToInt32(data.Span.Slice(8 * d + 4, 4));
                if (before[d] < 0 || after[d] < 0) throw Error(index, $"negative padding on axis {d}");
            }
            if (ZeroPoint(x) != ZeroPoint(output) || Scale(x) != Scale(output)) throw Error(index, "PAD must keep its input's quantization (TFLite requires it)");
            _builder.AddOperator(OperatorCode.Pad, T(output).Name, new[] { Tensor(x) }, new[] { Tensor(output) }, new PadParams { Before = before, After = after });
        }

        /// <summary>
        /// CONCATENATION. int8 inputs must share the output's quantization (TFLite requires it); uint8 inputs that do
        /// not are first rescaled with TFLite's float arithmetic (ConcatenationWithScaling) — a table for an activation,
        /// rescaled data for a constant — and then copied.
        /// </summary>
        private void LowerConcatenation(int index, TfliteOperator op)
        {
            var o = op.Options ?? throw Error(index, "missing ConcatenationOptions");
            int output = op.Outputs[0];
            int rank = T(output).Shape.Length;
            int axis = o.Int(0);
            if (axis < 0) axis += rank;
            if (axis < 0 || axis >= rank) throw Error(index, $"axis {o.Int(0)} outside rank {rank}");
            if (o.Byte(1) != 0) throw Error(index, "a fused activation on a quantized CONCATENATION is refused by TFLite too");
            if (op.Inputs.Any(i => i < 0)) throw Error(index, "CONCATENATION with an absent input");
            var inputs = new int[op.Inputs.Length];
            for (int k = 0; k < inputs.Length; k++)
            {
                int x = op.Inputs[k];
                bool same = Scale(x) == Scale(output) && ZeroPoint(x) == ZeroPoint(output);
                if (same) { inputs[k] = Tensor(x); continue; }
                if (T(x).Type != TfliteType.UInt8) throw Error(index, $"input {k} is quantized differently from the output; TFLite only rescales uint8 concatenations");
                var table = TfliteElementwiseTables.ConcatRescale(Scale(x), ZeroPoint(x), Scale(output), ZeroPoint(output));
                var data = _model.Buffers[T(x).Buffer];
                if (data.Length > 0)
                {
                    var rescaled = new byte[data.Length];
                    for (int i = 0; i < rescaled.Length; i++) rescaled[i] = table[data.Span[i]];
                    inputs[k] = _builder.AddConstant(T(x).Name + "/rescaled", ElementType.UInt8, T(x).Shape, Quant(T(output)), rescaled);
                }
                else
                {
                    inputs[k] = _builder.AddActivation(T(x).Name + "/rescaled", ElementType.UInt8, T(x).Shape, Quant(T(output)));
                    _builder.AddOperator(OperatorCode.TableLookup, T(x).Name + "/rescale", new[] { Tensor(x) }, new[] { inputs[k] }, new TableLookupParams { TableCount = 1, Tables = table });
                }
            }
            _builder.AddOperator(OperatorCode.Concat, T(output).Name, inputs, new[] { Tensor(output) }, new ConcatParams
            {
                Axis = axis, Rounding = _rounding, InputMultipliers = inputs.Select(_ => new QuantizedMultiplier(0, 0)).ToArray(),
            });
        }

        private void LowerConvolution(int index, TfliteOperator op)
        {
            var o = op.Options ?? throw Error(index, "missing options");
            bool depthwise = op.BuiltinCode == DepthwiseConv2D;
            int input = op.Inputs[0], weights = op.Inputs[1], bias = op.Inputs.Length > 2 ? op.Inputs[2] : -1, output = op.Outputs[0];
            var x = T(input);
            var w = T(weights);
            int strideW = o.Positive(1, "stride"), strideH = o.Positive(2, "stride");
            int fused = depthwise ? o.Byte(4) : o.Byte(3);
            int dilationW = depthwise ? o.Positive(5, "dilation", 1) : o.Positive(4, "dilation", 1), dilationH = depthwise ? o.Positive(6, "dilation", 1) : o.Positive(5, "dilation", 1);
            var (pad, _, _) = ConvolutionPadding(op);
            int channels = depthwise ? w.Shape[3] : w.Shape[0];
            var stage = Stage(input, weights, output, channels, fused, depthwise ? _rounding : GemmRounding(input));
            int source = input;
            if (_foldedPads.TryGetValue(input, out var folded))
            {
                // The padded tensor's own padding (SAME is computed on its size) plus the folded PAD's.
                source = folded.Input;
                pad = new Padding2D(pad.Top + folded.Top, pad.Left + folded.Left, pad.Bottom + folded.Bottom, pad.Right + folded.Right);
            }
            var inputs = bias >= 0 ? new[] { Tensor(source), Tensor(weights), Tensor(bias) } : new[] { Tensor(source), Tensor(weights) };
            if (depthwise)
                _builder.AddOperator(OperatorCode.DepthwiseConv2D, T(output).Name, inputs, new[] { Tensor(output) }, new DepthwiseConv2DParams
                {
                    StrideH = strideH, StrideW = strideW, DilationH = dilationH, DilationW = dilationW, Padding = pad, DepthMultiplier = Math.Max(1, o.Int(3, 1)), Output = stage,
                });
            else
                _builder.AddOperator(OperatorCode.Conv2D, T(output).Name, inputs, new[] { Tensor(output) }, new Conv2DParams
                {
                    StrideH = strideH, StrideW = strideW, DilationH = dilationH, DilationW = dilationW, Padding = pad, Groups = x.Shape[3] / w.Shape[3], Output = stage,
                });
        }

        /// <summary>A CONV_2D's or DEPTHWISE_CONV_2D's own padding (SAME or VALID on its input's size) and its kernel extents.</summary>
        private (Padding2D Pad, int ExtentH, int ExtentW) ConvolutionPadding(TfliteOperator op)
        {
            var o = op.Options!;
            bool depthwise = op.BuiltinCode == DepthwiseConv2D;
            var x = T(op.Inputs[0]);
            var w = T(op.Inputs[1]);
            int strideW = o.Positive(1, "stride"), strideH = o.Positive(2, "stride");
            int dilationW = depthwise ? o.Positive(5, "dilation", 1) : o.Positive(4, "dilation", 1), dilationH = depthwise ? o.Positive(6, "dilation", 1) : o.Positive(5, "dilation", 1);
            int kh = w.Shape[1], kw = w.Shape[2];
            var pad = o.Byte(0) == 0 ? Padding2D.Same(x.Shape[1], x.Shape[2], kh, kw, strideH, strideW, dilationH, dilationW) : Padding2D.None;
            return (pad, (kh - 1) * dilationH + 1, (kw - 1) * dilationW + 1);
        }

        /// <summary>
        /// MEAN over H and W of NHWC. Builtin kernels (optimized 4-D mean): out = M·Σx + bias with M = s_in/(H·W·s_out)
        /// and bias = zp_out − round_half_away(zp_in·s_in/s_out), both computed in float. TFLite Micro: a truncating
        /// integer mean when input and output quantization are equal, otherwise QuantizedMeanOrSum, whose multiplier
        /// for s_in/s_out is divided by the cell count in integers: M' = (M·2^k) / n, shift' = shift − k, k = ⌊log2 n⌋.
        /// </summary>
        private void LowerMean(int index, TfliteOperator op)
        {
            int input = op.Inputs[0], output = op.Outputs[0];
            var x = T(input);
            var axes = _model.Buffers[T(op.Inputs[1]).Buffer];
            var axisValues = Enumerable.Range(0, axes.Length / 4).Select(i => BitConverter.ToInt32(axes.Span.Slice(4 * i, 4))).OrderBy(a => a).ToArray();
            if (x.Shape.Length != 4 || !axisValues.SequenceEqual(new[] { 1, 2 })) throw Error(index, "MEAN is supported over the spatial axes (1, 2) of a 4-D tensor");
            var pooledShape = new[] { x.Shape[0], 1, 1, x.Shape[3] };
            int target = T(output).Shape.SequenceEqual(pooledShape)
                ? Tensor(output)
                : _builder.AddActivation(T(output).Name + "/pooled", TypeOf(T(output)), pooledShape, Quant(T(output)));
            var parameters = _kernels == TfliteKernels.Micro ? MicroMeanParams(input, output, x.Shape[1] * x.Shape[2]) : BuiltinMeanParams(input, output, x.Shape[1] * x.Shape[2]);
            _builder.AddOperator(OperatorCode.GlobalAveragePool, T(output).Name, new[] { Tensor(input) }, new[] { target }, parameters);
            if (target != Tensor(output))
                _builder.AddOperator(OperatorCode.Reshape, T(output).Name + "/reshape", new[] { target }, new[] { Tensor(output) }, NoParams.Instance);
        }

        private GlobalAveragePoolParams BuiltinMeanParams(int input, int output, int cellCount)
        {
            float cells = cellCount;
            float sIn = Scale(input), sOut = Scale(output);
            float temp = ZeroPoint(input) * sIn / sOut;
            temp = temp > 0 ? temp + 0.5f : temp - 0.5f;
            int bias = ZeroPoint(output) - (int)temp;
            var multiplier = QuantizedMultiplier.FromDouble(sIn / (cells * sOut));
            return new GlobalAveragePoolParams { Rounding = _rounding, Multipliers = new[] { multiplier }, Algorithm = MeanAlgorithm.TfliteBias, TfliteBias = bias };
        }

        private GlobalAveragePoolParams MicroMeanParams(int input, int output, int cells)
        {
            if (ZeroPoint(input) == ZeroPoint(output) && Scale(input) == Scale(output))
                return new GlobalAveragePoolParams { Rounding = _rounding, Multipliers = new[] { new QuantizedMultiplier(1 << 30, 1) }, Algorithm = MeanAlgorithm.TruncatedMean };
            var m = QuantizedMultiplier.FromDouble((double)Scale(input) / Scale(output));
            int k = Math.Min(Math.Min(31 - LeadingZeros((uint)cells), 32), 31 + m.Shift);
            var divided = new QuantizedMultiplier((int)(((long)m.Multiplier << k) / cells), m.Shift - k);
            return new GlobalAveragePoolParams { Rounding = _rounding, Multipliers = new[] { divided }, Algorithm = MeanAlgorithm.Requantize };
        }

        private static int LeadingZeros(uint x)
        {
            int n = 0;
            for (uint bit = 0x80000000u; bit != 0 && (x & bit) == 0; bit >>= 1) n++;
            return n;
        }

        private void LowerFullyConnected(int index, TfliteOperator op)
        {
            int input = op.Inputs[0], weights = op.Inputs[1], bias = op.Inputs.Length > 2 ? op.Inputs[2] : -1, output = op.Outputs[0];
            if (op.Options is { } o && o.Byte(1) != 0) throw Error(index, "shuffled weight formats are not supported");
            var stage = Stage(input, weights, output, T(weights).Shape[0], op.Options?.Byte(0) ?? 0, GemmRounding(input));
            var inputs = bias >= 0 ? new[] { Tensor(input), Tensor(weights), Tensor(bias) } : new[] { Tensor(input), Tensor(weights) };
            _builder.AddOperator(OperatorCode.FullyConnected, T(output).Name, inputs, new[] { Tensor(output) }, new FullyConnectedParams { Output = stage });
        }

        /// <summary>
        /// Output multipliers as TFLite's Prepare computes them: uint8 kernels use the scalar from
        /// GetQuantizedConvolutionMultipler, whose s_in·s_w product is taken in float before the division in double;
        /// int8/int16 kernels use PopulateConvolutionQuantizationParams' per-channel s_in·s_w[c] / s_out, all in double.
        /// The difference decides rare rounding ties, so it matters for byte-exact outputs.
        /// </summary>
        /// <summary>
        /// Rounding of TFLite's GEMM-based kernels (CONV_2D, FULLY_CONNECTED): the legacy uint8 path requantizes with
        /// gemmlowp's two roundings, the int8/int16 per-channel path with ruy's single rounding (measured against
        /// TFLite: an exact −31.50021 becomes −32, not −31). Depthwise kernels round twice in both.
        /// </summary>
        private RoundingMode GemmRounding(int input) =>
            T(input).Type == TfliteType.UInt8 || _kernels == TfliteKernels.Micro ? _rounding : RoundingMode.SingleRounding;

        private OutputStage Stage(int input, int weights, int output, int channels, int fused, RoundingMode rounding)
        {
            var wq = T(weights).Quantization ?? throw new TfliteFormatException($"weights '{T(weights).Name}' are not quantized");
            bool legacyUint8 = T(input).Type == TfliteType.UInt8;
            int n = wq.Scales.Length == 1 ? 1 : channels;
            var multipliers = new QuantizedMultiplier[n];
            for (int c = 0; c < n; c++)
            {
                double real = legacyUint8
                    ? (double)(Scale(input) * wq.Scales[c]) / Scale(output)
                    : (double)Scale(input) * wq.Scales[c] / Scale(output);
                multipliers[c] = QuantizedMultiplier.FromDouble(real);
            }
            var (min, max) = ActivationRange(output, fused);
            return new OutputStage(FusedActivation.None, rounding, multipliers, Array.Empty<QuantizedMultiplier>(), new[] { min }, new[] { max });
        }
    }
}
