namespace Embedded.Boards.Emulation;

/// <summary>What an emulated ArduCam does wrong (for <c>Count</c> occurrences, then it works again).</summary>
public enum ArduCamFault
{
    None,
    /// <summary>The OV2640 does not acknowledge I2C transfers.</summary>
    I2cNack,
    /// <summary>Another sensor answers: chip id 0x7673.</summary>
    WrongChipId,
    /// <summary>The capture-done flag never sets.</summary>
    CaptureNeverCompletes,
    /// <summary>The FIFO length reads as full (8 MiB − 1).</summary>
    FifoOverflow,
    /// <summary>The FIFO holds only the first half of the frame.</summary>
    ShortRead,
    /// <summary>The frame's first bytes are lost (a JPEG without its SOI marker).</summary>
    CorruptJpeg,
    /// <summary>Nothing answers: SPI reads zeros, I2C never acknowledges.</summary>
    Unplugged,
}
