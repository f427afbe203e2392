using System;
using System.Collections.Generic;
using Embedded.Boards.Hardware;
using Meadow.Hardware;

namespace Embedded.Boards.Meadow;

/// <summary>
/// A Meadow board's buses for the camera drivers. The app creates the SPI and I2C buses (their pins are fixed per
/// board) and says which numbered pin is which IPin; bus numbers in camera specs are ignored (one bus each).
/// </summary>
public sealed class MeadowBuses : IBoardBuses
{
    private readonly ISpiBus _spi;
    private readonly II2cBus _i2c;
    private readonly Func<int, IPin> _pin;
    private readonly List<IDisposable> _opened = new();

    public MeadowBuses(ISpiBus spi, II2cBus i2c, Func<int, IPin> pin)
    {
        _spi = spi ?? throw new ArgumentNullException(nameof(spi));
        _i2c = i2c ?? throw new ArgumentNullException(nameof(i2c));
        _pin = pin ?? throw new ArgumentNullException(nameof(pin));
    }

    public string Name => "Meadow (Meadow.Contracts)";

    public IClock Clock => SystemClock.Instance;

    /// <summary>On Meadow the chip select is a GPIO: <paramref name="chipSelect"/> is its pin number.</summary>
    public ISpiDevice OpenSpi(int bus, int chipSelect, int clockHz)
    {
        var port = _pin(chipSelect).CreateDigitalOutputPort(true);
        _opened.Add(port);
        return new MeadowSpiDevice(_spi, port);
    }

    public II2cDevice OpenI2c(int bus, int address) => new MeadowI2cDevice(_i2c, address);

    public IGpioPins OpenGpio()
    {
        var pins = new MeadowGpioPins(_pin);
        _opened.Add(pins);
        return pins;
    }

    public void Dispose()
    {
        foreach (var item in _opened) item.Dispose();
        _opened.Clear();
    }
}
