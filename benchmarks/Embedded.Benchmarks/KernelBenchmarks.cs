using System;
using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Attributes;
using Embedded.Runtime.Building;
using Embedded.Runtime.Execution;
using Embedded.Runtime.Kernels;
using Embedded.Runtime.Model;
using Embedded.Runtime.Quantization;

namespace Embedded.Benchmarks;

/// <summary>
/// The hot kernels of MobileNetV3-Small at their real shapes, on every kernel path this CPU supports, plus the whole
/// V3-Small-shaped synthetic model: what `emb bench` breaks down per operator, measured with BenchmarkDotNet's rigour.
/// </summary>
[MemoryDiagnoser]
public class KernelBenchmarks
{
    public static IEnumerable<KernelPath> Paths => KernelPaths.Available;

    [ParamsSource(nameof(Paths))]
    public KernelPath Path { get; set; }

    private byte[] _input = Array.Empty<byte>(), _weights = Array.Empty<byte>(), _output = Array.Empty<byte>(), _dwWeights = Array.Empty<byte>();
    private int[] _bias = Array.Empty<int>();
    private PackedGemm _pointwise = null!;
    private PackedDepthwise _depthwise = null!;
    private KernelScratch _scratch = null!;
    private Conv2DParams _convParams = null!;
    private DepthwiseConv2DParams _dwParams = null!;
    private VectorOutputStage? _stage;
    private Interpreter _model = null!;

    private static readonly int[] PointwiseIn = { 1, 28, 28, 96 }, PointwiseOut = { 1, 28, 28, 40 };
    private static readonly int[] DepthwiseIn = { 1, 28, 28, 96 }, DepthwiseOut = { 1, 14, 14, 96 };
    private static readonly int[] One = { 0 };

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _input = new byte[28 * 28 * 96];
        random.NextBytes(_input);
        _weights = new byte[96 * 40];
        random.NextBytes(_weights);
        _bias = Enumerable.Range(0, 96).Select(_ => random.Next(-5000, 5000)).ToArray();
        _output = new byte[28 * 28 * 96];
        var stage = new OutputStage(FusedActivation.Relu, RoundingMode.DoubleRounding, new[] { QuantizedMultiplier.FromDouble(3e-4) }, Array.Empty<QuantizedMultiplier>(), new[] { -128 }, new[] { 127 });
        _convParams = new Conv2DParams { Output = stage };
        _dwParams = new DepthwiseConv2DParams { StrideH = 2, StrideW = 2, Padding = new Padding2D(0, 0, 1, 1), Output = stage };
        var inDef = new TensorDefinition("x", ElementType.Int8, PointwiseIn, QuantizationParams.PerTensor(0.02f, -5));
        _pointwise = PackedGemm.TryCreate(inDef, new TensorDefinition("w", ElementType.Int8, new[] { 40, 1, 1, 96 }, QuantizationParams.PerTensor(0.01f, 0)), _weights, _bias.AsSpan(0, 40), 40, 96)!;
        _dwWeights = new byte[9 * 96];
        random.NextBytes(_dwWeights);
        _depthwise = PackedDepthwise.TryCreate(inDef, new TensorDefinition("w", ElementType.Int8, new[] { 1, 3, 3, 96 }, QuantizationParams.PerTensor(0.01f, 0)), _dwWeights, _bias, _dwParams)!;
        _scratch = new KernelScratch(96, 96, depthwiseRowBytes: (int)_depthwise.PaddedRowBytes(_dwParams, 14));
        _stage = VectorOutputStage.TryCreate(stage, 96, One);
        var model = EmbeddedModel.FromDefinition(SyntheticMobileNetV3.Build(new SyntheticMobileNetV3.Options()));
        _model = model.CreateInterpreter(new InterpreterOptions { Path = Path });
        random.NextBytes(_model.Input(0).Bytes);
    }

    [Benchmark(Description = "Conv2D 1x1 28x28 96→40")]
    public void Pointwise()
    {
        var input = new QuantizedInput(_input, ElementType.Int8, PointwiseIn, new[] { -5 });
        var output = new QuantizedOutput(_output.AsSpan(0, 28 * 28 * 40), ElementType.Int8, PointwiseOut, One);
        if (Path == KernelPath.Reference)
            Conv2D.Reference(input, new QuantizedInput(_weights, ElementType.Int8, new[] { 40, 1, 1, 96 }, One), _bias.AsSpan(0, 40), output, _convParams);
        else
            Conv2D.Fast(Path, input, 1, 1, output, _convParams, _pointwise, _scratch, _stage);
    }

    [Benchmark(Description = "DepthwiseConv2D 3x3 s2 28x28x96")]
    public void Depthwise()
    {
        var input = new QuantizedInput(_input, ElementType.Int8, DepthwiseIn, new[] { -5 });
        var output = new QuantizedOutput(_output.AsSpan(0, 14 * 14 * 96), ElementType.Int8, DepthwiseOut, One);
        if (Path == KernelPath.Reference)
            DepthwiseConv2D.Reference(input, new QuantizedInput(_dwWeights, ElementType.Int8, new[] { 1, 3, 3, 96 }, One), _bias, output, _dwParams);
        else
            DepthwiseConv2D.Fast(Path, input, output, _dwParams, _depthwise, _scratch, _stage);
    }

    [Benchmark(Description = "synthetic MobileNetV3-Small (57 M MACs)")]
    public void WholeModel() => _model.Invoke();
}
