using System;
using System.Device.Spi;
using Embedded.Boards.Hardware;

namespace Embedded.Boards.RaspberryPi;

/// <summary>
/// One SPI device through System.Device.Spi's <see cref="SpiDevice"/> (on a Pi, /dev/spidevB.C; in tests, a fake);
/// chip select is the kernel's, held for each call. <see cref="MaxTransferBytes"/> is spidev's <c>bufsiz</c>.
/// </summary>
public sealed class PiSpiDevice : ISpiDevice, IDisposable
{
    private readonly SpiDevice _device;

    /// <param name="maxTransferBytes">The longest message the driver accepts (<see cref="Spidev.BufferBytes"/> on a Pi).</param>
    public PiSpiDevice(SpiDevice device, int maxTransferBytes = Spidev.DefaultBufferBytes)
    {
        _device = device ?? throw new ArgumentNullException(nameof(device));
        if (maxTransferBytes < 1) throw new ArgumentOutOfRangeException(nameof(maxTransferBytes), maxTransferBytes, "must be positive");
        MaxTransferBytes = maxTransferBytes;
    }

    public int MaxTransferBytes { get; }
    public void TransferFullDuplex(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer) => _device.TransferFullDuplex(writeBuffer, readBuffer);
    public void Write(ReadOnlySpan<byte> buffer) => _device.Write(buffer);
    public void Read(Span<byte> buffer) => _device.Read(buffer);
    public void Dispose() => _device.Dispose();
}
