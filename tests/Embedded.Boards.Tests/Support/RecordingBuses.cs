using System;
using System.Collections.Generic;
using System.Linq;
using Embedded.Boards.Hardware;

namespace Embedded.Boards.Tests.Support;

/// <summary>Wraps an SPI device and records every transfer's outgoing bytes (dotnet/iot's recording fake bus).</summary>
internal sealed class RecordingSpi : ISpiDevice
{
    private readonly ISpiDevice _inner;
    public List<string> Transfers { get; } = new();

    public RecordingSpi(ISpiDevice inner) => _inner = inner;
    public int MaxTransferBytes => _inner.MaxTransferBytes;

    public void TransferFullDuplex(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Transfers.Add(Hex(writeBuffer));
        _inner.TransferFullDuplex(writeBuffer, readBuffer);
    }

    public void Write(ReadOnlySpan<byte> buffer) { Transfers.Add(Hex(buffer)); _inner.Write(buffer); }
    public void Read(Span<byte> buffer) { Transfers.Add($"read {buffer.Length}"); _inner.Read(buffer); }

    internal static string Hex(ReadOnlySpan<byte> bytes) => bytes.Length <= 8
        ? string.Join(" ", bytes.ToArray().Select(b => b.ToString("X2")))
        : $"{bytes[0]:X2} +{bytes.Length - 1}";
}

/// <summary>Records I2C operations as "W 12 80" (write) and "R 1" (read of one byte).</summary>
internal sealed class RecordingI2c : II2cDevice
{
    private readonly II2cDevice _inner;
    public List<string> Operations { get; } = new();

    public RecordingI2c(II2cDevice inner) => _inner = inner;
    public int Address => _inner.Address;

    public void Write(ReadOnlySpan<byte> buffer) { Operations.Add("W " + RecordingSpi.Hex(buffer)); _inner.Write(buffer); }
    public void Read(Span<byte> buffer) { Operations.Add($"R {buffer.Length}"); _inner.Read(buffer); }
    public void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer) { Operations.Add("WR " + RecordingSpi.Hex(writeBuffer)); _inner.WriteRead(writeBuffer, readBuffer); }
}

/// <summary>Records GPIO writes as "pin=1" and edge waits as "wait pin".</summary>
internal sealed class RecordingGpio : IGpioPins
{
    private readonly IGpioPins _inner;
    public List<string> Events { get; } = new();
    public int Reads { get; private set; }

    public RecordingGpio(IGpioPins inner) => _inner = inner;

    public void SetPinMode(int pin, PinMode mode) { Events.Add($"mode {pin} {mode}"); _inner.SetPinMode(pin, mode); }
    public bool Read(int pin) { Reads++; return _inner.Read(pin); }
    public void Write(int pin, bool high) { Events.Add($"{pin}={(high ? 1 : 0)}"); _inner.Write(pin, high); }
    public bool WaitForEdge(int pin, PinEdge edge, TimeSpan timeout, System.Threading.CancellationToken cancellation)
    {
        Events.Add($"wait {pin} {edge}");
        return _inner.WaitForEdge(pin, edge, timeout, cancellation);
    }
}
