using System;
using System.IO;
using System.Linq;
using Embedded.Boards.Emulation;
using Embedded.Boards.Frames;
using Embedded.Firmware.Cameras;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Firmware.Tests;

/// <summary>`arducam:` and `ov7670:` specs: options reach the drivers and the buses, on an emulated board.</summary>
[TestClass]
public sealed class WiredCameraTests
{
    private static string Images => Path.Combine(CameraAgreementTests.RepoRoot(), "firmware", "samples", "images");

    [TestMethod]
    public void ArduCam_OpensTheNamedBuses_AndCaptures()
    {
        var buses = new EmulatedBuses(SceneSet.FromDirectory(Images));
        using (var camera = CameraSpec.Open("arducam:spi=0.1,i2c=3,clock=4000000,640x480,jpeg", out long count, buses))
        {
            Assert.AreEqual(long.MaxValue, count, "a live camera has no end");
            camera.Start();
            var frame = camera.Capture(TimeSpan.FromSeconds(2));
            Assert.AreEqual(PixelFormat.Jpeg, frame.Format);
            StringAssert.Contains(camera.Name, "on emulated board");
        }
        CollectionAssert.AreEqual(new[] { "spi 0.1 4000000 Hz", "i2c 3 0x30" }, buses.Opened);
        Assert.IsTrue(buses.Disposed, "the camera releases its buses");
    }

    [TestMethod]
    public void Ov7670_TakesItsPinsFromTheSpec()
    {
        var buses = new EmulatedBuses(SceneSet.FromDirectory(Images));
        // The emulated module is wired to the default pins, so the spec names them explicitly to prove they are used.
        using (var camera = CameraSpec.Open("ov7670:i2c=1,yuyv,320x240,vsync=17,wrst=27,wen=22,rrst=23,oe=24,rclk=25,data=5/6/12/13/16/19/20/26", out _, buses))
        {
            camera.Start();
            var frame = camera.Capture(TimeSpan.FromSeconds(2));
            Assert.AreEqual((PixelFormat.Yuyv, 320, 240), (frame.Format, frame.Width, frame.Height));
        }
        CollectionAssert.AreEqual(new[] { "gpio", "i2c 1 0x21" }, buses.Opened);

        var miswired = new EmulatedBuses(SceneSet.FromDirectory(Images));
        using var wrong = CameraSpec.Open("ov7670:vsync=4", out _, miswired);
        wrong.Start();
        Assert.ThrowsExactly<Boards.Cameras.CameraTimeoutException>(() => wrong.Capture(TimeSpan.FromMilliseconds(200)), "no VSYNC on the wrong pin");
    }

    [TestMethod]
    public void BadWiredSpecs_AreClear()
    {
        var buses = new EmulatedBuses(SceneSet.FromDirectory(Images));
        foreach (var (spec, message) in new[]
        {
            ("arducam:spi=0", "spi=0 is not BUS.CS"),
            ("arducam:fifo=2m", "fifo=2m"),
            ("arducam:clock=20000000", "clock=20000000 is not a whole number in 100000..8000000"),
            ("arducam:yuyv", "unknown option 'yuyv'"),
            ("ov7670:data=1/2/3", "is not eight pin numbers"),
            ("ov7670:vsync=5", "two OV7670 signals share a pin"),
        })
        {
            var error = Assert.ThrowsExactly<ArgumentException>(() => CameraSpec.Open(spec, out _, buses), spec);
            StringAssert.Contains(error.Message, message, spec);
        }
        var gpio = Assert.ThrowsExactly<ArgumentException>(() => CameraSpec.Open("ov7670:gpio=turbo", out _, buses));
        StringAssert.Contains(gpio.Message, "gpio=turbo — auto (the board's own choice), mmap (memory-mapped, Pi 3/4/Zero 2) or libgpiod");
    }
}
