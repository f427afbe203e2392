using System;
using Embedded.Converter.Cli.Bench;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Converter.Cli.Tests;

[TestClass]
public sealed class ParallelProbeTests
{
    [TestMethod]
    public void Probe_TimesEveryThreadCount_AndALineCrossingCores_ThenStops()
    {
        using var probe = new ParallelProbe(3, TimeSpan.FromMilliseconds(0.2));
        for (int threads = 1; threads <= 3; threads++)
        {
            double ms = probe.Run(threads);
            // A measurement: reported, not judged (no timing bound holds on a loaded machine).
            Assert.IsFalse(double.IsNaN(ms), $"{threads} threads: no measurement");
        }
        // Runs and line transfers alternate on the same helpers without leaving one behind.
        for (int i = 0; i < 3; i++)
        {
            double ns = probe.LineTransferNanoseconds(200);
            Assert.IsFalse(double.IsNaN(ns), "line transfer: no measurement");
            Assert.IsFalse(double.IsNaN(probe.Run(2)));
        }
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => probe.Run(0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => probe.Run(4));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => probe.LineTransferNanoseconds(0));
    }

    [TestMethod]
    public void OneThreadProbe_HasNoLineToBounce()
    {
        using var probe = new ParallelProbe(1, TimeSpan.FromMilliseconds(0.2));
        Assert.IsTrue(probe.Run(1) > 0);
        Assert.ThrowsExactly<InvalidOperationException>(() => probe.LineTransferNanoseconds());
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ParallelProbe(0, TimeSpan.FromMilliseconds(1)));
    }
}
