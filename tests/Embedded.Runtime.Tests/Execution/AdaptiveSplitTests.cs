using System;
using System.Linq;
using Embedded.Runtime.Execution;
using Embedded.Runtime.Kernels;
using Embedded.Runtime.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Runtime.Tests.Execution;

[TestClass]
public sealed class AdaptiveSplitTests
{
    [TestMethod]
    public void Shares_MoveTowardTheFasterThread_InBoundedSteps_AndStayWithinBounds()
    {
        var split = new AdaptiveSplit(2);
        Assert.AreEqual(AdaptiveSplit.FineParts / 2, split.End(0, 0));
        // Thread 1 needs twice as long for the same share: it should end with about a third of the work.
        double previous = split.Share(0, 0);
        for (int i = 0; i < 200; i++)
        {
            long fast = (long)(1000 * split.Share(0, 0)), slow = (long)(2000 * split.Share(0, 1));
            split.Update(new[] { fast, slow });
            Assert.IsTrue(split.Share(0, 0) >= previous - 1e-12 && split.Share(0, 0) - previous <= 0.02 + 1e-12, $"step {i}: {previous} -> {split.Share(0, 0)}");
            previous = split.Share(0, 0);
        }
        Assert.AreEqual(2.0 / 3, split.Share(0, 0), 0.01);
        Assert.AreEqual(1.0, split.Share(0, 0) + split.Share(0, 1), 1e-9);
        Assert.AreEqual(0, split.First(0, 0));
        Assert.AreEqual(split.End(0, 0), split.First(0, 1));
        Assert.AreEqual(AdaptiveSplit.FineParts, split.End(0, 1));

        // A thread that is a hundred times slower still keeps the lower bound of its share.
        for (int i = 0; i < 200; i++) split.Update(new[] { 1L, 100L });
        Assert.AreEqual(0.2, split.Share(0, 1), 1e-9);
        // A job without timed work on a thread teaches nothing.
        double before = split.Share(0, 0);
        split.Update(new[] { 0L, 50L });
        Assert.AreEqual(before, split.Share(0, 0));
        Assert.ThrowsExactly<ArgumentException>(() => split.Update(new[] { 1L }));
    }

    [TestMethod]
    public void FourThreads_EachStretchsCutsTileTheFineParts_AndStretchesMoveApart()
    {
        var split = new AdaptiveSplit(4, 3);
        var r = new Random(3);
        for (int i = 0; i < 100; i++)
        {
            // Stretch 1 sees thread 2 slow; stretch 2 had no split work (zeros): it keeps equal shares.
            var busy = new long[12];
            for (int t = 0; t < 4; t++) { busy[t] = r.Next(1, 1000); busy[4 + t] = t == 2 ? 400 : 100; }
            split.Update(busy);
            for (int k = 0; k < 3; k++)
            {
                Assert.AreEqual(0, split.First(k, 0));
                for (int t = 0; t < 4; t++) Assert.IsTrue(split.First(k, t) <= split.End(k, t));
                for (int t = 1; t < 4; t++) Assert.AreEqual(split.End(k, t - 1), split.First(k, t));
                Assert.AreEqual(AdaptiveSplit.FineParts, split.End(k, 3));
                Assert.AreEqual(1.0, Enumerable.Range(0, 4).Sum(t => split.Share(k, t)), 1e-9);
            }
        }
        Assert.IsTrue(split.Share(1, 2) < 0.15, $"slow thread of stretch 1 kept {split.Share(1, 2)}");
        Assert.AreEqual(0.25, split.Share(2, 2), 1e-12);
    }

    /// <summary>Whatever the shares have become, a two-thread inference gives the one-thread bytes.</summary>
    [TestMethod]
    public void SkewedShares_GiveTheSingleThreadBytes()
    {
        var model = EmbeddedModel.Load(Models.BundledV3SmallFile);
        using var single = model.CreateInterpreter(new InterpreterOptions { Threads = 1 });
        Models.FillInput(single, 7);
        single.Invoke();
        var expected = single.Output(0).Bytes.ToArray();
        foreach (var path in KernelPaths.Available.Where(p => p != KernelPath.Reference))
        foreach (var slower in new[] { 0, 1 })
        {
            using var interpreter = model.CreateInterpreter(new InterpreterOptions { Path = path, Threads = 2 });
            var split = interpreter.Split!;
            var busy = new long[2 * split.Stretches];
            for (int k = 0; k < split.Stretches; k++) { busy[2 * k + slower] = 100; busy[2 * k + 1 - slower] = 1; }
            for (int i = 0; i < 100; i++) split.Update(busy);
            Assert.AreEqual(0.2, split.Share(0, slower), 1e-9);
            for (int run = 0; run < 3; run++)
            {
                Models.FillInput(interpreter, 7);
                interpreter.Invoke();
                CollectionAssert.AreEqual(expected, interpreter.Output(0).Bytes.ToArray(), $"{path}, thread {slower} at a fifth");
            }
        }
    }
}
