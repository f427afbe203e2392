using System;
using System.IO;
using System.Threading;
using Embedded.Boards.Drivers.ArduCam;
using Embedded.Boards.Emulation;
using Embedded.Boards.Frames;
using Embedded.Boards.Hardware;
using Embedded.Firmware.Cameras;
using Embedded.Firmware.Classification;
using Embedded.Runtime.Execution;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Firmware.Tests;

[TestClass]
[DoNotParallelize]   // the heap measurements are process-wide
public sealed class LongRunTests
{
    /// <summary>
    /// 20 000 frames (a 30-minute run at 11 fps) through the emulated ArduCam and the driver, preprocessed to the
    /// model's input: the managed heap after the run is what it was after the first frames.
    /// </summary>
    [TestMethod]
    public void TwentyThousandFrames_KeepManagedMemoryFlat()
    {
        var image = new Embedded.Imaging.RgbImage(64, 48, new byte[64 * 48 * 3]);
        var clock = new VirtualClock();
        var emulator = new ArduCamMini2MPEmulator(SceneSet.Of(new Scene("flat", image)), clock) { CaptureTime = TimeSpan.Zero };
        var camera = new ArduCamMini2MP(emulator, emulator, clock, new ArduCamOptions { Format = PixelFormat.Rgb565, Width = 64, Height = 48 });
        var pre = new FramePreprocessor(32, 32);
        var pixels = new byte[32 * 32 * 3];
        camera.Start();
        long warm = 0;
        for (int i = 0; i < 20_000; i++)
        {
            pre.Prepare(camera.Capture(TimeSpan.FromSeconds(1)), pixels);
            if (i == 100) warm = GC.GetTotalMemory(forceFullCollection: true);
        }
        long end = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine($"managed heap after 100 frames {warm / 1024} KiB, after 20 000 frames {end / 1024} KiB");
        Assert.IsTrue(end - warm < 256 * 1024, $"managed heap grew by {(end - warm) / 1024} KiB over 20 000 frames");
    }

    /// <summary>The whole app loop (capture, preprocess, inference, JSON line) on the bundled model: flat memory over 300 frames.</summary>
    [TestMethod]
    public void RunLoop_WithInference_KeepsManagedMemoryFlat()
    {
        var model = EmbeddedModel.Load(Path.Combine(CameraAgreementTests.RepoRoot(), "firmware", "samples", "models", "mobilenet_v3_small_int8.emb"));
        using var classifier = new FrameClassifier(model, threads: 1);
        string images = Path.Combine(CameraAgreementTests.RepoRoot(), "firmware", "samples", "images");
        using (var warmup = CameraSpec.Open("sim-ov7670:" + images, out _))
            Commands.RunCommand.Run(classifier, warmup, 12, 3, json: true, TextWriter.Null, CancellationToken.None);
        long before = GC.GetTotalMemory(forceFullCollection: true);
        using (var camera = CameraSpec.Open("sim-ov7670:" + images, out _))
            Commands.RunCommand.Run(classifier, camera, 60, 3, json: true, TextWriter.Null, CancellationToken.None);
        long after = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine($"managed heap {before / 1024} KiB → {after / 1024} KiB");
        Assert.IsTrue(after - before < 1024 * 1024, $"managed heap grew by {(after - before) / 1024} KiB");
    }

    [TestMethod]
    public void Cancellation_StopsTheRunCleanly()
    {
        var model = EmbeddedModel.Load(Path.Combine(CameraAgreementTests.RepoRoot(), "firmware", "samples", "models", "mobilenet_v3_small_int8.emb"));
        using var classifier = new FrameClassifier(model, threads: 1);
        using var stop = new CancellationTokenSource();
        stop.Cancel();
        var output = new StringWriter();
        using var camera = CameraSpec.Open("sim-arducam:" + Path.Combine(CameraAgreementTests.RepoRoot(), "firmware", "samples", "images"), out _);
        Assert.AreEqual(0, Commands.RunCommand.Run(classifier, camera, long.MaxValue, 1, json: false, output, stop.Token));
        StringAssert.Contains(output.ToString(), "0 frames");
    }

    [TestMethod]
    public void BadCameraSpecs_GiveClearErrors()
    {
        var error = new StringWriter();
        string model = Path.Combine(CameraAgreementTests.RepoRoot(), "firmware", "samples", "models", "mobilenet_v3_small_int8.emb");
        Assert.AreNotEqual(0, Program.Run(new[] { "run", "--model", model, "--camera", "sim-arducam:/no/such/folder" }, TextWriter.Null, error, CancellationToken.None));
        StringAssert.Contains(error.ToString(), "does not exist");
        error.GetStringBuilder().Clear();
        Assert.AreNotEqual(0, Program.Run(new[] { "run", "--model", model, "--camera", "webcam" }, TextWriter.Null, error, CancellationToken.None));
        StringAssert.Contains(error.ToString(), "expected KIND:ARGUMENT");
        foreach (var (spec, message) in new[]
        {
            ("sim-ov7670:" + model + ",rgb565,yuyv", "'rgb565' and 'yuyv' exclude each other"),
            ("sim-arducam:/tmp,fast", "unknown option 'fast' (this camera takes: realtime)"),
            ("v4l2:/dev/video-does-not-exist,320x240,buffers=99", "buffers=99 is not a whole number in 1..32"),
            ("v4l2:/dev/video-does-not-exist,640x0", "size '640x0' is not WIDTHxHEIGHT"),
            ("v4l2:/dev/video-does-not-exist,mjpeg", "/dev/video-does-not-exist: cannot open"),
            ("v4l2:/dev/video-does-not-exist,exposure=long", "exposure=long is not a whole number in 1..100000"),
            ("v4l2:/dev/video-does-not-exist,focus=3", "unknown option 'focus' (this camera takes: WIDTHxHEIGHT, yuyv, mjpeg, buffers=N, exposure=auto|N"),
        })
        {
            error.GetStringBuilder().Clear();
            Assert.AreNotEqual(0, Program.Run(new[] { "run", "--model", model, "--camera", spec }, TextWriter.Null, error, CancellationToken.None), spec);
            StringAssert.Contains(error.ToString(), message, spec);
        }
    }

    /// <summary>
    /// Wired cameras are in the default build: on a machine without the Pi's devices (this one, CI) they fail as a
    /// device fault — exit 3 — naming the device and the fix, not with the library's bare message.
    /// </summary>
    [TestMethod]
    public void WiredCameras_WithoutTheBoardsDevices_ExitThreeNamingTheDeviceAndTheFix()
    {
        if (File.Exists("/dev/spidev0.0") || File.Exists("/dev/gpiomem") || File.Exists("/dev/gpiochip0") || File.Exists("/dev/gpiochip4"))
            Assert.Inconclusive("this machine has a Pi's SPI/GPIO devices");
        string model = Path.Combine(CameraAgreementTests.RepoRoot(), "firmware", "samples", "models", "mobilenet_v3_small_int8.emb");
        foreach (var (spec, message) in new[]
        {
            ("arducam:spi=0.0", "/dev/spidev0.0 does not exist: enable SPI (sudo raspi-config nonint do_spi 0, then reboot)"),
            ("ov7670:i2c=1", "GPIO (/dev/gpiomem or /dev/gpiochip0) does not exist: run on a Raspberry Pi with Raspberry Pi OS"),
            ("ov7670:gpio=libgpiod,gpiochip=4", "/dev/gpiochip4 does not exist: install libgpiod (sudo apt install libgpiod2) and check the chip (gpiodetect)"),
        })
        {
            var error = new StringWriter();
            Assert.AreEqual(3, Program.Run(new[] { "run", "--model", model, "--camera", spec }, TextWriter.Null, error, CancellationToken.None), spec);
            StringAssert.Contains(error.ToString(), "emb-board: camera error: " + message, spec);
        }
    }
}
