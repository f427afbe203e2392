using System;
using System.Globalization;
using System.Linq;
using System.Threading;
using Embedded.Boards.Drivers.ArduCam;
using Embedded.Boards.Drivers.Ov7670;
using Embedded.Boards.Frames;
using Embedded.Boards.Hardware;
using Embedded.Boards.RaspberryPi;

namespace Embedded.Firmware.Cameras;

/// <summary>
/// Cameras wired to the board's own buses:
/// `arducam:[spi=BUS.CS][,i2c=BUS][,WxH][,jpeg|rgb565][,clock=HZ][,fifo=8m|384k]` and
/// `ov7670:[i2c=BUS][,WxH][,rgb565|yuyv][,vsync=N][,wrst=N][,wen=N][,rrst=N][,oe=N][,rclk=N][,data=N/N/N/N/N/N/N/N][,gpio=auto|mmap|libgpiod][,gpiochip=N]`.
/// The buses are the Raspberry Pi's (System.Device.Gpio, <see cref="RaspberryPiBuses"/>); tests give emulated ones.
/// </summary>
internal static class WiredCameras
{
    /// <summary>Opens the board's buses with the GPIO driver and chip a spec asks for.</summary>
    public static Func<PiGpioDriver, int, IBoardBuses> BusProvider { get; set; } =
        (gpio, chip) => new RaspberryPiBuses(new RaspberryPiBusOptions { Gpio = gpio, GpioChip = chip });

    public const string ArduCamOptions = "spi=BUS.CS, i2c=BUS, WIDTHxHEIGHT, jpeg|rgb565, clock=HZ, fifo=8m|384k";
    public const string Ov7670Options = "i2c=BUS, WIDTHxHEIGHT, rgb565|yuyv, vsync=, wrst=, wen=, rrst=, oe=, rclk=, data=D0/…/D7, gpio=auto|mmap|libgpiod, gpiochip=N";

    private static IBoardBuses Buses(IBoardBuses? given, PiGpioDriver gpio = PiGpioDriver.Auto, int chip = 0) => given ?? BusProvider(gpio, chip);

    public static IFrameSource? OpenArduCam(string spec, SpecOptions options, IBoardBuses? given, bool checkOnly = false)
    {
        var (spiBus, chipSelect) = BusAndLine(spec, options.Value("spi") ?? "0.0");
        int i2cBus = options.Integer("i2c", 1, 0, 255);
        var size = options.Size(1600) ?? (320, 240);
        var format = options.Choice("jpeg", "jpeg", "rgb565") == "rgb565" ? PixelFormat.Rgb565 : PixelFormat.Jpeg;
        int clock = options.Integer("clock", 8_000_000, 100_000, 8_000_000);
        int fifo = (options.Value("fifo") ?? "8m") switch
        {
            "8m" => 8 * 1024 * 1024,
            "384k" => 384 * 1024,
            var other => throw new ArgumentException($"camera '{spec}': fifo={other} — the 2MP Plus has 8m, the original 2MP 384k"),
        };
        options.RejectUnused(ArduCamOptions);
        var driverOptions = new ArduCamOptions { Format = format, Width = size.width, Height = size.height, FifoCapacity = fifo };
        if (checkOnly) return null;
        var buses = Buses(given);
        try
        {
            var driver = new ArduCamMini2MP(buses.OpenSpi(spiBus, chipSelect, clock), buses.OpenI2c(i2cBus, Ov2640.Address), buses.Clock, driverOptions);
            return new WiredCamera(driver, buses);
        }
        catch
        {
            buses.Dispose();
            throw;
        }
    }

    public static IFrameSource? OpenOv7670(string spec, SpecOptions options, IBoardBuses? given, bool checkOnly = false)
    {
        int i2cBus = options.Integer("i2c", 1, 0, 255);
        var size = options.Size(640) ?? (320, 240);
        var format = options.Choice("rgb565", "rgb565", "yuyv") == "yuyv" ? PixelFormat.Yuyv : PixelFormat.Rgb565;
        var defaults = new Ov7670Pins();
        var pins = new Ov7670Pins
        {
            Vsync = options.Integer("vsync", defaults.Vsync, 0, 1023),
            WriteReset = options.Integer("wrst", defaults.WriteReset, 0, 1023),
            WriteEnable = options.Integer("wen", defaults.WriteEnable, 0, 1023),
            ReadReset = options.Integer("rrst", defaults.ReadReset, 0, 1023),
            OutputEnable = options.Integer("oe", defaults.OutputEnable, 0, 1023),
            ReadClock = options.Integer("rclk", defaults.ReadClock, 0, 1023),
            Data = options.Value("data") is { } data ? DataPins(spec, data) : defaults.Data,
        };
        var gpio = (options.Value("gpio") ?? "auto") switch
        {
            "auto" => PiGpioDriver.Auto,
            "mmap" or "fast" => PiGpioDriver.MemoryMapped,
            "libgpiod" => PiGpioDriver.Libgpiod,
            var other => throw new ArgumentException($"camera '{spec}': gpio={other} — auto (the board's own choice), mmap (memory-mapped, Pi 3/4/Zero 2) or libgpiod"),
        };
        int chip = options.Integer("gpiochip", 0, 0, 63);
        options.RejectUnused(Ov7670Options);
        pins.Validate();
        var driverOptions = new Ov7670Options { Pins = pins, Format = format, Width = size.width, Height = size.height };
        if (checkOnly) return null;
        var buses = Buses(given, gpio, chip);
        try
        {
            var driver = new Ov7670Fifo(buses.OpenGpio(), buses.OpenI2c(i2cBus, Ov7670.Address), buses.Clock, driverOptions);
            return new WiredCamera(driver, buses);
        }
        catch
        {
            buses.Dispose();
            throw;
        }
    }

    private static (int bus, int line) BusAndLine(string spec, string text)
    {
        var parts = text.Split('.');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int bus) && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int line) && bus < 256 && line < 256)
            return (bus, line);
        throw new ArgumentException($"camera '{spec}': spi={text} is not BUS.CS (e.g. spi=0.0 for /dev/spidev0.0)");
    }

    private static int[] DataPins(string spec, string text)
    {
        var pins = text.Split('/').Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n < 1024 ? n : -1).ToArray();
        if (pins.Length != 8 || pins.Any(p => p < 0)) throw new ArgumentException($"camera '{spec}': data={text} is not eight pin numbers D0/D1/…/D7");
        return pins;
    }

    /// <summary>A driver plus the buses it was opened on, released together.</summary>
    private sealed class WiredCamera : IFrameSource
    {
        private readonly IFrameSource _driver;
        private readonly IBoardBuses _buses;

        public WiredCamera(IFrameSource driver, IBoardBuses buses) { _driver = driver; _buses = buses; }

        public string Name => $"{_driver.Name} on {_buses.Name}";
        public void Start() => _driver.Start();
        public Frame Capture(TimeSpan timeout, CancellationToken cancellation = default) => _driver.Capture(timeout, cancellation);
        public void Stop() => _driver.Stop();

        public void Dispose()
        {
            try { _driver.Dispose(); }
            finally { _buses.Dispose(); }
        }
    }
}
