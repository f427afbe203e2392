using System;
using System.Collections.Generic;
using Embedded.Boards.Emulation;
using Embedded.Boards.Hardware;

namespace Embedded.Firmware.Tests;

/// <summary>
/// A board whose SPI/I2C/GPIO lead to emulated camera modules: the ArduCam on any SPI device plus I2C address 0x30,
/// the OV7670 module on the GPIO pins plus I2C address 0x21. Records what the camera asked to open.
/// </summary>
internal sealed class EmulatedBuses : IBoardBuses
{
    private readonly VirtualClock _clock = new();
    private readonly SceneSet _scenes;
    private ArduCamMini2MPEmulator? _arducam;
    private Ov7670FifoEmulator? _ov7670;

    public EmulatedBuses(SceneSet scenes) => _scenes = scenes;

    public string Name => "emulated board";
    public IClock Clock => _clock;
    public List<string> Opened { get; } = new();
    public bool Disposed { get; private set; }
    public Ov7670FifoEmulator Ov7670 => _ov7670 ??= new Ov7670FifoEmulator(_scenes, _clock) { FramePeriod = TimeSpan.FromTicks(1) };
    private ArduCamMini2MPEmulator ArduCam => _arducam ??= new ArduCamMini2MPEmulator(_scenes, _clock);

    public ISpiDevice OpenSpi(int bus, int chipSelect, int clockHz)
    {
        Opened.Add($"spi {bus}.{chipSelect} {clockHz} Hz");
        return ArduCam;
    }

    public II2cDevice OpenI2c(int bus, int address)
    {
        Opened.Add($"i2c {bus} 0x{address:X2}");
        return address switch
        {
            0x30 => ArduCam,
            0x21 => Ov7670,
            _ => throw new System.IO.IOException($"no device at 0x{address:X2} on i2c {bus}"),
        };
    }

    public IGpioPins OpenGpio()
    {
        Opened.Add("gpio");
        return Ov7670;
    }

    public void Dispose() => Disposed = true;
}
