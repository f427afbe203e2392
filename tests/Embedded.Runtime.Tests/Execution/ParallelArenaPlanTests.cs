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
    /// (an operator writing its output over its input in place, a concatenation's input produced inside its output).
    /// </summary>
    [TestMethod]
    public void TensorsSharingBytes_AreABarrierApart()
    {
        foreach (var file in new[] { Models.TinyFile, Models.MobileNetV3SmallFile, Models.BundledV3SmallFile })
        {
            var model = EmbeddedModel.Load(file);
            var definition = model.Definition;
            var group = SharedBuffers(definition);
            var fileOffsets = definition.Plan.Offsets;
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
                    bool onPurpose = group[a] == group[b] && oa - ob == fileOffsets[a] - fileOffsets[b];
                    Assert.IsTrue(onPurpose || last[a] < first[b] || last[b] < first[a],
                        $"{model.Metadata.Name}, {path}, {threads} threads: {definition.Tensors[a].Name} (stretches {first[a]}..{last[a]}) and {definition.Tensors[b].Name} ({first[b]}..{last[b]}) share bytes");
                    Assert.AreEqual(0, oa % MemoryPlan.Alignment);
                }
            }
        }
    }

    /// <summary>
    /// The synthetic V3-Small's head concatenates its average and max pools ([1,1,1,C] each: contiguous blocks): the
    /// file's plan has the pools write into the concatenation, and the layout for threads keeps them there.
    /// </summary>
    [TestMethod]
    public void ConcatenatedPools_StayInsideTheConcatenation_InTheLayoutForThreads()
    {
        var model = EmbeddedModel.Load(Models.MobileNetV3SmallFile);
        var definition = model.Definition;
        var concat = definition.Operators.Single(o => o.Code == OperatorCode.Concat);
        int output = concat.Outputs[0], blockBytes = definition.Tensors[concat.Inputs[0]].ByteLength;
        Assert.AreEqual(definition.Plan.Offsets[output], definition.Plan.Offsets[concat.Inputs[0]]);
        Assert.AreEqual(definition.Plan.Offsets[output] + blockBytes, definition.Plan.Offsets[concat.Inputs[1]]);
        int layouts = 0;
        foreach (var path in FastPaths)
        foreach (int threads in new[] { 2, 3 })
        {
            var plan = ParallelArenaPlan.TryBuild(model, path, threads);
            if (plan is null) continue;
            layouts++;
            Assert.AreEqual(plan.Offsets[output], plan.Offsets[concat.Inputs[0]], $"{path}, {threads} threads");
            Assert.AreEqual(plan.Offsets[output] + blockBytes, plan.Offsets[concat.Inputs[1]], $"{path}, {threads} threads");
        }
        Assert.IsTrue(layouts > 0 || FastPaths.Length == 0, "no layout for threads was planned");
    }

    [TestMethod]
    public void V3Small_TwoThreads_DropTheBarriersOfReusedBytes_InAtMostTwiceTheArena()
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
            Assert.IsTrue(plan.ArenaBytes <= model.ArenaBytes * 2, $"{path}: arena {plan.ArenaBytes} bytes");

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

    /// <summary>
    /// The trained V3-Small on two threads (the x86 paths, where every operator of its main chain splits by pixels): a cache line
    /// written by one thread is never written by the other, in any operator of any inference (but the line of each
    /// buffer where its parts meet), so no line has to travel between cores to be written. Where an operator runs on
    /// the first thread alone over a buffer another one wrote in parts (the 128-bit path's squeeze-excite product), such
    /// lines cannot be avoided and are not counted here.
    /// </summary>
    [TestMethod]
    public void V3Small_TwoThreads_NoCacheLineIsWrittenByBothThreads()
    {
        foreach (var file in new[] { Models.BundledV3SmallFile })
        {
            var model = EmbeddedModel.Load(file);
            foreach (var path in FastPaths.Where(p => p.UsesAvx2()))
            {
                var plan = ParallelArenaPlan.TryBuild(model, path, 2);
                if (plan is null) continue;
                var writer = new int[(plan.ArenaBytes + 63) / 64];
                Array.Fill(writer, -1);
                int shared = 0, splitBuffers = 0;
                var accesses = new System.Collections.Generic.List<ArenaAccess>();
                for (int i = 0; i < plan.Operators.Length; i++)
                {
                    accesses.Clear();
                    if (plan.Schedule.TwoPhase[i]) plan.Operators[i].DescribeFinishAccesses(accesses);
                    else plan.Operators[i].DescribeAccesses(plan.Schedule.Split[i], 2, accesses);
                    foreach (var a in accesses)
                    {
                        if (!a.Write || a.Start < 0) continue;
                        if (a.Threads == AccessThreads.Parts) splitBuffers++;
                        for (int part = 0; part < 2; part++)
                        {
                            int from = a.Start, to = a.Start + a.Length;
                            if (a.Threads == AccessThreads.Parts) (from, to) = (a.Start + a.Boundaries![part], a.Start + a.Boundaries[part + 1]);
                            else if (part == 1) continue;   // the first thread's (the classifier's Any writes are in bytes no split operator writes)
                            for (int line = from / 64; line < (to + 63) / 64 && from < to; line++)
                            {
                                if (writer[line] >= 0 && writer[line] != part) shared++;
                                writer[line] = part;
                            }
                        }
                    }
                }
                Console.WriteLine($"{model.Metadata.Name} {path}: {shared} line writes change thread, {splitBuffers} buffers written in parts, arena {plan.ArenaBytes} bytes");
                Assert.IsTrue(shared <= 2 * splitBuffers, $"{model.Metadata.Name} {path}: {shared} line writes change thread");
            }
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
    /// <summary>Tensors the file's plan puts in one buffer on purpose: in place (same offset), or a concatenation's input inside its output.</summary>
    private static int[] SharedBuffers(ModelDefinition definition)
    {
        var group = Enumerable.Range(0, definition.Tensors.Count).ToArray();
        int Find(int t) { while (group[t] != t) t = group[t]; return t; }
        var offsets = definition.Plan.Offsets;
        foreach (var op in definition.Operators)
        {
            int output = op.Outputs[0];
            foreach (int input in op.Inputs)
            {
                if (input < 0 || offsets[input] < 0 || offsets[output] < 0) continue;
                bool inside = op.Code == OperatorCode.Concat && offsets[input] >= offsets[output]
                    && offsets[input] + definition.Tensors[input].ByteLength <= offsets[output] + definition.Tensors[output].ByteLength;
                if (offsets[input] == offsets[output] || inside) group[Find(input)] = Find(output);
            }
        }
        for (int t = 0; t < group.Length; t++) group[t] = Find(t);
        return group;
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
