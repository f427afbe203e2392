using System;
using System.Device.Spi;
using Embedded.Boards.Hardware;

namespace Embedded.Boards.RaspberryPi;

/// <summary>/dev/spidevB.C through System.Device.Spi; chip select is the kernel's, held for each call.</summary>
internal sealed class PiSpiDevice : ISpiDevice, IDisposable
{
    private readonly SpiDevice _device;

    public PiSpiDevice(int bus, int chipSelect, int clockHz)
    {
        _device = SpiDevice.Create(new SpiConnectionSettings(bus, chipSelect)
        {
            ClockFrequency = clockHz,
            Mode = SpiMode.Mode0,
            DataBitLength = 8,
        });
    }

    public void TransferFullDuplex(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer) => _device.TransferFullDuplex(writeBuffer, readBuffer);
    public void Write(ReadOnlySpan<byte> buffer) => _device.Write(buffer);
    public void Read(Span<byte> buffer) => _device.Read(buffer);
    public void Dispose() => _device.Dispose();
}
