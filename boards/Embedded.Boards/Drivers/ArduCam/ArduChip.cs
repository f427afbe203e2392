namespace Embedded.Boards.Drivers.ArduCam;

/// <summary>
/// The ArduChip's SPI registers (ArduCAM Mini 2MP / 2MP Plus, "ArduCAM SPI Camera Hardware Application Note"):
/// a write is [0x80 | register, value], a read is [register, dummy] with the value clocked out in the second byte.
/// </summary>
public static class ArduChip
{
    public const byte WriteFlag = 0x80;

    /// <summary>Scratch register: what is written reads back — the SPI wiring check.</summary>
    public const byte Test1 = 0x00;
    /// <summary>Frames per capture minus one (bits 2:0).</summary>
    public const byte CaptureControl = 0x01;
    /// <summary>FIFO control: bit 0 clears the capture-done flag, bit 1 starts a capture, bits 4/5 reset the read/write pointers.</summary>
    public const byte Fifo = 0x04;
    public const byte FifoClear = 0x01;
    public const byte FifoStart = 0x02;
    public const byte FifoReadPointerReset = 0x10;
    public const byte FifoWritePointerReset = 0x20;
    /// <summary>Burst FIFO read: the command byte, then as many data bytes as clocked in the same chip-select.</summary>
    public const byte BurstFifoRead = 0x3C;
    public const byte SingleFifoRead = 0x3D;
    /// <summary>Chip version (read only).</summary>
    public const byte Version = 0x40;
    /// <summary>Status: bit 0 VSYNC, bit 1 shutter, bit 3 capture done.</summary>
    public const byte Status = 0x41;
    public const byte CaptureDone = 0x08;
    /// <summary>FIFO length, 23 bits over three registers (low, middle, high 7 bits).</summary>
    public const byte FifoSize1 = 0x42, FifoSize2 = 0x43, FifoSize3 = 0x44;
    public const int MaxFifoLength = 0x7FFFFF;
}
