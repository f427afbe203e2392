using System;
using System.Linq;
using Embedded.Runtime.Execution;
using Embedded.Runtime.Kernels;
using Embedded.Runtime.Model;
using Embedded.Runtime.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Runtime.Tests.Execution;

[TestClass]
public sealed class ParallelScheduleTests
{
    private static KernelPath[] FastPaths => KernelPaths.Available.Where(p => p != KernelPath.Reference).ToArray();

    /// <summary>
    /// Every stretch between two barriers run one thread after another, in ascending and in descending thread order:
    /// if the schedule let a thread read bytes another thread writes in the same stretch (or overwrite bytes another
    /// reads), one of the orders would read them before they are written and the bytes would differ.
    /// </summary>
    [TestMethod]
    public void EveryThreadOrderBetweenBarriers_GivesTheSingleThreadBytes()
    {
        foreach (var file in new[] { Models.TinyFile, Models.MobileNetV3SmallFile, Models.BundledV3SmallFile })
        {
            var model = EmbeddedModel.Load(file);
            using var single = model.CreateInterpreter(new InterpreterOptions { Threads = 1 });
            Models.FillInput(single, 5);
            single.Invoke();
            var expected = single.Output(0).Bytes.ToArray();
            foreach (var path in FastPaths)
            foreach (int threads in new[] { 2, 3, 4 })
            {
                using var interpreter = model.CreateInterpreter(new InterpreterOptions { Path = path, Threads = threads });
                var ascending = Enumerable.Range(0, threads).ToArray();
                foreach (var order in new[] { ascending, ascending.Reverse().ToArray() })
                {
                    Models.FillInput(interpreter, 5);
                    interpreter.InvokeScheduleSerially(order);
                    CollectionAssert.AreEqual(expected, interpreter.Output(0).Bytes.ToArray(),
                        $"{model.Metadata.Name}, {path}, {threads} threads, order {string.Join(",", order)}: a stretch between barriers shares bytes across threads");
                }
                // Unequal shares, as the adaptive split gives them: every pixel-wise operator moves its boundary alike,
                // so the barriers placed for equal parts must still keep the threads apart.
                var random = new Random(threads * 31 + (int)path);
                for (int trial = 0; trial < 3; trial++)
                {
                    // Shares of every stretch drawn on their own (the adaptive split moves each stretch's boundary apart).
                    int stretches = interpreter.Schedule!.Stretches;
                    var cuts = new int[stretches * (threads + 1)];
                    for (int k = 0; k < stretches; k++)
                    {
                        int at = k * (threads + 1);
                        cuts[at + threads] = AdaptiveSplit.FineParts;
                        for (int t = 1; t < threads; t++) cuts[at + t] = random.Next(cuts[at + t - 1], AdaptiveSplit.FineParts * t / threads + AdaptiveSplit.FineParts / (2 * threads));
                    }
                    foreach (var order in new[] { ascending, ascending.Reverse().ToArray() })
                    {
                        Models.FillInput(interpreter, 5);
                        interpreter.InvokeScheduleSerially(order, cuts);
                        CollectionAssert.AreEqual(expected, interpreter.Output(0).Bytes.ToArray(),
                            $"{model.Metadata.Name}, {path}, {threads} threads, trial {trial}, order {string.Join(",", order)}: threads share bytes between barriers");
                    }
                }
            }
        }
    }

    [TestMethod]
    public void V3Small_TwoThreads_MeetOnlyWhereRowsOrPoolsCross()
    {
        var model = EmbeddedModel.Load(Models.BundledV3SmallFile);
        var ops = model.Definition.Operators;
        var tensors = model.Definition.Tensors;
        foreach (var path in FastPaths.Where(p => p.UsesAvx2()))
        {
            var schedule = ParallelSchedule.Build(model.Operators, path, 2);
            for (int i = 0; i < ops.Count; i++)
                Console.WriteLine($"{i,3} {(schedule.Split[i] ? "split" : schedule.TwoPhase[i] ? "2-phase" : "first")} {(schedule.BarrierBefore[i] ? $"barrier (after #{schedule.BarrierCause[i]})" : "")} {ops[i]}");
            int split = schedule.Split.Count(s => s), pools = schedule.TwoPhase.Count(t => t);
            Console.WriteLine($"{path}: {split} split, {pools} pools in two phases, {schedule.Barriers} barriers");
            Assert.IsTrue(split >= 50, $"{path}: only {split} operators split");
            // Each operator's stretch counts the barriers before it (a two-phase pool's own barrier after it).
            for (int i = 0, barriers = 0; i < ops.Count; i++)
            {
                if (schedule.BarrierBefore[i]) barriers++;
                Assert.AreEqual(barriers, schedule.Stretch[i], $"{path}: stretch of #{i}");
                if (schedule.TwoPhase[i]) barriers++;
            }
            Assert.AreEqual(schedule.Barriers + 1, schedule.Stretches);
            Assert.AreEqual(ops.Count(o => o.Code == OperatorCode.GlobalAveragePool), pools, $"{path}: every pool sums by pixels");
            for (int i = 1; i < ops.Count; i++)
            {
                if (ops[i].Code == OperatorCode.DepthwiseConv2D)
                    Assert.IsTrue(schedule.Split[i] && schedule.BarrierBefore[i], $"{path}: {ops[i]} reads its neighbours' rows: split after a barrier");
                // The residual Add reads what the same thread just wrote (even heights split on the same row as the
                // projection before it): no barrier.
                if (ops[i].Code == OperatorCode.Add && tensors[ops[i].Outputs[0]].Shape[1] % 2 == 0)
                    Assert.IsFalse(schedule.BarrierBefore[i], $"{path}: barrier before {ops[i]}");
            }
        }
    }

    [TestMethod]
    public void AFailingPart_StopsEveryThread_ThrowsOnce_AndThePoolRunsOn()
    {
        var model = EmbeddedModel.Load(Models.MobileNetV3SmallFile);
        if (FastPaths.Length == 0)
        {
            // No SIMD (the DOTNET_EnableHWIntrinsic=0 pass): no kernel splits, so the caller runs every operator alone.
            Assert.IsFalse(ParallelSchedule.Build(model.Operators, KernelPath.Reference, 3).UsesWorkers);
            return;
        }
        var path = FastPaths.Last();
        var schedule = ParallelSchedule.Build(model.Operators, path, 3);
        Assert.IsTrue(schedule.UsesWorkers, $"nothing splits on {path}");
        using var pool = new WorkerPool(3, () => new KernelScratch(model.ScratchWidth, model.ScratchRowBytes, model.PoolChannels, model.ScratchDepthwiseBytes));
        var scratch = new KernelScratch(model.ScratchWidth, model.ScratchRowBytes, model.PoolChannels, model.ScratchDepthwiseBytes);
        // An arena far too small: every thread's first kernel refuses it. The pool must neither hang at a barrier nor
        // leave a worker running into the next job.
        // The first failure wins: the caller's own exception as the kernel threw it, or a worker's naming its operator.
        var thrown = Assert.Throws<Exception>(() => pool.RunSchedule(model.Operators, schedule, new byte[64], path, scratch));
        Console.WriteLine(thrown);
        Assert.IsTrue(thrown is ArgumentOutOfRangeException
            || (thrown is InvalidOperationException && thrown.InnerException is ArgumentOutOfRangeException && thrown.Message.Contains(model.Definition.Operators[0].Name)),
            $"unexpected {thrown.GetType().Name}: {thrown.Message}");

        using var single = model.CreateInterpreter(new InterpreterOptions { Threads = 1 });
        Models.FillInput(single, 3);
        var arena = new byte[model.ArenaBytes];
        single.Input(0).Bytes.CopyTo(arena.AsSpan(model.Definition.Plan.Offsets[model.Definition.Inputs[0]]));
        single.Invoke();
        pool.RunSchedule(model.Operators, schedule, arena, path, scratch);
        var output = model.Definition.Outputs[0];
        CollectionAssert.AreEqual(single.Output(0).Bytes.ToArray(), arena.AsSpan(model.Definition.Plan.Offsets[output], model.Definition.Tensors[output].ByteLength).ToArray());
    }
}
