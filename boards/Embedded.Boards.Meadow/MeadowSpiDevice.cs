using System;
using System.Runtime.InteropServices;
using Embedded.Boards.Hardware;
using Meadow.Hardware;

namespace Embedded.Boards.Meadow;

/// <summary>One peripheral on a Meadow SPI bus: the bus plus its chip-select output, active low.</summary>
internal sealed class MeadowSpiDevice : ISpiDevice
{
    private readonly ISpiBus _bus;
    private readonly IDigitalOutputPort _chipSelect;

    public MeadowSpiDevice(ISpiBus bus, IDigitalOutputPort chipSelect)
    {
        _bus = bus;
        _chipSelect = chipSelect;
    }

    // Meadow.Core moves a transfer of any length in one chip-select (no spidev-like message limit).
    public int MaxTransferBytes => int.MaxValue;

    // Meadow's buses take Span<byte> even for data they only send; the bus never writes to it.
    private static Span<byte> Writable(ReadOnlySpan<byte> data) => MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(data), data.Length);

    public void TransferFullDuplex(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer) =>
        _bus.Exchange(_chipSelect, Writable(writeBuffer), readBuffer, ChipSelectMode.ActiveLow);

    public void Write(ReadOnlySpan<byte> buffer) => _bus.Write(_chipSelect, Writable(buffer), ChipSelectMode.ActiveLow);

    public void Read(Span<byte> buffer) => _bus.Read(_chipSelect, buffer, ChipSelectMode.ActiveLow);
}
