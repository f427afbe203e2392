extern alias nano;
using System;
using System.IO;
using System.Linq;
using Embedded.Converter.Tests.Support;
using Embedded.Converter.Tflite;
using Embedded.Converter.Cli.Microcontroller;
using Embedded.Firmware.Nano.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using NanoInterpreter = nano::Embedded.Firmware.Nano.Execution.NanoInterpreter;

namespace Embedded.Firmware.Nano.Tests.Execution;

/// <summary>
/// RAM on the device: the arena of the model's memory plan, scratch (none: every nano kernel works in place of its
/// output) and the interpreter's own objects (estimated for nanoCLR's heap layout); and nothing allocated per inference.
/// </summary>
[TestClass]
public sealed class MemoryTests
{
    /// <summary>TFLite Micro's arena for the same model (`tflm_run` prints "arena used 103392 bytes").</summary>
    private const int TflmArenaBytes = 103_392;
    private const int Budget = 96 * 1024;

    [TestMethod]
    [DataRow(TfliteKernels.Builtin)]
    [DataRow(TfliteKernels.Micro)]
    public void VisualWakeWords_PeakRam_IsWithin96KB_AndBelowTflmsArena(TfliteKernels kernels)
    {
        byte[] model = WholeModelTests.Import("vww_96_int8", kernels);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var nano = new NanoInterpreter(model);
        long coreClr = GC.GetAllocatedBytesForCurrentThread() - before;
        long state = NanoHeapEstimate.Of(nano, model, nano.Arena);
        long peak = nano.ArenaBytes + state;
        Console.WriteLine($"VWW ({kernels}): arena {nano.ArenaBytes} B + scratch 0 B + interpreter state ≈{state} B (nanoCLR estimate; CoreCLR allocated {coreClr - nano.ArenaBytes} B besides the arena while loading, garbage included) = {peak} B peak; flash {model.Length} B; TFLM arena {TflmArenaBytes} B");
        Assert.IsLessThanOrEqualTo(Budget, peak, "peak RAM within 96 KB");
        Assert.IsLessThan(TflmArenaBytes, peak, "below TFLM's arena for the same model");
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void Invoke_AllocatesNothing(bool streamed)
    {
        byte[] model = WholeModelTests.Import("vww_96_int8", TfliteKernels.Micro);
        if (streamed)
        {
            var definition = Embedded.Runtime.Format.ModelReader.Read(model);
            model = Embedded.Converter.Microcontroller.RowBandPlan.Best(definition)!.Write(definition);
        }
        var nano = new NanoInterpreter(model);
        Assert.AreEqual(streamed, nano.StreamedOperators > 0);
        nano.SetInput(0, new byte[nano.Input(0).ByteLength]);
        nano.Invoke(); // the first call JIT-compiles
        long before = GC.GetAllocatedBytesForCurrentThread();
        nano.Invoke();
        nano.Invoke();
        Assert.AreEqual(0, GC.GetAllocatedBytesForCurrentThread() - before, "bytes allocated by two inferences");
    }
}
