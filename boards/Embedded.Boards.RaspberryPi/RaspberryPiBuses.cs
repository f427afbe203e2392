using System;
using System.Collections.Generic;
using System.Device.Gpio;
using System.Device.Gpio.Drivers;
using System.Device.I2c;
using System.Device.Spi;
using System.IO;
using Embedded.Boards.Cameras;
using Embedded.Boards.Hardware;

namespace Embedded.Boards.RaspberryPi;

/// <summary>
/// The Raspberry Pi's SPI, I2C and GPIO for the camera drivers, through System.Device.Gpio. SPI messages stay within
/// spidev's <c>bufsiz</c>; GPIO goes through the driver <see cref="RaspberryPiBusOptions.Gpio"/> names. A device that
/// cannot be opened is a <see cref="CameraException"/> naming it and saying what to do (enable SPI or I2C in
/// raspi-config, join the group, install libgpiod, …).
/// </summary>
public sealed class RaspberryPiBuses : IBoardBuses
{
    private readonly List<IDisposable> _opened = new();
    private readonly RaspberryPiBusOptions _options;

    public RaspberryPiBuses(PiGpioDriver gpio = PiGpioDriver.Auto) : this(new RaspberryPiBusOptions { Gpio = gpio }) { }

    public RaspberryPiBuses(RaspberryPiBusOptions options) => _options = options ?? throw new ArgumentNullException(nameof(options));

    public string Name => $"Raspberry Pi (System.Device.Gpio, GPIO {_options.Gpio switch { PiGpioDriver.MemoryMapped => "RaspberryPi3Driver", PiGpioDriver.Libgpiod => $"libgpiod chip {_options.GpioChip}", _ => "auto" }})";

    public IClock Clock => _options.Clock;

    public ISpiDevice OpenSpi(int bus, int chipSelect, int clockHz)
    {
        string device = $"/dev/spidev{bus}.{chipSelect}";
        var settings = new SpiConnectionSettings(bus, chipSelect) { ClockFrequency = clockHz, Mode = SpiMode.Mode0, DataBitLength = 8 };
        var spi = Open(device, $"spidev{bus}.{chipSelect}", "enable SPI (sudo raspi-config nonint do_spi 0, then reboot)", "spi", () => _options.OpenSpi(settings));
        return Keep(new PiSpiDevice(spi, Spidev.BufferBytes(_options.SpidevBufferSizePath)));
    }

    public II2cDevice OpenI2c(int bus, int address)
    {
        string device = $"/dev/i2c-{bus}";
        var i2c = Open(device, $"i2c-{bus}", "enable I2C (sudo raspi-config nonint do_i2c 0, then reboot)", "i2c", () => _options.OpenI2c(new I2cConnectionSettings(bus, address)));
        return Keep(new PiI2cDevice(i2c));
    }

    /// <summary>A 16×2 or 20×4 character LCD on a PCF8574 backpack at <paramref name="address"/> on I2C bus <paramref name="bus"/>.</summary>
    public ITextDisplay OpenCharacterLcd(int bus, int address, int columns, int rows) =>
        OpenDisplay(bus, address, "LCD", "0x27 or 0x3F", i2c => new Displays.CharacterLcd(i2c, columns, rows));

    /// <summary>A 128×64 or 128×32 SSD1306 OLED at <paramref name="address"/> on I2C bus <paramref name="bus"/>.</summary>
    public ITextDisplay OpenSsd1306(int bus, int address, int height) =>
        OpenDisplay(bus, address, "SSD1306 OLED", "0x3C or 0x3D", i2c => new Displays.Ssd1306Text(i2c, height));

    private ITextDisplay OpenDisplay(int bus, int address, string what, string usualAddresses, Func<I2cDevice, ITextDisplay> create)
    {
        string device = $"/dev/i2c-{bus}";
        var i2c = Open(device, $"i2c-{bus}", "enable I2C (sudo raspi-config nonint do_i2c 0, then reboot)", "i2c", () => _options.OpenI2c(new I2cConnectionSettings(bus, address)));
        try
        {
            return Keep(create(i2c));
        }
        catch (IOException e)
        {
            i2c.Dispose();
            throw new CameraException($"{what} at 0x{address:X2} on {device}: no answer ({e.Message}): check the wiring and the address (i2cdetect -y {bus}; usually {usualAddresses})", e);
        }
    }

    public IGpioPins OpenGpio()
    {
        if (_options.OpenGpioDriver is { } fake) return Keep(new PiGpioPins(new GpioController(fake())));
        switch (_options.Gpio)
        {
            case PiGpioDriver.MemoryMapped:
                string model = PiBoardModel.Read(_options.BoardModelPath);
                if (PiBoardModel.IsPi5(model))
                    throw new CameraException($"GPIO: gpio=mmap drives the Pi 3/4/Zero 2 GPIO block through /dev/gpiomem, and this is a {model}, whose RP1 chip it cannot drive: use gpio=auto (libgpiod)");
                return Keep(new PiGpioPins(Open("/dev/gpiomem", "gpiomem", "use a Raspberry Pi 3, 4 or Zero 2 with Raspberry Pi OS (or gpio=auto)", "gpio",
                    () => new GpioController(new RaspberryPi3Driver()))));
            case PiGpioDriver.Libgpiod:
                int chip = _options.GpioChip;
                return Keep(new PiGpioPins(Open($"/dev/gpiochip{chip}", $"gpiochip{chip}", "install libgpiod (sudo apt install libgpiod2) and check the chip (gpiodetect)", "gpio",
                    () => new GpioController(new LibGpiodDriver(chip)))));
            default:
                // GpioController picks the memory-mapped driver (/dev/gpiomem) on a Pi 3/4/Zero 2 and libgpiod elsewhere.
                return Keep(new PiGpioPins(Open("GPIO (/dev/gpiomem or /dev/gpiochip0)", "gpiomem|gpiochip0",
                    "run on a Raspberry Pi with Raspberry Pi OS; where libgpiod is used (Pi 5), install it (sudo apt install libgpiod2)", "gpio",
                    () => new GpioController())));
        }
    }

    /// <summary>
    /// Opens a device, turning the ways that fails (file missing, permission, a board or native library System.Device.Gpio
    /// does not find) into a <see cref="CameraException"/> that names <paramref name="device"/> and the fix.
    /// </summary>
    private T Open<T>(string device, string file, string enable, string group, Func<T> open)
    {
        // `file` may list alternatives (a|b): any one of them present will do.
        if (_options.DeviceDirectory is { } directory && !Array.Exists(file.Split('|'), f => File.Exists(Path.Combine(directory, f))))
            throw new CameraException($"{device} does not exist: {enable}");
        try
        {
            return open();
        }
        catch (UnauthorizedAccessException e)
        {
            throw new CameraException($"{device}: permission denied ({e.Message}): add the user to the '{group}' group (sudo usermod -aG {group} $USER, then log in again)", e);
        }
        catch (Exception e) when (e is IOException or PlatformNotSupportedException or NotSupportedException or InvalidOperationException
                                       or DllNotFoundException or EntryPointNotFoundException or TypeInitializationException or ArgumentException)
        {
            throw new CameraException($"{device} could not be opened ({e.GetType().Name}: {e.Message}): {enable}", e);
        }
    }

    private T Keep<T>(T device) where T : IDisposable
    {
        _opened.Add(device);
        return device;
    }

    public void Dispose()
    {
        foreach (var device in _opened) device.Dispose();
        _opened.Clear();
    }
}
