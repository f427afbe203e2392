using System;
using System.Diagnostics;
using System.Linq;
using Embedded.Boards.Cameras;
using Embedded.Boards.Drivers.ArduCam;
using Embedded.Boards.Emulation;
using Embedded.Boards.Frames;
using Embedded.Boards.Hardware;
using Embedded.Boards.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Boards.Tests.Drivers;

[TestClass]
public sealed class ArduCamMini2MPTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private static (ArduCamMini2MP camera, ArduCamMini2MPEmulator emulator, RecordingSpi spi, RecordingI2c i2c, VirtualClock clock) Make(SceneSet scenes, ArduCamOptions? options = null)
    {
        var clock = new VirtualClock();
        var emulator = new ArduCamMini2MPEmulator(scenes, clock);
        var spi = new RecordingSpi(emulator);
        var i2c = new RecordingI2c(emulator);
        var camera = new ArduCamMini2MP(spi, i2c, clock, options) { SourceName = () => emulator.CurrentScene };
        return (camera, emulator, spi, i2c, clock);
    }

    [TestMethod]
    public void Start_SendsTheExactInitSequence()
    {
        var (camera, _, spi, i2c, _) = Make(SceneSet.Of(TestScenes.Jpeg()));
        camera.Start();
        CollectionAssert.AreEqual(new[] { "80 55", "00 00", "81 00", "84 01" }, spi.Transfers);
        CollectionAssert.AreEqual(new[]
        {
            "W FF 01", "W 0A", "R 1", "W 0B", "R 1",                    // chip id, sensor bank
            "W FF 01", "W 12 80", "W 11 00", "W 12 00",                  // reset, clock, UXGA array
            "W FF 00", "W 05 01", "W E0 14", "W DA 10",                  // DSP: bypass, hold DVP/JPEG, JPEG mode
            "W 5A 50", "W 5B 3C", "W 5C 00", "W 44 0C",                  // 320/4, 240/4, high bits, quality
            "W E0 00", "W 05 00",                                         // release, DSP on
        }, i2c.Operations);
    }

    [TestMethod]
    public void Capture_Jpeg_BurstReadsTheWholeFrameAndCutsAtEoi()
    {
        var jpeg = TestScenes.TinyJpeg;
        var (camera, emulator, spi, _, clock) = Make(SceneSet.Of(TestScenes.Jpeg("scene.jpg")));
        camera.Start();
        spi.Transfers.Clear();
        var frame = camera.Capture(Timeout);
        CollectionAssert.AreEqual(jpeg, frame.Data.ToArray(), "the frame is the scene's JPEG, byte for byte, without the FIFO's padding");
        Assert.AreEqual(PixelFormat.Jpeg, frame.Format);
        Assert.AreEqual("scene.jpg", frame.Source);
        int fifoLength = jpeg.Length + 3, bursts = (fifoLength + 4095) / 4096;
        Assert.AreEqual("84 01", spi.Transfers[0]);
        Assert.AreEqual("84 02", spi.Transfers[1]);
        int polls = spi.Transfers.Count(t => t == "41 00");
        Assert.AreEqual(41, polls, "40 ms capture polled every 1 ms (virtual time)");
        var tail = spi.Transfers.Skip(2 + polls).ToArray();
        CollectionAssert.AreEqual(new[] { "42 00", "43 00", "44 00" }, tail.Take(3).ToArray());
        Assert.AreEqual(bursts, tail.Count(t => t.StartsWith("3C +")));
        Assert.AreEqual($"3C +{fifoLength - 4096 * (bursts - 1)}", tail[3 + bursts - 1]);
        Assert.AreEqual("84 01", tail[^1]);
        Assert.AreEqual(1, emulator.Captures);
        Assert.IsTrue(clock.Elapsed >= TimeSpan.FromMilliseconds(140), "reset wait and capture time passed on the virtual clock");
    }

    [TestMethod]
    public void Capture_Rgb565_DeliversTheScaledSceneHighByteFirst()
    {
        var image = TestScenes.Pattern(64, 48);
        var (camera, _, _, i2c, _) = Make(SceneSet.Of(new Scene("p", image)), new ArduCamOptions { Format = PixelFormat.Rgb565, Width = 64, Height = 48 });
        camera.Start();
        Assert.IsTrue(i2c.Operations.Contains("W DA 08"), "RGB565 image mode");
        var frame = camera.Capture(Timeout);
        var expected = new byte[64 * 48 * 2];
        PixelConversion.FromRgb24ToRgb565(image.Pixels, expected);
        CollectionAssert.AreEqual(expected, frame.Data.ToArray());
        Assert.AreEqual((64, 48), (frame.Width, frame.Height));
    }

    [TestMethod]
    public void Faults_EndInAClearError_WithinBoundedVirtualTime()
    {
        foreach (var (fault, words) in new[]
        {
            (ArduCamFault.I2cNack, "no answer"), (ArduCamFault.WrongChipId, "0x7673"), (ArduCamFault.Unplugged, "SPI check failed"),
            (ArduCamFault.CaptureNeverCompletes, "capture not done"), (ArduCamFault.FifoOverflow, "FIFO overflow"),
            (ArduCamFault.ShortRead, "no EOI"), (ArduCamFault.CorruptJpeg, "no SOI"),
        })
        {
            var (camera, emulator, _, _, clock) = Make(SceneSet.Of(TestScenes.Jpeg()));
            emulator.Inject(fault);
            var e = Assert.Throws<CameraException>(() => { camera.Start(); camera.Capture(Timeout); }, fault.ToString());
            if (fault == ArduCamFault.CaptureNeverCompletes) Assert.IsInstanceOfType<CameraTimeoutException>(e);
            StringAssert.Contains(e.Message, words, $"{fault}: {e.Message}");
            Assert.IsTrue(clock.Elapsed < TimeSpan.FromSeconds(10), $"{fault}: {clock.Elapsed} of virtual time");
        }
    }

    [TestMethod]
    public void TransientFaults_AreRetriedAndTheFrameArrives()
    {
        foreach (var fault in new[] { ArduCamFault.I2cNack, ArduCamFault.FifoOverflow, ArduCamFault.ShortRead, ArduCamFault.CorruptJpeg })
        {
            var (camera, emulator, _, _, _) = Make(SceneSet.Of(TestScenes.Jpeg()));
            emulator.Inject(fault, count: fault == ArduCamFault.I2cNack ? 2 : 1);
            camera.Start();
            var frame = camera.Capture(Timeout);
            CollectionAssert.AreEqual(TestScenes.TinyJpeg, frame.Data.ToArray(), fault.ToString());
        }
    }

    [TestMethod]
    public void Rgb565FrameLargerThanTheFifo_IsRefusedAtConfiguration()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new ArduCamMini2MP(new ArduCamMini2MPEmulator(SceneSet.Of(TestScenes.Jpeg()), new VirtualClock()),
            new ArduCamMini2MPEmulator(SceneSet.Of(TestScenes.Jpeg()), new VirtualClock()), new VirtualClock(),
            new ArduCamOptions { Format = PixelFormat.Rgb565, Width = 640, Height = 480, FifoCapacity = 393_216 }));
        StringAssert.Contains(e.Message, "does not fit");
    }
}
