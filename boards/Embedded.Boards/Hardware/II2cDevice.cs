using System;

namespace Embedded.Boards.Hardware;

/// <summary>
/// One I2C device at a fixed 7-bit address, as System.Device.I2c.I2cDevice exposes it. SCCB (OmniVision's camera
/// control bus) is driven through it: a register write is Write([reg, value]), a read is Write([reg]) then Read(1)
/// — SCCB has no repeated start, so drivers never use <see cref="WriteRead"/> for it.
/// A missing acknowledge (NACK) is an <see cref="System.IO.IOException"/>.
/// </summary>
public interface II2cDevice
{
    int Address { get; }

    void Write(ReadOnlySpan<byte> buffer);

    void Read(Span<byte> buffer);

    /// <summary>Write then read with a repeated start (plain I2C devices).</summary>
    void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer);
}
