using System;
using System.Collections.Generic;
using System.Device.Gpio;
using System.Device.Gpio.Drivers;
using Embedded.Boards.Hardware;

namespace Embedded.Boards.RaspberryPi;

/// <summary>
/// The Raspberry Pi's SPI, I2C and GPIO for the camera drivers. GPIO uses the memory-mapped RaspberryPi3Driver on
/// Pi 3/4 (fast enough to bit-bang the OV7670 FIFO read-out) when asked, else the default (libgpiod) driver, which
/// is also the only one on a Pi 5.
/// </summary>
public sealed class RaspberryPiBuses : IBoardBuses
{
    private readonly List<IDisposable> _opened = new();
    private readonly bool _fastGpio;

    /// <param name="fastGpio">Use RaspberryPi3Driver (/dev/gpiomem; Pi 3 and 4 only).</param>
    public RaspberryPiBuses(bool fastGpio = false) => _fastGpio = fastGpio;

    public string Name => _fastGpio ? "Raspberry Pi (System.Device.Gpio, RaspberryPi3Driver)" : "Raspberry Pi (System.Device.Gpio)";

    public IClock Clock => SystemClock.Instance;

    public ISpiDevice OpenSpi(int bus, int chipSelect, int clockHz) => Keep(new PiSpiDevice(bus, chipSelect, clockHz));

    public II2cDevice OpenI2c(int bus, int address) => Keep(new PiI2cDevice(bus, address));

    public IGpioPins OpenGpio() => Keep(new PiGpioPins(_fastGpio ? new GpioController(new RaspberryPi3Driver()) : new GpioController()));

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
