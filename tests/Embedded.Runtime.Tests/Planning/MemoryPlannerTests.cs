using System;
using System.Linq;
using Embedded.Runtime.Building;
using Embedded.Runtime.Model;
using Embedded.Runtime.Planning;
using Embedded.Runtime.Quantization;
using Embedded.Runtime.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Runtime.Tests.Planning;

[TestClass]
public sealed class MemoryPlannerTests
{
    [TestMethod]
    public void Chain_ReusesMemoryOfDeadTensors()
    {
        // a → b → c → d: at each step two tensors live. Greedy by size places 100 and 80 side by side, and 60/40
        // into the space of tensors that are dead by then.
        var requests = new[] { new BufferRequest(100, 0, 1), new BufferRequest(80, 1, 2), new BufferRequest(60, 2, 3), new BufferRequest(40, 3, 4) };
        var plan = MemoryPlanner.Plan(requests, 16);
        Assert.IsTrue(MemoryPlanner.IsValid(requests, plan.Offsets, plan.ArenaBytes));
        CollectionAssert.AreEqual(new[] { 0, 112, 0, 64 }, plan.Offsets);
        Assert.AreEqual(192, plan.ArenaBytes);
    }

    [TestMethod]
    public void DisjointLifetimes_ShareOffsetZero_OverlappingOnesDoNot()
    {
        var requests = new[] { new BufferRequest(64, 0, 0), new BufferRequest(64, 1, 1), new BufferRequest(64, 2, 2), new BufferRequest(32, 0, 2) };
        var plan = MemoryPlanner.Plan(requests, 16);
        CollectionAssert.AreEqual(new[] { 0, 0, 0, 64 }, plan.Offsets);
        Assert.AreEqual(96, plan.ArenaBytes);
    }

    [TestMethod]
    public void ASmallBufferFillsAGapBetweenLargerOnes()
    {
        // 100 [0,3] and 100 [0,3] are placed at 0 and 112; a 50-byte buffer live while a 60-byte one that died
        // left a gap... construct a gap: A(64,[0,1]) B(64,[0,3]) at 0 and 64; C(48,[2,3]) fits where A was.
        var requests = new[] { new BufferRequest(64, 0, 1), new BufferRequest(64, 0, 3), new BufferRequest(48, 2, 3) };
        var plan = MemoryPlanner.Plan(requests, 16);
        Assert.AreEqual(plan.Offsets[0], plan.Offsets[2], "C should take A's place");
        Assert.AreEqual(128, plan.ArenaBytes);
    }

    [TestMethod]
    public void Alignment_IsRespected_AndZeroSizedBuffersAreHarmless()
    {
        var requests = new[] { new BufferRequest(3, 0, 5), new BufferRequest(5, 0, 5), new BufferRequest(0, 0, 5), new BufferRequest(17, 1, 2) };
        var plan = MemoryPlanner.Plan(requests, 16);
        Assert.IsTrue(plan.Offsets.All(o => o % 16 == 0));
        Assert.IsTrue(MemoryPlanner.IsValid(requests, plan.Offsets, plan.ArenaBytes));
        Assert.AreEqual(0, plan.ArenaBytes % 16);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => MemoryPlanner.Plan(requests, 12));
        Assert.ThrowsExactly<ArgumentException>(() => new BufferRequest(8, 3, 2));
    }

    [TestMethod]
    public void RandomLifetimes_NeverOverlap_AndAreNoWorseThanTheLowerBound()
    {
        var random = new Random(70);
        for (int trial = 0; trial < 300; trial++)
        {
            int n = random.Next(0, 40);
            var requests = Enumerable.Range(0, n).Select(_ =>
            {
                int first = random.Next(0, 30);
                return new BufferRequest(random.Next(0, 5000), first, first + random.Next(0, 8));
            }).ToArray();
            var plan = MemoryPlanner.Plan(requests, 16);
            Assert.IsTrue(MemoryPlanner.IsValid(requests, plan.Offsets, plan.ArenaBytes), $"trial {trial}");
            // Lower bound: the bytes live at the busiest step.
            long lower = Enumerable.Range(0, 40).Select(step => requests.Where(r => r.FirstUse <= step && step <= r.LastUse).Sum(r => (long)r.SizeBytes)).DefaultIfEmpty(0).Max();
            Assert.IsTrue(plan.ArenaBytes >= lower);
            Assert.IsTrue(plan.ArenaBytes <= requests.Sum(r => (long)(r.SizeBytes + 15) / 16 * 16), "never worse than no reuse");
            // Deterministic.
            CollectionAssert.AreEqual(plan.Offsets, MemoryPlanner.Plan(requests, 16).Offsets);
        }
    }

    [TestMethod]
    public void Builder_PlacesElementwiseOutputsInPlace_AndTheResultIsUnchanged()
    {
        // a = relu(x); b = square(a); c = b + x; d = relu(c). Without reuse x, a and b are live together at
        // step 1 and x, b, c at step 2: three buffers. In place, b takes a's bytes and c takes b's: two.
        ModelDefinition Build(bool inPlace)
        {
            var b = new ModelBuilder { AllowInPlace = inPlace };
            var q = QuantizationParams.PerTensor(0.1f, 0);
            var shape = new[] { 1, 4, 4, 8 };
            int x = b.AddInput("x", ElementType.Int8, shape, q);
            int ta = b.AddActivation("a", ElementType.Int8, shape, q);
            int tb = b.AddActivation("b", ElementType.Int8, shape, q);
            int tc = b.AddActivation("c", ElementType.Int8, shape, q);
            int td = b.AddActivation("d", ElementType.Int8, shape, q);
            var relu = OutputStageBuilder.Table(v => Math.Max(0, v), q, ElementType.Int8, q, ElementType.Int8, 8);
            var square = OutputStageBuilder.Table(v => v * v / 4, q, ElementType.Int8, q, ElementType.Int8, 8);
            b.AddOperator(OperatorCode.TableLookup, "relu", new[] { x }, new[] { ta }, relu);
            b.AddOperator(OperatorCode.TableLookup, "square", new[] { ta }, new[] { tb }, square);
            b.AddOperator(OperatorCode.Add, "residual", new[] { tb, x }, new[] { tc }, OutputStageBuilder.Add(q, q, q, ElementType.Int8, 8));
            b.AddOperator(OperatorCode.TableLookup, "relu2", new[] { tc }, new[] { td }, relu);
            b.MarkOutput(td);
            return b.Build(new ModelMetadata());
        }
        var inPlace = Build(true);
        var separate = Build(false);
        Assert.AreEqual(inPlace.Plan.Offsets[1], inPlace.Plan.Offsets[2], "b should be written over a");
        Assert.AreEqual(inPlace.Plan.Offsets[2], inPlace.Plan.Offsets[3], "c should be written over b");
        Assert.AreEqual(256, inPlace.Plan.ArenaBytes);
        Assert.AreEqual(384, separate.Plan.ArenaBytes);
        Assert.IsTrue(inPlace.Plan.ArenaBytes < separate.Plan.ArenaBytes, $"{inPlace.Plan.ArenaBytes} vs {separate.Plan.ArenaBytes}");
        byte[] Run(ModelDefinition d)
        {
            var interpreter = Embedded.Runtime.Execution.EmbeddedModel.Load(Embedded.Runtime.Format.ModelWriter.Write(d)).CreateInterpreter();
            Models.FillInput(interpreter, 9);
            interpreter.Invoke();
            return interpreter.Output(0).Bytes.ToArray();
        }
        CollectionAssert.AreEqual(Run(separate), Run(inPlace));
    }
}
