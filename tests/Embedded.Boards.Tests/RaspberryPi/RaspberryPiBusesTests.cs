using System;
using System.Collections.Generic;
using System.Device.I2c;
using System.Device.Spi;
using System.IO;
using System.Linq;
using Embedded.Boards.Cameras;
using Embedded.Boards.Drivers.ArduCam;
using Embedded.Boards.Drivers.Ov7670;
using Embedded.Boards.Emulation;
using Embedded.Boards.Frames;
using Embedded.Boards.Hardware;
using Embedded.Boards.RaspberryPi;
using Embedded.Boards.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Boards.Tests.RaspberryPi;

/// <summary>
/// The Raspberry Pi adapter driven through System.Device.Gpio's own classes — SpiDevice and I2cDevice (abstract: fakes
/// that behave as spidev and i2c-dev do) and a real GpioController over a fake GpioDriver — backed by the sensor
/// emulators: frames byte-identical to the emulated buses', spidev's message limit, timeouts, NACK, unplugging, and
/// the errors of a board whose devices cannot be opened.
/// </summary>
[TestClass]
public sealed class RaspberryPiBusesTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private string _dir = "";

    [TestInitialize]
    public void Setup() => _dir = Directory.CreateTempSubdirectory("emb-pi-").FullName;

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    private string File(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Three real camera-sized JPEGs (the first shared dev images).</summary>
    private static SceneSet Scenes()
    {
        var files = Directory.GetFiles(Embedded.Converter.Tests.Support.SharedFixtures.Fixture("images", "imagenet-dev"), "*.JPEG");
        Array.Sort(files, StringComparer.Ordinal);
        return SceneSet.Of(files.Take(3).Select(f => new Scene(Path.GetFileName(f), System.IO.File.ReadAllBytes(f))).ToArray());
    }

    /// <summary>The Pi's buses over an emulated ArduCam: spidev refuses messages over <paramref name="bufsiz"/>; the adapter reads its limit from <paramref name="bufsizFile"/>.</summary>
    private static (RaspberryPiBuses buses, List<SpidevFake> spi) ArduCamBuses(ArduCamMini2MPEmulator emulator, IClock clock, int bufsiz, string bufsizFile)
    {
        var spi = new List<SpidevFake>();
        var buses = new RaspberryPiBuses(new RaspberryPiBusOptions
        {
            Clock = clock,
            OpenSpi = settings => { var fake = new SpidevFake(emulator, bufsiz, settings); spi.Add(fake); return fake; },
            OpenI2c = settings => new I2cDevFake(emulator, settings),
            DeviceDirectory = null,
            SpidevBufferSizePath = bufsizFile,
        });
        return (buses, spi);
    }

    /// <summary>Frames of an ArduCam on emulated buses in virtual time: what the Pi path must reproduce byte for byte.</summary>
    private static List<byte[]> EmulatedFrames(ArduCamOptions options, int count)
    {
        var clock = new VirtualClock();
        var emulator = new ArduCamMini2MPEmulator(Scenes(), clock);
        using var camera = new ArduCamMini2MP(emulator, emulator, clock, options);
        camera.Start();
        return Enumerable.Range(0, count).Select(_ => camera.Capture(Timeout).Data.ToArray()).ToList();
    }

    [TestMethod]
    public void ArduCam_ThroughSpiDeviceWithSpidevsLimit_CapturesTheEmulatorsFramesByteForByte()
    {
        foreach (var format in new[] { PixelFormat.Jpeg, PixelFormat.Rgb565 })
        {
            var options = new ArduCamOptions { Format = format, Width = 160, Height = 120 };
            var clock = new VirtualClock();
            var emulator = new ArduCamMini2MPEmulator(Scenes(), clock);
            var (buses, spi) = ArduCamBuses(emulator, clock, bufsiz: 4096, File("bufsiz", "4096\n"));
            using (buses)
            {
                var camera = new ArduCamMini2MP(buses.OpenSpi(0, 0, 8_000_000), buses.OpenI2c(1, Ov2640.Address), buses.Clock, options);
                camera.Start();
                var frames = Enumerable.Range(0, 3).Select(_ => camera.Capture(Timeout).Data.ToArray()).ToList();
                var expected = EmulatedFrames(options, 3);
                for (int i = 0; i < 3; i++) CollectionAssert.AreEqual(expected[i], frames[i], $"{format} frame {i}");
                Assert.AreEqual(4096, spi.Single().MessageLengths.Max(), $"{format}: bursts of 4095 data bytes after the command byte");
            }
        }
    }

    /// <summary>The bug this guards: a 4096-byte burst is a 4097-byte message, which a stock Pi's spidev refuses.</summary>
    [TestMethod]
    public void ArduCam_IgnoringSpidevsLimit_FailsWithMessageTooLong()
    {
        var clock = new VirtualClock();
        var emulator = new ArduCamMini2MPEmulator(Scenes(), clock);
        var spidev = new SpidevFake(emulator, 4096, new SpiConnectionSettings(0, 0));
        var camera = new ArduCamMini2MP(new PiSpiDevice(spidev, maxTransferBytes: int.MaxValue), emulator, clock);
        camera.Start();
        var error = Assert.Throws<Exception>(() => camera.Capture(Timeout));
        StringAssert.Contains(error.ToString(), "Message too long");
        Assert.AreEqual(4097, spidev.MessageLengths.Max());
    }

    [TestMethod]
    public void SpidevBufsiz_IsReadFromTheModuleParameter_ElseTheKernelDefault()
    {
        Assert.AreEqual(65536, Spidev.BufferBytes(File("big", "65536\n")));
        Assert.AreEqual(4096, Spidev.BufferBytes(Path.Combine(_dir, "absent")));
        Assert.AreEqual(4096, Spidev.BufferBytes(File("junk", "lots")));

        // A raised bufsiz (spidev.bufsiz=65536 on the kernel command line) gives longer bursts.
        var clock = new VirtualClock();
        var emulator = new ArduCamMini2MPEmulator(Scenes(), clock);
        var (buses, spi) = ArduCamBuses(emulator, clock, bufsiz: 65536, File("bufsiz", "65536"));
        using (buses)
        {
            var camera = new ArduCamMini2MP(buses.OpenSpi(0, 0, 8_000_000), buses.OpenI2c(1, Ov2640.Address), buses.Clock,
                new ArduCamOptions { Format = PixelFormat.Rgb565, Width = 320, Height = 240, BurstBytes = 1 << 20 });
            camera.Start();
            camera.Capture(Timeout);
            Assert.AreEqual(65536, spi.Single().MessageLengths.Max());
        }
    }

    [TestMethod]
    public void ArduCam_Nack_Timeout_AndUnplug_EndInCameraErrors()
    {
        foreach (var (fault, words) in new[] { (ArduCamFault.I2cNack, "no answer"), (ArduCamFault.CaptureNeverCompletes, "capture not done") })
        {
            var clock = new VirtualClock();
            var emulator = new ArduCamMini2MPEmulator(Scenes(), clock);
            var (buses, _) = ArduCamBuses(emulator, clock, 4096, File("bufsiz", "4096"));
            using (buses)
            {
                var camera = new ArduCamMini2MP(buses.OpenSpi(0, 0, 8_000_000), buses.OpenI2c(1, Ov2640.Address), buses.Clock);
                emulator.Inject(fault);
                var error = Assert.Throws<CameraException>(() => { camera.Start(); camera.Capture(Timeout); }, fault.ToString());
                StringAssert.Contains(error.Message, words, $"{fault}: {error.Message}");
                if (fault == ArduCamFault.CaptureNeverCompletes) Assert.IsInstanceOfType<CameraTimeoutException>(error);
            }
        }
        {
            var clock = new VirtualClock();
            var emulator = new ArduCamMini2MPEmulator(Scenes(), clock);
            var (buses, spi) = ArduCamBuses(emulator, clock, 4096, File("bufsiz", "4096"));
            using (buses)
            {
                var camera = new ArduCamMini2MP(buses.OpenSpi(0, 0, 8_000_000), buses.OpenI2c(1, Ov2640.Address), buses.Clock);
                camera.Start();
                camera.Capture(Timeout);
                spi.Single().Unplugged = true;   // the cable comes off between frames
                var error = Assert.Throws<CameraException>(() => camera.Capture(Timeout));
                StringAssert.Contains(error.ToString(), "performing SPI data transfer");
            }
        }
    }

    [TestMethod]
    public void Ov7670_ThroughGpioControllerOverAFakeDriver_CapturesTheEmulatorsFramesByteForByte()
    {
        var options = new Ov7670Options { Width = 40, Height = 30 };
        var scenes = SceneSet.Of(new Scene("p", TestScenes.Pattern(40, 30, 3)), new Scene("q", TestScenes.Pattern(40, 30, 4)));
        var expected = new List<byte[]>();
        {
            var clock = new VirtualClock();
            var emulator = new Ov7670FifoEmulator(scenes, clock);
            var camera = new Ov7670Fifo(emulator, emulator, clock, options);
            camera.Start();
            for (int i = 0; i < 2; i++) expected.Add(camera.Capture(Timeout).Data.ToArray());
        }
        {
            var clock = new VirtualClock();
            var emulator = new Ov7670FifoEmulator(SceneSet.Of(new Scene("p", TestScenes.Pattern(40, 30, 3)), new Scene("q", TestScenes.Pattern(40, 30, 4))), clock);
            var driver = new EmulatedGpioDriver(emulator);
            using var buses = new RaspberryPiBuses(new RaspberryPiBusOptions
            {
                Clock = clock,
                OpenI2c = settings => new I2cDevFake(emulator, settings), OpenGpioDriver = () => driver, DeviceDirectory = null,
            });
            var camera = new Ov7670Fifo(buses.OpenGpio(), buses.OpenI2c(1, Ov7670.Address), buses.Clock, options);
            camera.Start();
            for (int i = 0; i < 2; i++) CollectionAssert.AreEqual(expected[i], camera.Capture(Timeout).Data.ToArray(), $"frame {i}");
            Assert.IsTrue(driver.Events.Contains("wait 17 Rising"), "VSYNC waited on through GpioController.WaitForEvent");

            // No VSYNC (unplugged): a timeout, not a hang.
            emulator.Inject(Ov7670Fault.NoVsync);
            Assert.ThrowsExactly<CameraTimeoutException>(() => camera.Capture(Timeout));
        }
    }

    [TestMethod]
    public void DevicesThatCannotBeOpened_AreCameraErrorsThatSayWhatToDo()
    {
        var empty = new RaspberryPiBuses(new RaspberryPiBusOptions { DeviceDirectory = _dir });
        StringAssert.Contains(Assert.ThrowsExactly<CameraException>(() => empty.OpenSpi(0, 0, 8_000_000)).Message,
            "/dev/spidev0.0 does not exist: enable SPI (sudo raspi-config nonint do_spi 0, then reboot)");
        StringAssert.Contains(Assert.ThrowsExactly<CameraException>(() => empty.OpenI2c(1, 0x30)).Message,
            "/dev/i2c-1 does not exist: enable I2C (sudo raspi-config nonint do_i2c 0, then reboot)");
        StringAssert.Contains(Assert.ThrowsExactly<CameraException>(() => new RaspberryPiBuses(new RaspberryPiBusOptions { DeviceDirectory = _dir, Gpio = PiGpioDriver.Libgpiod, GpioChip = 4 }).OpenGpio()).Message,
            "/dev/gpiochip4 does not exist: install libgpiod");

        File("spidev0.0", "");
        File("i2c-1", "");
        var denied = new RaspberryPiBuses(new RaspberryPiBusOptions
        {
            DeviceDirectory = _dir,
            OpenSpi = _ => throw new UnauthorizedAccessException("Access to the path '/dev/spidev0.0' is denied."),
            OpenI2c = _ => throw new IOException("Error 121 performing I2C data transfer."),
        });
        StringAssert.Contains(Assert.ThrowsExactly<CameraException>(() => denied.OpenSpi(0, 0, 1_000_000)).Message, "add the user to the 'spi' group (sudo usermod -aG spi $USER");
        StringAssert.Contains(Assert.ThrowsExactly<CameraException>(() => denied.OpenI2c(1, 0x21)).Message, "/dev/i2c-1 could not be opened (IOException: Error 121");

        // gpio=mmap means the Pi 3/4 driver; a Pi 5 is told to use gpio=auto instead of a PlatformNotSupportedException.
        var pi5 = new RaspberryPiBuses(new RaspberryPiBusOptions { Gpio = PiGpioDriver.MemoryMapped, BoardModelPath = File("model", "Raspberry Pi 5 Model B Rev 1.0\0"), DeviceDirectory = _dir });
        var mmap = Assert.ThrowsExactly<CameraException>(() => pi5.OpenGpio());
        StringAssert.Contains(mmap.Message, "this is a Raspberry Pi 5 Model B Rev 1.0");
        StringAssert.Contains(mmap.Message, "use gpio=auto");
        Assert.IsTrue(PiBoardModel.IsPi5(PiBoardModel.Read(Path.Combine(_dir, "model"))));
        Assert.IsFalse(PiBoardModel.IsPi5(PiBoardModel.Read(File("model4", "Raspberry Pi 4 Model B Rev 1.5\0"))));
    }
}
