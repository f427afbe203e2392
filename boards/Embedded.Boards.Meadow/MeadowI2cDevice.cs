using System;
using System.Runtime.InteropServices;
using Embedded.Boards.Hardware;
using Meadow.Hardware;

namespace Embedded.Boards.Meadow;

/// <summary>One address on a Meadow I2C bus.</summary>
internal sealed class MeadowI2cDevice : II2cDevice
{
    private readonly II2cBus _bus;

    public MeadowI2cDevice(II2cBus bus, int address)
    {
        _bus = bus;
        Address = address;
    }

    public int Address { get; }

    private static Span<byte> Writable(ReadOnlySpan<byte> data) => MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(data), data.Length);

    public void Write(ReadOnlySpan<byte> buffer) => _bus.Write((byte)Address, Writable(buffer));
    public void Read(Span<byte> buffer) => _bus.Read((byte)Address, buffer);
    public void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer) => _bus.Exchange((byte)Address, Writable(writeBuffer), readBuffer);
}
