namespace Embedded.Boards.Emulation;

/// <summary>What an emulated OV7670 + FIFO module does wrong (for <c>Count</c> occurrences, then it works again).</summary>
public enum Ov7670Fault
{
    None,
    I2cNack,
    /// <summary>Another sensor answers: chip id 0x2642.</summary>
    WrongChipId,
    /// <summary>VSYNC stays low: a capture never completes.</summary>
    NoVsync,
    /// <summary>Nothing answers: no VSYNC, I2C never acknowledges.</summary>
    Unplugged,
}
