using System;
using System.Linq;

namespace Embedded.Boards.Drivers.Ov7670;

/// <summary>
/// The GPIO lines of an OV7670 + AL422B FIFO module. Defaults are BCM numbers on a Raspberry Pi 40-pin header
/// (wiring table in Drivers/Ov7670/README.md); SIO_C/SIO_D go to the I2C pins (GPIO 3/2).
/// </summary>
public sealed record Ov7670Pins
{
    public int Vsync { get; init; } = 17;
    /// <summary>FIFO write reset (active low).</summary>
    public int WriteReset { get; init; } = 27;
    /// <summary>FIFO write enable (active high; the module gates it with HREF).</summary>
    public int WriteEnable { get; init; } = 22;
    /// <summary>FIFO read reset (active low).</summary>
    public int ReadReset { get; init; } = 23;
    /// <summary>FIFO output enable (active low).</summary>
    public int OutputEnable { get; init; } = 24;
    public int ReadClock { get; init; } = 25;
    /// <summary>D0 … D7.</summary>
    public int[] Data { get; init; } = { 5, 6, 12, 13, 16, 19, 20, 26 };

    public void Validate()
    {
        if (Data.Length != 8) throw new ArgumentException($"the FIFO has 8 data lines, {Data.Length} given");
        var all = Data.Concat(new[] { Vsync, WriteReset, WriteEnable, ReadReset, OutputEnable, ReadClock }).ToArray();
        if (all.Any(p => p < 0)) throw new ArgumentException("pin numbers must not be negative");
        if (all.Distinct().Count() != all.Length) throw new ArgumentException("two OV7670 signals share a pin");
    }
}
