using System;
using System.Linq;
using Embedded.Runtime.Execution;
using Embedded.Runtime.Kernels;
using Embedded.Runtime.Model;
using Embedded.Runtime.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Runtime.Tests.Execution;

[TestClass]
public sealed class ParallelArenaPlanTests
{
    private static KernelPath[] FastPaths => KernelPaths.Available.Where(p => p != KernelPath.Reference).ToArray();

    /// <summary>
    /// The layout's promise: two tensors that share arena bytes are used in stretches a barrier apart (so no thread
    /// writes one while another still reads or writes the other), unless the file's plan put them together on purpose
    /// (an operator writing its output over its input in place).
    /// </summary>
    [TestMethod]
    public void TensorsSharingBytes_AreABarrierApart()
    {
        foreach (var file in new[] { Models.TinyFile, Models.MobileNetV3SmallFile, Models.BundledV3SmallFile })
        {
            var model = EmbeddedModel.Load(file);
            var definition = model.Definition;
            var chain = InPlaceChains(definition);
            foreach (var path in FastPaths)
            foreach (int threads in new[] { 2, 3, 4 })
            {
                var plan = ParallelArenaPlan.TryBuild(model, path, threads);
                if (plan is null) continue;
                var (first, last) = Stretches(definition, plan.Schedule);
                for (int a = 0; a < definition.Tensors.Count; a++)
                for (int b = a + 1; b < definition.Tensors.Count; b++)
                {
                    int oa = plan.Offsets[a], ob = plan.Offsets[b];
                    if (oa < 0 || ob < 0 || first[a] < 0 || first[b] < 0) continue;
                    bool overlap = oa < ob + definition.Tensors[b].ByteLength && ob < oa + definition.Tensors[a].ByteLength;
                    if (!overlap) continue;
                    bool inPlace = oa == ob && chain[a] == chain[b];
                    Assert.IsTrue(inPlace || last[a] < first[b] || last[b] < first[a],
                        $"{model.Metadata.Name}, {path}, {threads} threads: {definition.Tensors[a].Name} (stretches {first[a]}..{last[a]}) and {definition.Tensors[b].Name} ({first[b]}..{last[b]}) share bytes");
                    Assert.AreEqual(0, oa % ParallelArenaPlan.Alignment);
                }
            }
        }
    }

    [TestMethod]
    public void V3Small_TwoThreads_DropTheBarriersOfReusedBytes_InAnArenaNoLarger()
    {
        var model = EmbeddedModel.Load(Models.BundledV3SmallFile);
        foreach (var path in FastPaths.Where(p => p.UsesAvx2()))
        {
            var fileSchedule = ParallelSchedule.Build(model.Operators, path, 2);
            var plan = ParallelArenaPlan.TryBuild(model, path, 2);
            Assert.IsNotNull(plan, $"{path}: no layout of its own");
            Console.WriteLine($"{path}: {fileSchedule.Barriers} barriers in {model.ArenaBytes} bytes on the file's layout, {plan.Schedule.Barriers} in {plan.ArenaBytes} bytes on the parallel one");
            var ops = model.Definition.Operators;
            for (int i = 0; i < ops.Count; i++)
                if (plan.Schedule.BarrierBefore[i]) Console.WriteLine($"  barrier before #{i} {ops[i].Code} (after #{plan.Schedule.BarrierCause[i]} {ops[plan.Schedule.BarrierCause[i]].Code})");
            // What is left: before each depthwise (neighbouring rows), the strided stem, after each pool's sums and
            // its finish, and around the classifier.
            Assert.IsTrue(plan.Schedule.Barriers <= fileSchedule.Barriers - 15, $"{path}: {plan.Schedule.Barriers} barriers");
            Assert.IsTrue(plan.ArenaBytes <= model.ArenaBytes * 5 / 4, $"{path}: arena {plan.ArenaBytes} bytes");

            // The interpreter runs on it, with the file's bytes as the result.
            using var single = model.CreateInterpreter(new InterpreterOptions { Threads = 1 });
            using var parallel = model.CreateInterpreter(new InterpreterOptions { Path = path, Threads = 2 });
            Assert.AreEqual(plan.ArenaBytes, parallel.ArenaBytes);
            Models.FillInput(single, 11);
            Models.FillInput(parallel, 11);
            single.Invoke();
            parallel.Invoke();
            CollectionAssert.AreEqual(single.Output(0).Bytes.ToArray(), parallel.Output(0).Bytes.ToArray());
        }
    }

    [TestMethod]
    public void NothingSplits_NoLayoutOfItsOwn()
    {
        var model = EmbeddedModel.Load(Models.BundledV3SmallFile);
        Assert.IsNull(ParallelArenaPlan.TryBuild(model, KernelPath.Reference, 2));
        using var interpreter = model.CreateInterpreter(new InterpreterOptions { Path = KernelPath.Reference, Threads = 2 });
        Assert.AreEqual(model.ArenaBytes, interpreter.ArenaBytes);
    }

    /// <summary>Per tensor, the first tensor of its chain of in-place operators (each output at its input's offset).</summary>
    private static int[] InPlaceChains(ModelDefinition definition)
    {
        var chain = Enumerable.Range(0, definition.Tensors.Count).ToArray();
        foreach (var op in definition.Operators)
            foreach (int input in op.Inputs)
                if (input >= 0 && definition.Plan.Offsets[input] >= 0 && definition.Plan.Offsets[input] == definition.Plan.Offsets[op.Outputs[0]])
                    chain[op.Outputs[0]] = chain[input];
        return chain;
    }

    /// <summary>Per tensor, the first stretch it is written in and the last it is read in (−1: not in the arena).</summary>
    private static (int[] First, int[] Last) Stretches(ModelDefinition definition, ParallelSchedule schedule)
    {
        var first = Enumerable.Repeat(-1, definition.Tensors.Count).ToArray();
        var last = Enumerable.Repeat(-1, definition.Tensors.Count).ToArray();
        foreach (int t in definition.Inputs) first[t] = last[t] = 0;
        int stretch = 0;
        for (int i = 0; i < definition.Operators.Count; i++)
        {
            if (schedule.BarrierBefore[i]) stretch++;
            foreach (int t in definition.Operators[i].Inputs)
                if (t >= 0 && first[t] >= 0) last[t] = Math.Max(last[t], stretch);
            if (schedule.TwoPhase[i]) stretch++;
            foreach (int t in definition.Operators[i].Outputs)
            {
                if (first[t] < 0) first[t] = stretch;
                last[t] = Math.Max(last[t], stretch);
            }
        }
        foreach (int t in definition.Outputs) last[t] = stretch + 1;
        return (first, last);
    }
}
