using System;
using Embedded.Runtime.Kernels;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Execution;

/// <summary>
/// One operator ready to run: its tensors resolved to file memory or arena offsets once at load (the
/// "Prepare" half), and an Invoke that only calls the kernel. Immutable, so a model's operators are shared
/// by all interpreters on all threads.
/// </summary>
internal sealed partial class PreparedOperator
{
    private readonly OperatorDefinition _op;
    private readonly TensorBinding?[] _inputs;
    private readonly TensorBinding _output;
    private readonly TensorBinding[] _allOutputs;

    // Weights packed for the fast paths (null: this operator always runs its reference kernel).
    private readonly PackedGemm? _gemm;
    private readonly PackedGemm16? _gemm16;
    private readonly PackedDepthwise? _depthwise;
    private readonly PackedDepthwise16? _depthwise16;
    // A fully connected layer on a 16-bit input runs as the 1×1 convolution it is (Conv2D.Fast16): its rows as pixels.
    private readonly Conv2DParams? _pointwise;
    private readonly int[]? _pointwiseIn, _pointwiseOut;
    private readonly VectorOutputStage? _vectorStage;
    // TFLite's single-rounding stage of a conv/depthwise/FC, which the NEON and x86 SIMD stages compute (the portable path keeps the scalar stage).
    private readonly VectorOutputStage? _singleRoundingStage;
    // Mul of an 8-bit [N,H,W,C] tensor by an 8-bit per-channel gate: the pattern Mul.TryFast accepts.
    private readonly bool _squeezeExcite;
    // Mul of a 16-bit [N,H,W,C] tensor by a per-channel gate (Mul.Wide): its stage as an OutputStage, zero constants.
    private readonly OutputStage? _wideMulStage;
    private readonly int[]? _wideMulZeros;
    private readonly bool _residualAdd;
    private readonly RequantizeTable? _requantize;
    private readonly ChannelGatherPlan? _gather;
    // Where each input of a concatenation may already sit inside the output (Concat.ContiguousBlocks): the memory plan
    // puts an input that dies here in its block, and the fast path then skips its copy.
    private readonly int[]? _concatBlocks;

    private static bool IsSqueezeExcite(TensorDefinition a, TensorDefinition b, TensorDefinition output)
    {
        if (a.ElementCount != output.ElementCount) (a, b) = (b, a);
        return output.Rank == 4 && output.Type != ElementType.Int16 && a.Type != ElementType.Int16 && b.Type != ElementType.Int16
            && a.ElementCount == output.ElementCount && (long)b.ElementCount * output.Shape[1] * output.Shape[2] == output.ElementCount
            && b.Shape[b.Rank - 1] == output.Shape[3];
    }

    public PreparedOperator(OperatorDefinition op, TensorBinding[] bindings)
    {
        _op = op;
        _inputs = new TensorBinding?[op.Inputs.Length];
        for (int i = 0; i < op.Inputs.Length; i++)
            _inputs[i] = op.Inputs[i] >= 0 ? bindings[op.Inputs[i]] : null;
        _output = bindings[op.Outputs[0]];
        _allOutputs = Array.ConvertAll(op.Outputs, t => bindings[t]);
        if (op.Params is MulParams mul && _output.Tensor.Rank > 0)
        {
            _vectorStage = VectorOutputStage.TryCreate(mul.OutputMultipliers, mul.Rounding, mul.ClampMin, mul.ClampMax, _output.Tensor.Shape[_output.Tensor.Rank - 1], _output.ZeroPoints);
            _squeezeExcite = IsSqueezeExcite(Input(0).Tensor, Input(1).Tensor, _output.Tensor);
            if (Mul.IsWideSqueezeExcite(Input(0).Tensor, Input(1).Tensor, _output.Tensor))
            {
                int channels = _output.Tensor.Shape[3];
                _wideMulStage = new OutputStage(FusedActivation.None, mul.Rounding, mul.OutputMultipliers, Array.Empty<Embedded.Runtime.Quantization.QuantizedMultiplier>(), mul.ClampMin, mul.ClampMax);
                _wideMulZeros = new int[(channels + 7) / 8 * 8];
                _vectorStage = VectorOutputStage.TryCreate(_wideMulStage, channels, _output.ZeroPoints, wide: true);
            }
        }
        if (op.Params is QuantizeParams quantize && Input(0).Tensor.Type != ElementType.Float32)
            _requantize = RequantizeTable.TryCreate(Input(0).Tensor, _output.Tensor, quantize);
        if (op.Params is GlobalAveragePoolParams gap && Input(0).Tensor.Type != ElementType.Int16 && _output.Tensor.Type != ElementType.Int16)
            _vectorStage = VectorOutputStage.TryCreate(gap.Multipliers, gap.Rounding, new[] { _output.Tensor.Type.MinValue() }, new[] { _output.Tensor.Type.MaxValue() },
                _output.Tensor.Shape[3], _output.ZeroPoints);
        if (op.Params is GatherChannelsParams gather)
            _gather = ChannelGatherPlan.TryCreate(Input(0).Tensor, gather);
        if (op.Params is ConcatParams concat)
            _concatBlocks = Concat.ContiguousBlocks(concat, Array.ConvertAll(_inputs, b => b?.Tensor), _output.Tensor);
        if (op.Params is AddParams add && op.Inputs.Length == 2)
            _residualAdd = Add.IsFastCase(Input(0).Tensor, Input(1).Tensor, _output.Tensor, add);
        if (op.Inputs.Length < 2 || !Input(1).Tensor.IsConstant || (_inputs.Length > 2 && _inputs[2] is { } b && !b.Tensor.IsConstant)) return;
        var input = Input(0).Tensor;
        var weights = Input(1).Tensor;
        var bias = Bias(Span<byte>.Empty);
        switch (op.Params)
        {
            case Conv2DParams conv when conv.Groups == 1:
                int depth = weights.Shape[1] * weights.Shape[2] * weights.Shape[3];
                _gemm = PackedGemm.TryCreate(input, weights, weights.Data.Span, bias, weights.Shape[0], depth);
                _gemm16 = PackedGemm16.TryCreate(input, weights, weights.Data.Span, bias, weights.Shape[0], depth);
                break;
            case FullyConnectedParams fc:
                _gemm = PackedGemm.TryCreate(input, weights, weights.Data.Span, bias, weights.Shape[0], weights.Shape[1]);
                // Rows whose depth is the input's last dimension (a pooled or flattened vector), as Conv2D.Fast16 reads pixels.
                if (input.Shape[input.Rank - 1] == weights.Shape[1])
                    _gemm16 = PackedGemm16.TryCreate(input, weights, weights.Data.Span, bias, weights.Shape[0], weights.Shape[1]);
                if (_gemm16 is not null)
                {
                    int rows = input.ElementCount / weights.Shape[1];
                    _pointwise = new Conv2DParams { Output = fc.Output };
                    _pointwiseIn = new[] { rows, 1, 1, weights.Shape[1] };
                    _pointwiseOut = new[] { rows, 1, 1, weights.Shape[0] };
                }
                break;
            case DepthwiseConv2DParams depthwise:
                _depthwise = PackedDepthwise.TryCreate(input, weights, weights.Data.Span, bias, depthwise);
                _depthwise16 = PackedDepthwise16.TryCreate(input, weights, weights.Data.Span, bias, depthwise);
                break;
        }
        var stage = op.Params switch { Conv2DParams c => c.Output, FullyConnectedParams f => f.Output, DepthwiseConv2DParams d => d.Output, _ => null };
        if (stage is not null && (_gemm is not null || _depthwise is not null || _gemm16 is not null || _depthwise16 is not null))
        {
            bool wide = _gemm16 is not null || _depthwise16 is not null;
            _vectorStage = VectorOutputStage.TryCreate(stage, _output.Tensor.Shape[_output.Tensor.Rank - 1], _output.ZeroPoints, wide);
            if (_vectorStage is null && !wide)
                _singleRoundingStage = VectorOutputStage.TryCreateSingleRounding(stage, _output.Tensor.Shape[_output.Tensor.Rank - 1], _output.ZeroPoints);
        }
    }

    /// <summary>
    /// <paramref name="source"/> with its arena tensors at other offsets (<paramref name="bindings"/>, one per tensor of the
    /// model): the packed weights and output stages are shared, not copied.
    /// </summary>
    public PreparedOperator(PreparedOperator source, TensorBinding[] bindings)
    {
        _op = source._op;
        _inputs = new TensorBinding?[_op.Inputs.Length];
        for (int i = 0; i < _inputs.Length; i++)
            _inputs[i] = _op.Inputs[i] >= 0 ? bindings[_op.Inputs[i]] : null;
        _output = bindings[_op.Outputs[0]];
        _allOutputs = Array.ConvertAll(_op.Outputs, t => bindings[t]);
        _gemm = source._gemm;
        _gemm16 = source._gemm16;
        _pointwise = source._pointwise;
        _pointwiseIn = source._pointwiseIn;
        _pointwiseOut = source._pointwiseOut;
        _depthwise = source._depthwise;
        _depthwise16 = source._depthwise16;
        _vectorStage = source._vectorStage;
        _singleRoundingStage = source._singleRoundingStage;
        _squeezeExcite = source._squeezeExcite;
        _wideMulStage = source._wideMulStage;
        _wideMulZeros = source._wideMulZeros;
        _residualAdd = source._residualAdd;
        _requantize = source._requantize;
        _gather = source._gather;
        _concatBlocks = source._concatBlocks;
    }

    public OperatorDefinition Definition => _op;

    /// <summary>Anchors, scores per anchor, classes reported per anchor and output slots of a detection operator (else zeros).</summary>
    public (int Anchors, int ScoresPerAnchor, int Categories, int Slots, int Survivors) DetectionSizes =>
        _op.Params is DetectionPostProcessParams d
            ? (Input(1).Tensor.Shape[1], Input(1).Tensor.Shape[2], Math.Min(d.MaxClassesPerDetection, d.NumClasses), d.DetectionSlots, DetectionWork.Survivors(Input(1).Tensor.Shape[1], d))
            : default;

    /// <summary>int32 dot products per output pixel the fast paths need (for sizing <see cref="KernelScratch"/>).</summary>
    public int ScratchWidth => _op.Params is ResizeParams ? (Resize.ScratchInts(_output.Tensor) + KernelScratch.ChunkRows - 1) / KernelScratch.ChunkRows : _op.Params is MulParams or GlobalAveragePoolParams ? 2 * ((_output.Tensor.Shape[_output.Tensor.Rank - 1] + 7) / 8 * 8) : Math.Max(Math.Max(Math.Max(_gemm is null ? 0 : _gemm.Blocks * PackedGemm.BlockChannels, _gemm16 is null ? 0 : _gemm16.Blocks * PackedGemm16.BlockChannels), (_depthwise?.Channels + 7) / 8 * 8 ?? 0), _depthwise16?.Width ?? 0);
    /// <summary>Padded input rows of a depthwise layer (<see cref="KernelScratch.DepthwiseRows"/>); 0 past the cap.</summary>
    public int ScratchDepthwiseBytes => _depthwise is null ? 0
        : _depthwise.PaddedRowBytes((DepthwiseConv2DParams)_op.Params, _output.Tensor.Shape[2]) is var bytes && bytes <= PackedDepthwise.MaxPaddedRowBytes ? (int)bytes : 0;
    /// <summary>Bytes per unrolled input row.</summary>
    public int ScratchRowBytes => Math.Max(_gemm is null ? 0 : _gemm.Groups * 4, _gemm16 is null ? 0 : _gemm16.Pairs * 4);

    private TensorBinding Input(int k) => _inputs[k]!;

    private ReadOnlySpan<int> Bias(Span<byte> arena) =>
        _inputs.Length > 2 && _inputs[2] is { } bias ? Elements.AsInt32s(bias.Read(arena)) : ReadOnlySpan<int>.Empty;

    /// <summary>Part <paramref name="part"/> of <paramref name="parts"/> of a splittable operator (see <see cref="CanSplit"/>).</summary>
    public void InvokePart(Span<byte> arena, KernelPath path, KernelScratch scratch, int part, int parts, int partEnd = -1)
    {
        if (!TryInvokeFast(arena, path, scratch, part, parts, partEnd))
            throw new InvalidOperationException($"operator {_op} has no splittable kernel on {path}");
    }

    /// <summary>
    /// The vector stage a kernel on <paramref name="path"/> gets: single-rounding stages on the NEON and x86 (AVX2,
    /// AVX-512) paths, whose stages compute them; the portable path keeps the scalar stage for them.
    /// </summary>
    private VectorOutputStage? StageFor(KernelPath path) => _vectorStage ?? (path.UsesNeon() || path.UsesAvx2() ? _singleRoundingStage : null);

    private bool TryInvokeFast(Span<byte> arena, KernelPath path, KernelScratch scratch, int part, int parts, int partEnd = -1)
    {
        if (path == KernelPath.Reference) return false;
        if (_gemm is not null && _op.Params is Conv2DParams conv)
        {
            var w = Input(1).Tensor.Shape;
            Conv2D.Fast(path, Input(0).In(arena), w[1], w[2], _output.Out(arena), conv, _gemm, scratch, StageFor(path), part, parts, partEnd);
            return true;
        }
        if (_gemm16 is not null && _pointwise is not null)
        {
            Conv2D.Fast16(path, new QuantizedInput(Input(0).Read(arena), ElementType.Int16, _pointwiseIn, Input(0).ZeroPoints), 1, 1,
                new QuantizedOutput(_output.Write(arena), _output.Tensor.Type, _pointwiseOut, _output.ZeroPoints), _pointwise, _gemm16, scratch, _vectorStage, part, parts, partEnd);
            return true;
        }
        if (_gemm16 is not null)
        {
            var w = Input(1).Tensor.Shape;
            Conv2D.Fast16(path, Input(0).In(arena), w[1], w[2], _output.Out(arena), (Conv2DParams)_op.Params, _gemm16, scratch, _vectorStage, part, parts, partEnd);
            return true;
        }
        if (_gemm is not null && _op.Params is FullyConnectedParams fc)
        {
            if (parts > 1) return FullyConnected.TryFastPart(path, Input(0).In(arena), _output.Out(arena), _gemm, scratch, _vectorStage, part, parts, partEnd);
            FullyConnected.Fast(path, Input(0).In(arena), _output.Out(arena), fc, _gemm, scratch, StageFor(path));
            return true;
        }
        if (_vectorStage is not null && _op.Params is GlobalAveragePoolParams gap
            && GlobalAveragePool.TryFast(path, Input(0).In(arena), _output.Out(arena), gap, _vectorStage, scratch.Dots, part, parts))
            return true;
        if (_op.Params is GlobalAveragePoolParams mean && parts == 1
            && GlobalAveragePool.TryFastSums(path, Input(0).In(arena), _output.Out(arena), mean, scratch.PartialSums))
            return true;
        if (_op.Params is GlobalAveragePoolParams wideMean && parts == 1
            && GlobalAveragePool.TryWide(path, Input(0).In(arena), _output.Out(arena), wideMean, scratch.Dots))
            return true;
        if (_requantize is not null)
            return Quantize.TryFast(path, Input(0).In(arena), _output.Out(arena), _requantize, part, parts, partEnd);
        if (_residualAdd)
            return Add.TryFast(path, Input(0).In(arena), Input(1).In(arena), _output.Out(arena), (AddParams)_op.Params, part, parts, partEnd);
        if (_wideMulStage is not null)
        {
            Mul.Wide(path, Input(0).In(arena), Input(1).In(arena), _output.Out(arena), _wideMulStage, _vectorStage, _wideMulZeros!, scratch.Dots, part, parts, partEnd);
            return true;
        }
        if (_squeezeExcite && _vectorStage is not null)
            return Mul.TryFast(path, Input(0).In(arena), Input(1).In(arena), _output.Out(arena), _vectorStage, scratch.Dots, part, parts, partEnd);
        if (_op.Code == OperatorCode.AveragePool2D && parts == 1)
            return AveragePool2D.TryFast(path, Input(0).In(arena), _output.Out(arena), (Pool2DParams)_op.Params);
        if (_op.Code == OperatorCode.TableLookup && parts == 1)
        {
            TableLookup.Fast(path, Input(0).In(arena), _output.Out(arena), (TableLookupParams)_op.Params);
            return true;
        }
        if (_op.Code == OperatorCode.InterpolatedTable && parts == 1)
        {
            InterpolatedTable.Fast(Input(0).In(arena), _output.Out(arena), (InterpolatedTableParams)_op.Params);
            return true;
        }
        if (_op.Code == OperatorCode.Softmax && parts == 1)
        {
            var output = _output;
            return Softmax.TryFast(path, Input(0).In(arena), output.Write(arena), output.Tensor.Type, output.Scales.Length > 0 ? output.Scales[0] : 1f,
                output.ZeroPoints.Length > 0 ? output.ZeroPoints[0] : 0, (SoftmaxParams)_op.Params);
        }
        if (_op.Code == OperatorCode.ArgMax && parts == 1)
            return ArgMax.TryFast(path, Input(0).In(arena), _output.Write(arena), _output.Tensor.Type);
        if (_op.Code == OperatorCode.Resize && parts == 1)
            return Resize.TryFast(path, Input(0).In(arena), _output.Out(arena), (ResizeParams)_op.Params, scratch.Dots);
        if (_concatBlocks is not null && parts == 1)
        {
            var p = (ConcatParams)_op.Params;
            int axisOffset = 0;
            for (int k = 0; k < _inputs.Length; k++)
            {
                if (_concatBlocks[k] == Concat.NotABlock || Input(k).Offset != _output.Offset + _concatBlocks[k])
                    Concat.FastOne(Input(k).In(arena), k, axisOffset, _output.Out(arena), p);
                axisOffset += Input(k).Tensor.Shape[p.Axis];
            }
            return true;
        }
        if (_gather is not null && parts == 1)
            return GatherChannels.TryFast(path, Input(0).Read(arena), _output.Write(arena), _gather);
        if (_op.Code == OperatorCode.Dequantize && parts == 1)
            return Dequantize.TryFast(path, Input(0).In(arena), Elements.AsFloats(_output.Write(arena)), Input(0).Scales);
        if (_depthwise16 is not null)
        {
            DepthwiseConv2D.Wide(path, Input(0).In(arena), _output.Out(arena), (DepthwiseConv2DParams)_op.Params, _depthwise16, scratch, _vectorStage, part, parts, partEnd);
            return true;
        }
        if (_depthwise is not null)
        {
            DepthwiseConv2D.Fast(path, Input(0).In(arena), _output.Out(arena), (DepthwiseConv2DParams)_op.Params, _depthwise, scratch, StageFor(path), part, parts, partEnd);
            return true;
        }
        return false;
    }

    public void Invoke(Span<byte> arena, KernelPath path, KernelScratch scratch)
    {
        if (TryInvokeFast(arena, path, scratch, 0, 1)) return;
        switch (_op.Code)
        {
            case OperatorCode.Conv2D:
                Conv2D.Reference(Input(0).In(arena), Input(1).In(arena), Bias(arena), _output.Out(arena), (Conv2DParams)_op.Params);
                break;
            case OperatorCode.DepthwiseConv2D:
                DepthwiseConv2D.Reference(Input(0).In(arena), Input(1).In(arena), Bias(arena), _output.Out(arena), (DepthwiseConv2DParams)_op.Params);
                break;
            case OperatorCode.FullyConnected:
                FullyConnected.Reference(Input(0).In(arena), Input(1).In(arena), Bias(arena), _output.Out(arena), (FullyConnectedParams)_op.Params);
                break;
            case OperatorCode.Add:
                Add.Reference(Input(0).In(arena), Input(1).In(arena), _output.Out(arena), (AddParams)_op.Params);
                break;
            case OperatorCode.Mul:
                Mul.Reference(Input(0).In(arena), Input(1).In(arena), _output.Out(arena), (MulParams)_op.Params);
                break;
            case OperatorCode.AveragePool2D:
                AveragePool2D.Reference(Input(0).In(arena), _output.Out(arena), (Pool2DParams)_op.Params);
                break;
            case OperatorCode.MaxPool2D:
                MaxPool2D.Reference(Input(0).In(arena), _output.Out(arena), (Pool2DParams)_op.Params);
                break;
            case OperatorCode.GlobalAveragePool:
                GlobalAveragePool.Reference(Input(0).In(arena), _output.Out(arena), (GlobalAveragePoolParams)_op.Params);
                break;
            case OperatorCode.TableLookup:
                TableLookup.Reference(Input(0).In(arena), _output.Out(arena), (TableLookupParams)_op.Params);
                break;
            case OperatorCode.InterpolatedTable:
                InterpolatedTable.Reference(Input(0).In(arena), _output.Out(arena), (InterpolatedTableParams)_op.Params);
                break;
            case OperatorCode.Concat:
            {
                var p = (ConcatParams)_op.Params;
                int axisOffset = 0;
                for (int k = 0; k < _inputs.Length; k++)
                {
                    Concat.ReferenceOne(Input(k).In(arena), k, axisOffset, _output.Out(arena), p);
                    axisOffset += Input(k).Tensor.Shape[p.Axis];
                }
                break;
            }
            case OperatorCode.Reshape:
                Reshape.Reference(Input(0).Read(arena), _output.Write(arena));
                break;
            case OperatorCode.Pad:
                Pad.Reference(Input(0).In(arena), _output.Out(arena), (PadParams)_op.Params);
                break;
            case OperatorCode.Softmax:
            {
                var output = _output;
                float scale = output.Scales.Length > 0 ? output.Scales[0] : 1f;
                int zeroPoint = output.ZeroPoints.Length > 0 ? output.ZeroPoints[0] : 0;
                Softmax.Reference(Input(0).In(arena), output.Write(arena), output.Tensor.Type, scale, zeroPoint, (SoftmaxParams)_op.Params);
                break;
            }
            case OperatorCode.Quantize:
                if (Input(0).Tensor.Type == ElementType.Float32)
                {
                    if (!Quantize.TryFromFloatFast(path, Elements.AsFloats(Input(0).Read(arena)), _output.Out(arena), _output.Scales))
                        Quantize.FromFloatReference(Elements.AsFloats(Input(0).Read(arena)), _output.Out(arena), _output.Scales);
                }
                else
                    Quantize.RequantizeReference(Input(0).In(arena), _output.Out(arena), (QuantizeParams)_op.Params);
                break;
            case OperatorCode.Resize:
                Resize.Reference(Input(0).In(arena), _output.Out(arena), (ResizeParams)_op.Params);
                break;
            case OperatorCode.DetectionPostProcess:
            {
                float Scale(int k) => Input(k).Scales.Length > 0 ? Input(k).Scales[0] : 1f;
                DetectionPostProcess.Reference(Input(0).In(arena), Input(1).In(arena), Input(2).In(arena), (Scale(0), Scale(1), Scale(2)),
                    Elements.AsFloats(_allOutputs[0].Write(arena)), Elements.AsFloats(_allOutputs[1].Write(arena)), Elements.AsFloats(_allOutputs[2].Write(arena)),
                    Elements.AsFloats(_allOutputs[3].Write(arena)), (DetectionPostProcessParams)_op.Params,
                    scratch.Detection ?? throw new InvalidOperationException("the interpreter has no detection scratch"));
                break;
            }
            case OperatorCode.ArgMax:
                ArgMax.Reference(Input(0).In(arena), _output.Write(arena), _output.Tensor.Type);
                break;
            case OperatorCode.GatherChannels:
                GatherChannels.Reference(Input(0).In(arena), _output.Out(arena), (GatherChannelsParams)_op.Params);
                break;
            case OperatorCode.Dequantize:
                Dequantize.Reference(Input(0).In(arena), Elements.AsFloats(_output.Write(arena)), Input(0).Scales);
                break;
            default:
                throw new InvalidOperationException($"operator {_op} has no kernel");
        }
    }
}
