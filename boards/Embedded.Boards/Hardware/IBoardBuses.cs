using System;

namespace Embedded.Boards.Hardware;

/// <summary>
/// How a board opens the buses a camera is wired to. One implementation per platform — Raspberry Pi
/// (System.Device.Gpio, boards/Embedded.Boards.RaspberryPi) and Meadow (boards/Embedded.Boards.Meadow), both built with
/// -p:BoardPackages=true — and emulated modules in tests. Devices stay open until the buses are disposed.
/// </summary>
public interface IBoardBuses : IDisposable
{
    /// <summary>"Raspberry Pi (System.Device.Gpio)", for logs.</summary>
    string Name { get; }

    /// <summary>The time drivers wait on: <see cref="SystemClock"/> on hardware, virtual time with emulated modules.</summary>
    IClock Clock { get; }

    /// <summary>SPI mode 0, 8-bit words, at most <paramref name="clockHz"/>; chip select is the bus's own line.</summary>
    ISpiDevice OpenSpi(int bus, int chipSelect, int clockHz);

    /// <summary>The device at 7-bit <paramref name="address"/> on I2C bus <paramref name="bus"/>.</summary>
    II2cDevice OpenI2c(int bus, int address);

    /// <summary>The board's GPIO pins, numbered as the board numbers them (BCM on a Pi).</summary>
    IGpioPins OpenGpio();
}
