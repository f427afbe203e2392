using System;
using System.Collections.Generic;
using Embedded.Runtime.Kernels;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Execution;

/// <summary>
/// How an operator runs on several threads: which kernels split and how, and the arena bytes each part touches
/// (what <see cref="ParallelSchedule"/> compares to place its barriers).
/// </summary>
internal sealed partial class PreparedOperator
{
    /// <summary>Whether the kernel on <paramref name="path"/> can run in parts (disjoint outputs, any part count, the same bytes).</summary>
    private bool SplitCapable(KernelPath path) =>
        path != KernelPath.Reference
        && (_gemm16 is not null || _depthwise is not null || _depthwise16 is not null || (_gemm is not null && _op.Params is Conv2DParams)
            || ((_squeezeExcite || _residualAdd) && (path.UsesAvx2() || path.UsesNeon())) || _wideMulStage is not null || _requantize is not null || IsFastGlobalAveragePool(path)
            || IsSplittableFullyConnected(path));

    // A fully connected layer splits by outputs on the fused AVX-512 kernel (FullyConnected.TryFastPart).
    private bool IsSplittableFullyConnected(KernelPath path) =>
        _gemm is not null && _vectorStage is not null && _op.Params is FullyConnectedParams && FullyConnected.CanSplitByOutputs(path, _gemm, _output.Tensor.Type);

    /// <summary>
    /// Whether the operator-by-operator hand-off (<see cref="WorkerPool.Run"/>, used by the profiled and observed
    /// invokes) splits this operator on <paramref name="path"/>: only where the split pays for its own hand-off.
    /// </summary>
    public bool CanSplit(KernelPath path) =>
        SplitCapable(path)
        && !IsSplittableFullyConnected(path)
        && (_op.Params is Conv2DParams or DepthwiseConv2DParams ? _output.Tensor.ElementCount >= MinSplitOutputs
            : (IsFastGlobalAveragePool(path) ? Input(0).Tensor.ElementCount : _output.Tensor.ElementCount) >= MinSplitElementwise);

    /// <summary>
    /// Whether <see cref="ParallelSchedule"/> splits this operator: every splittable kernel with enough outputs, except
    /// the pooled sums (read by one fully connected layer next, they would cost a second barrier for a few µs).
    /// </summary>
    public bool SplitsInSchedule(KernelPath path) =>
        SplitCapable(path) && !IsFastGlobalAveragePool(path)
        && (IsSplittableFullyConnected(path) ? (long)_gemm!.Outputs * _gemm.Depth >= MinSplitWeights : _output.Tensor.ElementCount >= MinSplitOutputs);

    /// <summary>
    /// Whether <see cref="ParallelSchedule"/> runs this pool in two phases: every thread sums its own rows
    /// (<see cref="SumPart"/>), then the first thread adds the sums and requantizes (<see cref="FinishSums"/>). One image,
    /// 8-bit, the fast requantizing pool: what squeeze-excite blocks pool.
    /// </summary>
    public bool SumsInParts(KernelPath path) =>
        IsFastGlobalAveragePool(path) && Input(0).Tensor.Shape[0] == 1 && Input(0).Tensor.ElementCount >= MinSplitOutputs;

    /// <summary>Channels of the pool's input: the partial sums each thread keeps.</summary>
    public int PoolChannels => _op.Params is GlobalAveragePoolParams && Input(0).Tensor.Rank == 4 ? Input(0).Tensor.Shape[3] : 0;

    /// <summary>The first phase of a pool split over threads: this thread's per-channel sums into its scratch.</summary>
    public void SumPart(Span<byte> arena, KernelPath path, KernelScratch scratch, int part, int parts, int partEnd = -1) =>
        GlobalAveragePool.SumPixels(path, Input(0).In(arena), part, parts, scratch.PartialSums, partEnd);

    /// <summary>The second phase, on one thread once every part has summed: the mean of every channel.</summary>
    public void FinishSums(Span<byte> arena, KernelPath path, ReadOnlySpan<int[]> partialSums) =>
        GlobalAveragePool.FinishSums(path, Input(0).In(arena), _output.Out(arena), _vectorStage!, partialSums);

    /// <summary>The accesses of <see cref="SumPart"/>: each part reads its own pixels (<see cref="PartRange"/>) and writes its partial sums.</summary>
    public void DescribeSumAccesses(int parts, List<ArenaAccess> into)
    {
        var input = Input(0);
        var t = input.Tensor;
        into.Add(new ArenaAccess(input.Offset, t.ByteLength, false, AccessThreads.Parts, Boundaries(t.Shape[1] * t.Shape[2], t.Shape[3] * t.Type.SizeInBytes(), parts)));
        into.Add(new ArenaAccess(ArenaAccess.PartialSums, 1, true, AccessThreads.Parts, new int[parts + 1]));
    }

    /// <summary>The accesses of <see cref="FinishSums"/>: every part's sums and the output, on the first thread.</summary>
    public void DescribeFinishAccesses(List<ArenaAccess> into)
    {
        into.Add(new ArenaAccess(ArenaAccess.PartialSums, 1, false, AccessThreads.First));
        if (_output.Offset >= 0) into.Add(new ArenaAccess(_output.Offset, _output.Tensor.ByteLength, true, AccessThreads.First));
    }

    // The pooled sums run eight channels at a time on AVX2 and NEON and split by channel blocks (GlobalAveragePool.TryFast).
    private bool IsFastGlobalAveragePool(KernelPath path) =>
        _vectorStage is not null && _op.Params is GlobalAveragePoolParams { Algorithm: MeanAlgorithm.Requantize } && (path.UsesAvx2() || (path.UsesNeon() && _vectorStage.NeonReady))
        && Input(0).Tensor.Type != ElementType.Int16 && _output.Tensor.Shape[3] >= 16;

    // Operator by operator, below these sizes splitting costs more than it saves (measured on V3-Small with 2 threads:
    // the squeeze-excite Mul, residual Add and pooled sums of 10–50 K elements ran slower split, so only the 150 K-element
    // input requantization splits; convolutions do tens to hundreds of instructions per output and split from 4096).
    private const int MinSplitOutputs = 4096;
    // A fully connected layer splits when each thread's share of its weights takes longer to stream than a barrier (the
    // classifier's 0.6 and 1 MB layers, not the squeeze-excite ones).
    private const int MinSplitWeights = 256 * 1024;
    private const int MinSplitElementwise = 65536;

    /// <summary>
    /// The arena bytes this operator reads and writes, and which threads touch which of them, when it runs split into
    /// <paramref name="parts"/> (<paramref name="split"/>) or whole on the first thread: what <see cref="ParallelSchedule"/>
    /// compares to place its barriers. Split kernels write whole pixels or rows per part (<see cref="PartRange"/>); a
    /// pixel-wise input (same pixels as the output) is read by the same parts, any other input by any thread.
    /// </summary>
    public void DescribeAccesses(bool split, int parts, List<ArenaAccess> into)
    {
        var output = _output.Tensor;
        int[]? outputParts = split ? OutputPartBytes(parts) : null;
        for (int k = 0; k < _inputs.Length; k++)
        {
            if (_inputs[k] is not { } input || input.Tensor.IsConstant || input.Offset < 0) continue;
            if (!split) { into.Add(new ArenaAccess(input.Offset, input.Tensor.ByteLength, false, AccessThreads.First)); continue; }
            // The same pixels (element-wise operators: the same elements) in the input's own bytes per pixel.
            bool elementwise = _op.Params is AddParams or QuantizeParams;
            int[]? own = outputParts is not null && ReadsOwnPixels(input.Tensor)
                ? Scale(outputParts, output.Type.SizeInBytes() * (elementwise ? 1 : Channels(output)), input.Tensor.Type.SizeInBytes() * (elementwise ? 1 : Channels(input.Tensor)))
                : null;
            into.Add(own is null ? new ArenaAccess(input.Offset, input.Tensor.ByteLength, false, AccessThreads.Any)
                : new ArenaAccess(input.Offset, input.Tensor.ByteLength, false, AccessThreads.Parts, own));
        }
        if (_output.Offset < 0) return;
        if (!split) into.Add(new ArenaAccess(_output.Offset, output.ByteLength, true, AccessThreads.First));
        else if (outputParts is null) into.Add(new ArenaAccess(_output.Offset, output.ByteLength, true, AccessThreads.Any));
        else into.Add(new ArenaAccess(_output.Offset, output.ByteLength, true, AccessThreads.Parts, outputParts));
    }

    private static int Channels(TensorDefinition t) => t.Rank == 0 ? 1 : t.Shape[t.Rank - 1];

    /// <summary>Output byte boundaries of the parts as the split kernel cuts them, or null when they are not whole pixels of one image.</summary>
    private int[]? OutputPartBytes(int parts)
    {
        var output = _output.Tensor;
        int size = output.Type.SizeInBytes();
        switch (_op.Params)
        {
            case Conv2DParams when output.Rank == 4:
                // Conv2D.Fast / Fast16: output pixels over the whole batch.
                return Boundaries(output.Shape[0] * output.Shape[1] * output.Shape[2], output.Shape[3] * size, parts);
            case DepthwiseConv2DParams when output.Rank == 4 && output.Shape[0] == 1:
                // Output pixels of the image (DepthwiseConv2D.Fast).
                return Boundaries(output.Shape[1] * output.Shape[2], output.Shape[3] * size, parts);
            case MulParams when output.Rank == 4 && output.Shape[0] == 1:
                return Boundaries(output.Shape[1] * output.Shape[2], output.Shape[3] * size, parts);
            case AddParams or QuantizeParams:
                var bounds = new int[parts + 1];
                for (int p = 0; p < parts; p++) bounds[p + 1] = PartRange.OfElements((int)output.ElementCount, Channels(output), p, parts).End * size;
                return bounds;
            default:
                return null;
        }
    }

    private static int[] Boundaries(int units, int bytesPerUnit, int parts)
    {
        var bounds = new int[parts + 1];
        for (int p = 0; p <= parts; p++) bounds[p] = PartRange.Begin(units, p, parts) * bytesPerUnit;
        return bounds;
    }

    /// <summary>Output byte boundaries (whole units of <paramref name="outputUnit"/> bytes) in an input's units of <paramref name="inputUnit"/> bytes.</summary>
    private static int[] Scale(int[] outputBounds, int outputUnit, int inputUnit)
    {
        var bounds = new int[outputBounds.Length];
        for (int i = 0; i < bounds.Length; i++) bounds[i] = (int)((long)outputBounds[i] / outputUnit * inputUnit);
        return bounds;
    }

    /// <summary>Whether the split kernel reads <paramref name="input"/> only at the output pixels each part writes.</summary>
    private bool ReadsOwnPixels(TensorDefinition input)
    {
        var output = _output.Tensor;
        return _op.Params switch
        {
            Conv2DParams c => input.Rank == 4 && output.Rank == 4 && input.Shape[0] == output.Shape[0] && input.Shape[1] == output.Shape[1] && input.Shape[2] == output.Shape[2]
                && Input(1).Tensor.Shape[1] == 1 && Input(1).Tensor.Shape[2] == 1 && c.StrideH == 1 && c.StrideW == 1 && c.Padding.IsNone,
            MulParams => input.ElementCount == output.ElementCount,
            AddParams or QuantizeParams => input.ElementCount == output.ElementCount && Channels(input) == Channels(output),
            _ => false,
        };
    }
}
