using System;
using System.Collections.Generic;
using Embedded.Runtime.Model;
using Embedded.Runtime.Quantization;

namespace Embedded.Runtime.Building;

/// <summary>
/// Builds MobileNetV3-shaped int8 models with random weights: the real layer sizes and operator mix of the
/// network (stem, inverted residual blocks with squeeze-excite, h-swish, residual adds, pooled head), plus the
/// remaining operators of the format at the boundaries (Quantize, Pad, MaxPool, Concat, table activation,
/// Reshape, Softmax, Dequantize). For benchmarks, self-tests and demos where no trained model is at hand.
/// Scales are chosen so activations keep their magnitude layer to layer; the outputs mean nothing.
/// </summary>
public static class SyntheticMobileNetV3
{
    /// <summary>One inverted-residual block: kernel, expanded channels, output channels, squeeze-excite, h-swish (else ReLU), stride.</summary>
    public readonly struct Block
    {
        public int Kernel { get; }
        public int Expand { get; }
        public int Out { get; }
        public bool SqueezeExcite { get; }
        public bool HardSwish { get; }
        public int Stride { get; }

        public Block(int kernel, int expand, int output, bool squeezeExcite, bool hardSwish, int stride)
        {
            Kernel = kernel; Expand = expand; Out = output; SqueezeExcite = squeezeExcite; HardSwish = hardSwish; Stride = stride;
        }
    }

    /// <summary>MobileNetV3-Small (Howard et al. 2019, table 2).</summary>
    public static readonly Block[] SmallBlocks =
    {
        new(3, 16, 16, true, false, 2),
        new(3, 72, 24, false, false, 2),
        new(3, 88, 24, false, false, 1),
        new(5, 96, 40, true, true, 2),
        new(5, 240, 40, true, true, 1),
        new(5, 240, 40, true, true, 1),
        new(5, 120, 48, true, true, 1),
        new(5, 144, 48, true, true, 1),
        new(5, 288, 96, true, true, 2),
        new(5, 576, 96, true, true, 1),
        new(5, 576, 96, true, true, 1),
    };

    /// <summary>A few blocks that still cover every code path (used by fuzz tests).</summary>
    public static readonly Block[] TinyBlocks =
    {
        new(3, 8, 8, true, false, 2),
        new(3, 24, 12, false, false, 1),
        new(5, 24, 12, true, true, 1),
    };

    public sealed class Options
    {
        public int Resolution { get; init; } = 224;
        public int Classes { get; init; } = 1001;
        public int StemChannels { get; init; } = 16;
        public int HeadChannels { get; init; } = 576;
        public int HiddenChannels { get; init; } = 1024;
        public Block[] Blocks { get; init; } = SmallBlocks;
        public int Seed { get; init; } = 1;
        public RoundingMode Rounding { get; init; } = RoundingMode.DoubleRounding;
        public string Name { get; init; } = "synthetic-mobilenet-v3-small";
        /// <summary>16-bit activations throughout the blocks and head (what `emb convert --activations int16` makes), the logits 8-bit for the softmax.</summary>
        public bool Wide { get; init; }
    }

    public static ModelDefinition Build(Options? options = null)
    {
        options ??= new Options();
        return new Generator(options).Build();
    }

    private sealed class Generator
    {
        private const float ActivationRange = 6f;
        private readonly Options _o;
        private readonly Random _random;
        private readonly ModelBuilder _b = new();
        private int _id;

        public Generator(Options options)
        {
            _o = options;
            _random = new Random(options.Seed);
        }

        private string Name(string what) => $"{what}_{_id++}";

        /// <summary>The element type of the body's activations.</summary>
        private ElementType Act => _o.Wide ? ElementType.Int16 : ElementType.Int8;

        private QuantizationParams PerTensor(ElementType type, float range = ActivationRange, int zeroPoint = 0) =>
            QuantizationParams.PerTensor(type == ElementType.Int16 ? range / 32768 : range / 128, zeroPoint);

        /// <summary>Per-channel scales with a spread of 4×, the situation the converter meets after expand layers.</summary>
        private QuantizationParams PerChannel(int channels)
        {
            var scales = new float[channels];
            var zps = new int[channels];
            for (int c = 0; c < channels; c++)
            {
                scales[c] = ActivationRange / 128 * (float)Math.Pow(2, _random.NextDouble() * 2 - 1);
                zps[c] = _random.Next(-10, 11);
            }
            return QuantizationParams.PerAxis(3, scales, zps);
        }

        private (int tensor, QuantizationParams q) Weights(string name, int[] shape, int axis, int fanIn)
        {
            int channels = shape[axis];
            int count = 1;
            foreach (int d in shape) count *= d;
            var data = new byte[count];
            for (int i = 0; i < count; i++) data[i] = unchecked((byte)(sbyte)_random.Next(-127, 128));
            // Uniform int8 weights have std ≈ 73; aim for a real std of gain/√fanIn.
            var scales = new float[channels];
            for (int c = 0; c < channels; c++) scales[c] = (float)(1.6 / Math.Sqrt(fanIn) / 73.0 * (0.75 + 0.5 * _random.NextDouble()));
            var q = QuantizationParams.PerAxis(axis, scales, new int[channels]);
            return (_b.AddConstant(name, ElementType.Int8, shape, q, data), q);
        }

        private int Bias(string name, int channels, double[] accScales)
        {
            var values = new int[channels];
            for (int c = 0; c < channels; c++) values[c] = (int)Math.Round((_random.NextDouble() - 0.5) * 0.5 / accScales[c]);
            return _b.AddConstant(name, new[] { channels }, values);
        }

        private int Conv(int input, int outC, int kernel, int stride, FusedActivation act, ElementType outType, QuantizationParams outQ, string name)
        {
            var x = _b.Tensor(input);
            int inC = x.Shape[3];
            var pad = Padding2D.Same(x.Shape[1], x.Shape[2], kernel, kernel, stride, stride);
            int outH = (x.Shape[1] + stride - 1) / stride, outW = (x.Shape[2] + stride - 1) / stride;
            var (w, wq) = Weights(name + "/weights", new[] { outC, kernel, kernel, inC }, 0, kernel * kernel * inC);
            var acc = OutputStageBuilder.AccumulatorScales(x.Quantization!.Scales[0], wq, outC);
            int bias = Bias(name + "/bias", outC, acc);
            int output = _b.AddActivation(name, outType, new[] { 1, outH, outW, outC }, outQ);
            _b.AddOperator(OperatorCode.Conv2D, name, new[] { input, w, bias }, new[] { output },
                new Conv2DParams { StrideH = stride, StrideW = stride, Padding = pad, Output = OutputStageBuilder.Build(acc, outQ, outType, act, _o.Rounding) });
            return output;
        }

        private int Depthwise(int input, int kernel, int stride, FusedActivation act, string name)
        {
            var x = _b.Tensor(input);
            int c = x.Shape[3];
            var pad = Padding2D.Same(x.Shape[1], x.Shape[2], kernel, kernel, stride, stride);
            int outH = (x.Shape[1] + stride - 1) / stride, outW = (x.Shape[2] + stride - 1) / stride;
            var (w, wq) = Weights(name + "/weights", new[] { 1, kernel, kernel, c }, 3, kernel * kernel);
            var acc = OutputStageBuilder.DepthwiseAccumulatorScales(x.Quantization!, wq, c, 1);
            int bias = Bias(name + "/bias", c, acc);
            var outQ = PerTensor(Act);
            int output = _b.AddActivation(name, Act, new[] { 1, outH, outW, c }, outQ);
            _b.AddOperator(OperatorCode.DepthwiseConv2D, name, new[] { input, w, bias }, new[] { output },
                new DepthwiseConv2DParams { StrideH = stride, StrideW = stride, Padding = pad, Output = OutputStageBuilder.Build(acc, outQ, Act, act, _o.Rounding) });
            return output;
        }

        private int FullyConnected(int input, int[] outShape, FusedActivation act, QuantizationParams outQ, string name, ElementType outType = ElementType.Int8)
        {
            var x = _b.Tensor(input);
            int outC = outShape[outShape.Length - 1];
            int depth = x.ElementCount;
            var (w, wq) = Weights(name + "/weights", new[] { outC, depth }, 0, depth);
            var acc = OutputStageBuilder.AccumulatorScales(x.Quantization!.Scales[0], wq, outC);
            int bias = Bias(name + "/bias", outC, acc);
            int output = _b.AddActivation(name, outType, outShape, outQ);
            _b.AddOperator(OperatorCode.FullyConnected, name, new[] { input, w, bias }, new[] { output },
                new FullyConnectedParams { Output = OutputStageBuilder.Build(acc, outQ, outType, act, _o.Rounding) });
            return output;
        }

        private int SqueezeExcite(int input, string name)
        {
            var x = _b.Tensor(input);
            int c = x.Shape[3];
            int reduced = Math.Max(8, (c / 4 + 4) / 8 * 8);
            var pooledQ = PerTensor(Act, 3);
            int pooled = _b.AddActivation(name + "/pool", Act, new[] { 1, 1, 1, c }, pooledQ);
            _b.AddOperator(OperatorCode.GlobalAveragePool, name + "/pool", new[] { input }, new[] { pooled },
                OutputStageBuilder.GlobalAveragePool(x.Quantization!, pooledQ, c, x.Shape[1] * x.Shape[2], _o.Rounding));
            int squeezed = FullyConnected(pooled, new[] { 1, 1, 1, reduced }, FusedActivation.Relu, PerTensor(Act), name + "/squeeze", Act);
            var gateQ = QuantizationParams.PerTensor(1f / 256, -128);
            int gate = FullyConnected(squeezed, new[] { 1, 1, 1, c }, FusedActivation.HardSigmoid, gateQ, name + "/excite");
            var outQ = PerTensor(Act);
            int output = _b.AddActivation(name + "/mul", Act, x.Shape, outQ);
            _b.AddOperator(OperatorCode.Mul, name + "/mul", new[] { input, gate }, new[] { output },
                OutputStageBuilder.Mul(x.Quantization!, gateQ, outQ, Act, c, _o.Rounding));
            return output;
        }

        public ModelDefinition Build()
        {
            int r = _o.Resolution;
            // Raw camera pixels in; (u8 − 128)/128 is the model's real input.
            var pixelQ = QuantizationParams.PerTensor(1f / 128, 128);
            int pixels = _b.AddInput("pixels", ElementType.UInt8, new[] { 1, r, r, 3 }, pixelQ);
            var inputQ = QuantizationParams.PerTensor(1f / 128, 0);
            int input = _b.AddActivation("input", ElementType.Int8, new[] { 1, r, r, 3 }, inputQ);
            _b.AddOperator(OperatorCode.Quantize, "input/quantize", new[] { pixels }, new[] { input },
                new QuantizeParams { Rounding = _o.Rounding, Multipliers = OutputStageBuilder.Requantize(pixelQ, inputQ, 3) });

            // TF-style explicit padding before the stride-2 stem (more at the bottom/right).
            var stemPad = Padding2D.Same(r, r, 3, 3, 2, 2);
            int padded = _b.AddActivation("stem/pad", ElementType.Int8, new[] { 1, r + stemPad.Top + stemPad.Bottom, r + stemPad.Left + stemPad.Right, 3 }, inputQ);
            _b.AddOperator(OperatorCode.Pad, "stem/pad", new[] { input }, new[] { padded },
                new PadParams { Before = new[] { 0, stemPad.Top, stemPad.Left, 0 }, After = new[] { 0, stemPad.Bottom, stemPad.Right, 0 } });
            // The stem keeps 16 bits: the tensor a converter most often needs to widen.
            var stemQ = PerTensor(ElementType.Int16);
            var (stemW, stemWq) = Weights("stem/weights", new[] { _o.StemChannels, 3, 3, 3 }, 0, 27);
            var stemAcc = OutputStageBuilder.AccumulatorScales(inputQ.Scales[0], stemWq, _o.StemChannels);
            int stemH = (r - 1) / 2 + 1;
            int x = _b.AddActivation("stem", ElementType.Int16, new[] { 1, stemH, stemH, _o.StemChannels }, stemQ);
            _b.AddOperator(OperatorCode.Conv2D, "stem", new[] { padded, stemW, Bias("stem/bias", _o.StemChannels, stemAcc) }, new[] { x },
                new Conv2DParams { StrideH = 2, StrideW = 2, Output = OutputStageBuilder.Build(stemAcc, stemQ, ElementType.Int16, FusedActivation.HardSwish, _o.Rounding) });

            for (int i = 0; i < _o.Blocks.Length; i++)
            {
                var block = _o.Blocks[i];
                string name = i == 0 ? "expanded_conv" : $"expanded_conv_{i}";
                var act = block.HardSwish ? FusedActivation.HardSwish : FusedActivation.Relu;
                int inC = _b.Tensor(x).Shape[3];
                int h = x;
                if (block.Expand != inC)
                    h = Conv(x, block.Expand, 1, 1, act, Act, _o.Wide ? PerTensor(Act) : PerChannel(block.Expand), name + "/expand");
                h = Depthwise(h, block.Kernel, block.Stride, act, name + "/depthwise");
                if (block.SqueezeExcite) h = SqueezeExcite(h, name + "/squeeze_excite");
                h = Conv(h, block.Out, 1, 1, FusedActivation.None, Act, PerTensor(Act), name + "/project");
                if (block.Stride == 1 && inC == block.Out && _b.Tensor(x).Type == Act)
                {
                    var q = PerTensor(Act);
                    int sum = _b.AddActivation(name + "/add", Act, _b.Tensor(h).Shape, q);
                    _b.AddOperator(OperatorCode.Add, name + "/add", new[] { x, h }, new[] { sum },
                        OutputStageBuilder.Add(_b.Tensor(x).Quantization!, _b.Tensor(h).Quantization!, q, Act, block.Out, _o.Rounding, _o.Wide ? 15 : 20));
                    h = sum;
                }
                x = h;
            }

            int head = Conv(x, _o.HeadChannels, 1, 1, FusedActivation.HardSwish, Act, PerTensor(Act), "head");
            var headT = _b.Tensor(head);
            int side = headT.Shape[1];
            var poolQ = headT.Quantization!;
            var clampAll = new Pool2DParams { FilterH = side, FilterW = side, ClampMin = new[] { Act.MinValue() }, ClampMax = new[] { Act.MaxValue() } };
            int avg = _b.AddActivation("head/avgpool", Act, new[] { 1, 1, 1, _o.HeadChannels }, poolQ);
            _b.AddOperator(OperatorCode.AveragePool2D, "head/avgpool", new[] { head }, new[] { avg }, clampAll);
            int max = _b.AddActivation("head/maxpool", Act, new[] { 1, 1, 1, _o.HeadChannels }, poolQ);
            _b.AddOperator(OperatorCode.MaxPool2D, "head/maxpool", new[] { head }, new[] { max }, clampAll);
            int concat = _b.AddActivation("head/concat", Act, new[] { 1, 1, 1, 2 * _o.HeadChannels }, poolQ);
            _b.AddOperator(OperatorCode.Concat, "head/concat", new[] { avg, max }, new[] { concat },
                new ConcatParams { Axis = 3, Rounding = _o.Rounding, InputMultipliers = new[] { new QuantizedMultiplier(0, 0), new QuantizedMultiplier(0, 0) } });
            // A standalone nonlinearity (swish): a 256-entry table, or for 16 bits 513 interpolated samples.
            var swishQ = PerTensor(Act);
            int swish = _b.AddActivation("head/swish", Act, new[] { 1, 1, 1, 2 * _o.HeadChannels }, swishQ);
            Func<double, double> swishOf = v => v / (1 + Math.Exp(-v));
            if (_o.Wide)
                _b.AddOperator(OperatorCode.InterpolatedTable, "head/swish", new[] { concat }, new[] { swish },
                    OutputStageBuilder.InterpolatedTable(swishOf, poolQ.Scales[0], swishQ.Scales[0], 2 * ActivationRange / poolQ.Scales[0]));
            else
                _b.AddOperator(OperatorCode.TableLookup, "head/swish", new[] { concat }, new[] { swish },
                    OutputStageBuilder.Table(swishOf, poolQ, ElementType.Int8, swishQ, ElementType.Int8, 2 * _o.HeadChannels));
            int flat = _b.AddActivation("head/flatten", Act, new[] { 1, 2 * _o.HeadChannels }, swishQ);
            _b.AddOperator(OperatorCode.Reshape, "head/flatten", new[] { swish }, new[] { flat }, NoParams.Instance);
            int hidden = FullyConnected(flat, new[] { 1, _o.HiddenChannels }, FusedActivation.HardSwish, PerTensor(Act), "classifier/hidden", Act);
            var logitsQ = PerTensor(ElementType.Int8, 40);
            int logits = FullyConnected(hidden, new[] { 1, _o.Classes }, FusedActivation.None, logitsQ, "classifier/logits");

            int probabilities = _b.AddActivation("probabilities", ElementType.UInt8, new[] { 1, _o.Classes }, QuantizationParams.PerTensor(1f / 256, 0));
            _b.AddOperator(OperatorCode.Softmax, "softmax", new[] { logits }, new[] { probabilities },
                new SoftmaxParams { Beta = 1, ExpTable = SoftmaxParams.BuildExpTable(logitsQ.Scales[0], 1) });
            int realLogits = _b.AddActivation("logits", ElementType.Float32, new[] { 1, _o.Classes }, null);
            _b.AddOperator(OperatorCode.Dequantize, "logits/dequantize", new[] { logits }, new[] { realLogits }, NoParams.Instance);
            _b.MarkOutput(probabilities);
            _b.MarkOutput(realLogits);

            var labels = new string[_o.Classes];
            for (int i = 0; i < labels.Length; i++) labels[i] = $"class {i}";
            return _b.Build(new ModelMetadata
            {
                Name = _o.Name,
                Producer = "Embedded.Runtime synthetic generator",
                Labels = labels,
                Preprocessing = new Preprocessing
                {
                    Color = ColorOrder.Rgb, Resize = ResizeRule.ShorterSide, ResizeShorterSide = r * 256 / 224, CropWidth = r, CropHeight = r,
                },
                Properties = new Dictionary<string, string> { ["synthetic.seed"] = _o.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            });
        }
    }
}
