using System;
using Embedded.Boards.Frames;

namespace Embedded.Boards.Drivers.Ov7670;

public sealed record Ov7670Options
{
    public Ov7670Pins Pins { get; init; } = new();
    /// <summary><see cref="PixelFormat.Rgb565"/> or <see cref="PixelFormat.Yuyv"/>.</summary>
    public PixelFormat Format { get; init; } = PixelFormat.Rgb565;
    /// <summary>320×240 uses the sensor's QVGA scaler over the whole array; other sizes are a centered window at full resolution.</summary>
    public int Width { get; init; } = 320;
    public int Height { get; init; } = 240;
    /// <summary>The AL422B holds 3 Mbit = 393 216 bytes.</summary>
    public int FifoCapacity { get; init; } = 393_216;
    public int ProbeAttempts { get; init; } = 3;
}
