using System;
using System.Linq;
using Embedded.Runtime.Building;
using Embedded.Runtime.Execution;
using Embedded.Runtime.Format;
using Embedded.Runtime.Kernels;
using Embedded.Runtime.Model;
using Embedded.Runtime.Quantization;
using Embedded.Runtime.Tests.Support;
using Embedded.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Runtime.Tests.Planning;

/// <summary>
/// Concatenation without copies: heads concatenated along the anchor axis (SSD) are planned inside the output, and
/// every path and thread count still gives the bytes of the model planned without sharing.
/// </summary>
[TestClass]
public sealed class ConcatBlocksTests
{
    private static readonly QuantizationParams Q = QuantizationParams.PerTensor(0.1f, -3);
    private static readonly QuantizationParams Rescaled = QuantizationParams.PerTensor(0.25f, 5);
    private static readonly QuantizationParams Pixels = QuantizationParams.PerTensor(0.05f, 7);
    private const int C = 40;

    /// <summary>Tensor indices of <see cref="Heads"/>, by name.</summary>
    private sealed record HeadModel(ModelDefinition Definition, int H1, int T1, int R0, int R1, int R2, int R3, int R4, int Joined, int Outer);

    /// <summary>
    /// x [1,64,64,16] → requantized (split across threads) → pooled five ways → each pool's channels gathered to 40 and
    /// reshaped to [1,n,40] → the six heads concatenated along axis 1, that concatenation nested in one more (the model's output).
    /// Heads 0 and 1 (a table in place over the gather, a reshape in place) are contiguous, aligned blocks that die at
    /// the concatenation; head 2 is also a model output, head 5 (after head 4) is a block again, head 3 starts off the 16-byte alignment, head 4 is rescaled:
    /// those three are copied. The concatenations are where the arena peaks, so sharing saves bytes.
    /// </summary>
    private static HeadModel Heads(bool share)
    {
        var b = new ModelBuilder { AllowInPlace = share };
        var i8 = ElementType.Int8;
        int x = b.AddInput("x", i8, new[] { 1, 64, 64, 16 }, Pixels);
        int xq = b.AddActivation("xq", i8, new[] { 1, 64, 64, 16 }, Q);
        b.AddOperator(OperatorCode.Quantize, "xq", new[] { x }, new[] { xq }, new QuantizeParams { Multipliers = OutputStageBuilder.Requantize(Pixels, Q, 1) });
        int Pool(int size)
        {
            int side = 64 / size;
            int t = b.AddActivation($"pool{size}", i8, new[] { 1, side, side, 16 }, Q);
            b.AddOperator(OperatorCode.MaxPool2D, $"pool{size}", new[] { xq }, new[] { t },
                new Pool2DParams { FilterH = size, FilterW = size, StrideH = size, StrideW = size, ClampMin = new[] { -128 }, ClampMax = new[] { 127 } });
            return t;
        }
        int Widen(string name, int source)
        {
            var shape = b.Tensor(source).Shape;
            int t = b.AddActivation(name, i8, new[] { 1, shape[1], shape[2], C }, Q);
            b.AddOperator(OperatorCode.GatherChannels, name, new[] { source }, new[] { t }, new GatherChannelsParams { Indices = Enumerable.Range(0, C).Select(c => c % 16).ToArray() });
            return t;
        }
        int Head(string name, int source)
        {
            var from = b.Tensor(source);
            int r = b.AddActivation(name, i8, new[] { 1, from.ElementCount / C, C }, from.Quantization);
            b.AddOperator(OperatorCode.Reshape, name, new[] { source }, new[] { r }, NoParams.Instance);
            return r;
        }
        int p0 = Pool(2), p1 = Pool(4), p2 = Pool(3), p3 = Pool(64), p4 = Pool(8), p5 = Pool(16);
        int r0 = Head("r0", Widen("h0", p0));
        int h1 = Widen("h1", p1);
        int t1 = b.AddActivation("t1", i8, b.Tensor(h1).Shape, Q);
        b.AddOperator(OperatorCode.TableLookup, "t1", new[] { h1 }, new[] { t1 }, OutputStageBuilder.Table(v => Math.Max(0, v), Q, i8, Q, i8, C));
        int r1 = Head("r1", t1);
        int r2 = Head("r2", Widen("h2", p2));
        int r3 = Head("r3", Widen("h3", p3));
        int h4 = Widen("h4", p4);
        int t4 = b.AddActivation("t4", i8, b.Tensor(h4).Shape, Rescaled);
        b.AddOperator(OperatorCode.TableLookup, "t4", new[] { h4 }, new[] { t4 }, OutputStageBuilder.Table(v => v, Q, i8, Rescaled, i8, C));
        int r4 = Head("r4", t4);

        var heads = new[] { r0, r1, r2, r3, r4, Head("r5", Widen("h5", p5)) };
        int rows = heads.Sum(h => b.Tensor(h).Shape[1]);
        int joined = b.AddActivation("joined", i8, new[] { 1, rows, C }, Q);
        b.AddOperator(OperatorCode.Concat, "joined", heads, new[] { joined }, Concatenation(heads.Select(h => b.Tensor(h).Quantization!)));
        // A concatenation of one input: the inner one nests in it at offset 0.
        int outer = b.AddActivation("outer", i8, new[] { 1, rows, C }, Q);
        b.AddOperator(OperatorCode.Concat, "outer", new[] { joined }, new[] { outer }, Concatenation(new[] { Q }));
        b.MarkOutput(outer);
        b.MarkOutput(r2);
        return new HeadModel(b.Build(new ModelMetadata { Name = "heads" }), h1, t1, r0, r1, r2, r3, r4, joined, outer);
    }

    private static TensorDefinition Def(ModelBuilder b, int t) => b.Tensor(t);

    private static ConcatParams Concatenation(System.Collections.Generic.IEnumerable<QuantizationParams> inputs) => new()
    {
        Axis = 1,
        InputMultipliers = inputs.Select(q => q.SameAs(Q) ? new QuantizedMultiplier(0, 0) : OutputStageBuilder.Requantize(q, Q, 1)[0]).ToArray(),
    };

    [TestMethod]
    public void ContiguousAlignedHeadsThatDieThere_ArePlannedInsideTheOutput_OthersAreNot()
    {
        var m = Heads(share: true);
        var offsets = m.Definition.Plan.Offsets;
        int joined = offsets[m.Joined];
        Assert.AreEqual(joined, offsets[m.R0], "head 0 at the start of the concatenation");
        Assert.AreEqual(joined + 32 * 32 * C, offsets[m.R1], "head 1 right after head 0");
        Assert.AreEqual(offsets[m.R1], offsets[m.T1], "the table in place over the gather, inside the block");
        Assert.AreEqual(offsets[m.R1], offsets[m.H1], "the gather written straight into the block");
        Assert.AreEqual(offsets[m.Outer], joined, "the inner concatenation at the start of the outer one");
        int Rows(int t) => m.Definition.Tensors[t].Shape[1];
        foreach (var (head, why) in new[] { (m.R2, "a model output"), (m.R3, "off the alignment"), (m.R4, "rescaled") })
        {
            long start = offsets[head], end = start + m.Definition.Tensors[head].ByteLength;
            bool inside = start < joined + m.Definition.Tensors[m.Joined].ByteLength && joined < end;
            Assert.IsFalse(inside, $"head {m.Definition.Tensors[head]} ({why}) must keep bytes of its own");
        }
        Assert.AreNotEqual(0, (Rows(m.R0) + Rows(m.R1) + Rows(m.R2)) * C % MemoryPlan.Alignment, "head 3 really starts off the alignment");
        Assert.IsTrue(m.Definition.Plan.ArenaBytes < Heads(share: false).Definition.Plan.ArenaBytes);

        // The plan survives the file and the reader's validation.
        var read = ModelReader.Read(ModelWriter.Write(m.Definition));
        CollectionAssert.AreEqual(offsets, read.Plan.Offsets);
    }

    [TestMethod]
    public void SharedBlocks_GiveTheBytesOfSeparateBuffers_OnEveryPathAndThreadCount_WithoutAllocating()
    {
        var separate = EmbeddedModel.Load(ModelWriter.Write(Heads(share: false).Definition));
        var expected = Run(separate.CreateInterpreter(new InterpreterOptions { Path = KernelPath.Reference }));
        var shared = EmbeddedModel.Load(ModelWriter.Write(Heads(share: true).Definition));
        foreach (var path in KernelPaths.Available)
        foreach (int threads in new[] { 1, 2, 3 })
        {
            using var interpreter = shared.CreateInterpreter(new InterpreterOptions { Path = path, Threads = threads });
            CollectionAssert.AreEqual(expected, Run(interpreter), $"path {path}, {threads} threads");
            // Twice: the second inference must not depend on what the first left in the arena.
            CollectionAssert.AreEqual(expected, Run(interpreter), $"path {path}, {threads} threads, second inference");
            if (threads == 1)
                Assert.AreEqual(0L, Allocations.SteadyState(interpreter.Invoke), $"path {path} allocated during inference");
        }
    }

    private static byte[] Run(Interpreter interpreter)
    {
        Models.FillInput(interpreter, 11);
        interpreter.Invoke();
        return interpreter.Output(0).Bytes.ToArray().Concat(interpreter.Output(1).Bytes.ToArray()).ToArray();
    }

    [TestMethod]
    public void Validator_RefusesATensorInsideAConcatenationThatOutlivesIt_OrSitsOffItsBlock()
    {
        var m = Heads(share: true).Definition;
        ModelFormatException Moved(int tensor, int offset)
        {
            var offsets = (int[])m.Plan.Offsets.Clone();
            offsets[tensor] = offset;
            var moved = new ModelDefinition(m.Metadata, m.Tensors, m.Operators, m.Inputs, m.Outputs, new MemoryPlan(m.Plan.ArenaBytes, offsets));
            return Assert.ThrowsExactly<ModelFormatException>(() => ModelValidator.Validate(moved));
        }
        var h = Heads(share: true);
        int joined = m.Plan.Offsets[h.Joined];
        // Head 2 is a model output: it outlives the concatenation, so its block's bytes are not its to share.
        StringAssert.Contains(Moved(h.R2, joined + (32 * 32 + 16 * 16) * C).Message, "overlaps");
        // Head 0 one alignment step past its block.
        StringAssert.Contains(Moved(h.R0, joined + MemoryPlan.Alignment).Message, "overlaps");
    }
}
