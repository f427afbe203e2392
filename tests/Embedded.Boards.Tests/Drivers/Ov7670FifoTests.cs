using System;
using System.Linq;
using Embedded.Boards.Cameras;
using Embedded.Boards.Drivers.Ov7670;
using Embedded.Boards.Emulation;
using Embedded.Boards.Frames;
using Embedded.Boards.Hardware;
using Embedded.Boards.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Boards.Tests.Drivers;

[TestClass]
public sealed class Ov7670FifoTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    private static (Ov7670Fifo camera, Ov7670FifoEmulator emulator, RecordingGpio gpio, RecordingI2c i2c, VirtualClock clock) Make(SceneSet scenes, Ov7670Options options)
    {
        var clock = new VirtualClock();
        var emulator = new Ov7670FifoEmulator(scenes, clock);
        var gpio = new RecordingGpio(emulator);
        var i2c = new RecordingI2c(emulator);
        return (new Ov7670Fifo(gpio, i2c, clock, options) { SourceName = () => emulator.CurrentScene }, emulator, gpio, i2c, clock);
    }

    [TestMethod]
    public void Start_ChecksTheChipAndWritesTheWindow()
    {
        var (camera, _, _, i2c, _) = Make(SceneSet.Of(new Scene("p", TestScenes.Pattern(40, 30))), new Ov7670Options { Width = 40, Height = 30 });
        camera.Start();
        // 40×30 centered: hstart 158 + 300 = 458 (0x39<<3 | 2), hstop 498 (0x3E<<3 | 2); vstart 10 + 225 = 235, vstop 265.
        CollectionAssert.AreEqual(new[]
        {
            "W 0A", "R 1", "W 0B", "R 1", "W 12 80", "W 11 01",
            "W 12 04", "W 40 D0", "W 3A 04",
            "W 17 39", "W 18 3E", "W 32 92", "W 19 3A", "W 1A 42", "W 03 07",
        }, i2c.Operations);
    }

    [TestMethod]
    public void Capture_ReadsTheFrameByteByByte()
    {
        var image = TestScenes.Pattern(40, 30);
        var (camera, emulator, gpio, _, _) = Make(SceneSet.Of(new Scene("pattern", image)), new Ov7670Options { Width = 40, Height = 30 });
        camera.Start();
        gpio.Events.Clear();
        var frame = camera.Capture(Timeout);
        var expected = new byte[40 * 30 * 2];
        PixelConversion.FromRgb24ToRgb565(image.Pixels, expected);
        CollectionAssert.AreEqual(expected, frame.Data.ToArray());
        Assert.AreEqual("pattern", frame.Source);
        CollectionAssert.AreEqual(new[] { "wait 17 Rising", "27=0", "27=1", "22=1", "wait 17 Rising", "22=0", "23=0", "25=1", "25=0", "23=1", "24=0", "25=1", "25=0" },
            gpio.Events.Take(13).ToArray());
        Assert.AreEqual("24=1", gpio.Events[^1]);
        Assert.AreEqual(8 * expected.Length, gpio.Reads, "eight data lines read per byte");
        Assert.AreEqual(1, emulator.FramesWritten);
    }

    [TestMethod]
    public void Qvga_ScalesTheWholeArray()
    {
        var image = TestScenes.Pattern(640, 480);
        var (camera, _, _, i2c, _) = Make(SceneSet.Of(new Scene("vga", image)), new Ov7670Options());
        camera.Start();
        Assert.IsTrue(i2c.Operations.Contains("W 12 14"), "RGB + QVGA");
        var frame = camera.Capture(Timeout);
        Assert.AreEqual((320, 240, 320 * 240 * 2), (frame.Width, frame.Height, frame.Length));
    }

    [TestMethod]
    public void Faults_EndInAClearErrorWithinBoundedTime()
    {
        foreach (var (fault, words) in new[] { (Ov7670Fault.I2cNack, "no answer"), (Ov7670Fault.WrongChipId, "0x2642"), (Ov7670Fault.Unplugged, "no answer"), (Ov7670Fault.NoVsync, "no VSYNC") })
        {
            var (camera, emulator, _, _, clock) = Make(SceneSet.Of(new Scene("p", TestScenes.Pattern(40, 30))), new Ov7670Options { Width = 40, Height = 30 });
            emulator.Inject(fault);
            var e = Assert.Throws<CameraException>(() => { camera.Start(); camera.Capture(Timeout); }, fault.ToString());
            StringAssert.Contains(e.Message, words, $"{fault}: {e.Message}");
            Assert.IsTrue(clock.Elapsed < TimeSpan.FromSeconds(3), $"{fault}: {clock.Elapsed}");
            if (fault == Ov7670Fault.NoVsync) Assert.IsInstanceOfType<CameraTimeoutException>(e);
        }
    }

    [TestMethod]
    public void TransientNack_IsRetried_AndAMissedVsyncRecoversOnTheNextCapture()
    {
        var (camera, emulator, _, _, _) = Make(SceneSet.Of(new Scene("p", TestScenes.Pattern(40, 30))), new Ov7670Options { Width = 40, Height = 30 });
        emulator.Inject(Ov7670Fault.I2cNack, 2);
        camera.Start();
        emulator.Inject(Ov7670Fault.NoVsync, 1);
        Assert.ThrowsExactly<CameraTimeoutException>(() => camera.Capture(Timeout));
        Assert.AreEqual(40 * 30 * 2, camera.Capture(Timeout).Length);
    }

    [TestMethod]
    public void FrameLargerThanTheFifo_IsRefused()
    {
        var e = Assert.ThrowsExactly<CameraException>(() => new Ov7670Fifo(new Ov7670FifoEmulator(SceneSet.Of(new Scene("p", TestScenes.Pattern(8, 8))), new VirtualClock()),
            new Ov7670FifoEmulator(SceneSet.Of(new Scene("p", TestScenes.Pattern(8, 8))), new VirtualClock()), new VirtualClock(), new Ov7670Options { Width = 640, Height = 480 }));
        StringAssert.Contains(e.Message, "FIFO holds 393216");
    }
}
