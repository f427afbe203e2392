using System;
using System.Device.Gpio;
using System.Device.I2c;
using System.Device.Spi;
using Embedded.Boards.Hardware;

namespace Embedded.Boards.RaspberryPi;

/// <summary>
/// How <see cref="RaspberryPiBuses"/> opens devices. The defaults open the Pi's own (System.Device.Gpio's
/// <c>SpiDevice.Create</c>, <c>I2cDevice.Create</c>, a <c>GpioController</c> on the chosen driver); tests give fakes of
/// the package's own classes and files standing in for /dev and /sys.
/// </summary>
public sealed class RaspberryPiBusOptions
{
    public PiGpioDriver Gpio { get; init; } = PiGpioDriver.Auto;

    /// <summary>The GPIO chip libgpiod opens (<see cref="PiGpioDriver.Libgpiod"/>).</summary>
    public int GpioChip { get; init; }

    public Func<SpiConnectionSettings, SpiDevice> OpenSpi { get; init; } = SpiDevice.Create;

    public Func<I2cConnectionSettings, I2cDevice> OpenI2c { get; init; } = I2cDevice.Create;

    /// <summary>The driver for the pins' GpioController; null: the driver <see cref="Gpio"/> names (or GpioController's own choice).</summary>
    public Func<GpioDriver>? OpenGpioDriver { get; init; }

    /// <summary>
    /// Where device files are checked before opening (System.Device.Gpio opens spidev and i2c-dev lazily, at the first
    /// transfer, where a missing file would read as a bus fault); null skips the checks.
    /// </summary>
    public string? DeviceDirectory { get; init; } = "/dev";

    public string SpidevBufferSizePath { get; init; } = Spidev.BufferSizePath;

    public string BoardModelPath { get; init; } = PiBoardModel.DefaultPath;

    /// <summary>The time drivers wait on: real time on the board; an emulator's virtual time in tests.</summary>
    public IClock Clock { get; init; } = SystemClock.Instance;
}
