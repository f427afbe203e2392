using System;
using System.IO;
using System.Threading;
using Embedded.Boards.Cameras;
using Embedded.Boards.Hardware;

namespace Embedded.Boards.Drivers;

/// <summary>
/// Register access over SCCB (OmniVision's I2C subset): a write is [register, value], a read is [register] then one
/// byte read — no repeated start. A NACK (IOException) is retried a bounded number of times, then becomes a
/// <see cref="CameraException"/> naming the chip and register.
/// </summary>
public sealed class SccbRegisters
{
    private readonly II2cDevice _device;
    private readonly IClock _clock;
    private readonly string _chip;
    private readonly byte[] _write = new byte[2];
    private readonly byte[] _read = new byte[1];

    /// <summary>Attempts per register access (the first try included).</summary>
    public int Attempts { get; }
    public static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(2);

    public SccbRegisters(II2cDevice device, IClock clock, string chip, int attempts = 3)
    {
        _device = device ?? throw new ArgumentNullException(nameof(device));
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        _chip = chip;
        Attempts = Math.Max(1, attempts);
    }

    public void Write(byte register, byte value, CancellationToken cancellation = default)
    {
        _write[0] = register; _write[1] = value;
        Retry(() => _device.Write(_write), $"writing 0x{value:X2} to register 0x{register:X2}", cancellation);
    }

    public byte Read(byte register, CancellationToken cancellation = default)
    {
        _write[0] = register;
        Retry(() =>
        {
            _device.Write(_write.AsSpan(0, 1));
            _device.Read(_read);
        }, $"reading register 0x{register:X2}", cancellation);
        return _read[0];
    }

    /// <summary>Writes (register, value) pairs in order.</summary>
    public void WriteTable(ReadOnlySpan<byte> pairs, CancellationToken cancellation = default)
    {
        if (pairs.Length % 2 != 0) throw new ArgumentException("a register table holds (register, value) pairs", nameof(pairs));
        for (int i = 0; i < pairs.Length; i += 2) Write(pairs[i], pairs[i + 1], cancellation);
    }

    private void Retry(Action access, string what, CancellationToken cancellation)
    {
        for (int attempt = 1; ; attempt++)
        {
            cancellation.ThrowIfCancellationRequested();
            try
            {
                access();
                return;
            }
            catch (IOException) when (attempt < Attempts)
            {
                _clock.Delay(RetryDelay, cancellation);
            }
            catch (IOException e)
            {
                throw new CameraException($"{_chip} at I2C address 0x{_device.Address:X2}: no answer {what} after {Attempts} attempts ({e.Message}); check SDA/SCL wiring, pull-ups and power", e);
            }
        }
    }
}
