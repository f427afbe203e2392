using System;

namespace Embedded.Boards.Hardware;

/// <summary>
/// One SPI device (bus + chip select), as System.Device.Spi.SpiDevice and Meadow's ISpiBus expose it: chip select
/// is asserted for the whole of each call and released after it, so a command byte and its data go in one call.
/// Implementations throw <see cref="System.IO.IOException"/> when the bus fails.
/// </summary>
public interface ISpiDevice
{
    /// <summary>
    /// The most bytes one call may move: Linux spidev refuses a longer message ("Message too long") beyond its
    /// <c>bufsiz</c> (4096 by default), so a driver splits what it can and keeps a command and its data within this.
    /// </summary>
    int MaxTransferBytes { get; }

    /// <summary>Clocks out <paramref name="writeBuffer"/> while clocking in as many bytes into <paramref name="readBuffer"/> (equal lengths).</summary>
    void TransferFullDuplex(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer);

    void Write(ReadOnlySpan<byte> buffer);

    /// <summary>Clocks in <paramref name="buffer"/>.Length bytes while sending zeros.</summary>
    void Read(Span<byte> buffer);
}
