using System;
using System.Device.I2c;
using Embedded.Boards.Hardware;

namespace Embedded.Boards.RaspberryPi;

/// <summary>
/// One I2C device through System.Device.I2c's <see cref="I2cDevice"/> (on a Pi, /dev/i2c-B at one address; in tests, a
/// fake). A NACK surfaces as the IOException the drivers expect.
/// </summary>
public sealed class PiI2cDevice : II2cDevice, IDisposable
{
    private readonly I2cDevice _device;

    public PiI2cDevice(I2cDevice device)
    {
        _device = device ?? throw new ArgumentNullException(nameof(device));
        Address = device.ConnectionSettings.DeviceAddress;
    }

    public int Address { get; }
    public void Write(ReadOnlySpan<byte> buffer) => _device.Write(buffer);
    public void Read(Span<byte> buffer) => _device.Read(buffer);
    public void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer) => _device.WriteRead(writeBuffer, readBuffer);
    public void Dispose() => _device.Dispose();
}
