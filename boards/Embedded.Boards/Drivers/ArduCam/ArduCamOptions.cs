using System;
using Embedded.Boards.Frames;

namespace Embedded.Boards.Drivers.ArduCam;

/// <summary>How the ArduCam Mini 2MP is configured and how patient the driver is.</summary>
public sealed record ArduCamOptions
{
    /// <summary><see cref="PixelFormat.Jpeg"/> (the module's usual mode) or <see cref="PixelFormat.Rgb565"/>.</summary>
    public PixelFormat Format { get; init; } = PixelFormat.Jpeg;
    /// <summary>Output size; multiples of 4 up to 1600×1200 (QVGA by default).</summary>
    public int Width { get; init; } = 320;
    public int Height { get; init; } = 240;
    /// <summary>FIFO size: 8 MiB on the 2MP Plus, 384 KiB on the original 2MP.</summary>
    public int FifoCapacity { get; init; } = 8 * 1024 * 1024;
    /// <summary>Data bytes per burst-read transfer at most; the bus's <see cref="Hardware.ISpiDevice.MaxTransferBytes"/> (with the command byte) lowers it.</summary>
    public int BurstBytes { get; init; } = 4096;
    /// <summary>Captures tried per frame when one comes back short or corrupt.</summary>
    public int CaptureAttempts { get; init; } = 3;
    /// <summary>Wiring checks tried before giving up (SPI test register, chip id).</summary>
    public int ProbeAttempts { get; init; } = 3;
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(1);
}
