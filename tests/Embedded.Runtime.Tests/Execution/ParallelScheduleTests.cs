using System;
using System.Linq;
using Embedded.Runtime.Execution;
using Embedded.Runtime.Kernels;
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
        foreach (var file in new[] { Models.TinyFile, Models.MobileNetV3SmallFile })
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
            }
        }
    }

    [TestMethod]
    public void PixelWiseChains_RunWithoutBarriers()
    {
        var model = EmbeddedModel.Load(Models.MobileNetV3SmallFile);
        foreach (var path in FastPaths.Where(p => p.UsesAvx2()))
        {
            var schedule = ParallelSchedule.Build(model.Operators, path, 2);
            int split = schedule.Split.Count(s => s);
            // V3-Small at 2 threads: most operators split, and a barrier stands only before the operators that read
            // neighbouring rows (depthwise, the stem), read a whole map (pooling) or follow one the first thread ran alone.
            Assert.IsTrue(split >= 40, $"{path}: only {split} operators split");
            Assert.IsTrue(schedule.Barriers < split, $"{path}: {schedule.Barriers} barriers for {split} split operators");
            var ops = model.Definition.Operators;
            for (int i = 0; i < ops.Count; i++)
                Console.WriteLine($"{i,3} {(schedule.Split[i] ? "split" : "first")} {(schedule.BarrierBefore[i] ? $"barrier (after #{schedule.BarrierCause[i]})" : "")} {ops[i]}");
            for (int i = 1; i < ops.Count; i++)
            {
                bool pixelWise = ops[i].Code is Model.OperatorCode.Add
                    || (ops[i].Code == Model.OperatorCode.Conv2D && model.Definition.Tensors[ops[i].Inputs[1]].Shape[1] == 1 && schedule.Split[i]);
                bool afterPixelWiseOfSameLayout = schedule.Split[i - 1] && ops[i - 1].Code is Model.OperatorCode.Conv2D or Model.OperatorCode.Add or Model.OperatorCode.Mul
                    && model.Definition.Tensors[ops[i - 1].Outputs[0]].Shape[1] % 2 == 0;
                if (pixelWise && afterPixelWiseOfSameLayout && ops[i].Inputs.Contains(ops[i - 1].Outputs[0]))
                    Assert.IsFalse(schedule.BarrierBefore[i], $"{path}: barrier before {ops[i]} right after {ops[i - 1]}");
                if (ops[i].Code == Model.OperatorCode.DepthwiseConv2D && schedule.Split[i])
                    Assert.IsTrue(schedule.BarrierBefore[i], $"{path}: no barrier before {ops[i]}, which reads its neighbours' rows");
            }
        }
    }
}
