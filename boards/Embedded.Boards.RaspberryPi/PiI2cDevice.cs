using System;
using System.Device.I2c;
using Embedded.Boards.Hardware;

namespace Embedded.Boards.RaspberryPi;

/// <summary>/dev/i2c-B at one address through System.Device.I2c (a NACK surfaces as IOException, as the drivers expect).</summary>
internal sealed class PiI2cDevice : II2cDevice, IDisposable
{
    private readonly I2cDevice _device;

    public PiI2cDevice(int bus, int address)
    {
        Address = address;
        _device = I2cDevice.Create(new I2cConnectionSettings(bus, address));
    }

    public int Address { get; }
    public void Write(ReadOnlySpan<byte> buffer) => _device.Write(buffer);
    public void Read(Span<byte> buffer) => _device.Read(buffer);
    public void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer) => _device.WriteRead(writeBuffer, readBuffer);
    public void Dispose() => _device.Dispose();
}
