using System;

namespace Embedded.Boards.Drivers.ArduCam;

/// <summary>
/// OV2640 registers the driver uses (OV2640 datasheet v1.6 and "OV2640 Software Application Notes"). Two banks
/// selected by writing 0xFF: 0 = DSP, 1 = sensor. Output size is the DSP zoom output ZMOW/ZMOH in units of 4 pixels.
/// </summary>
public static class Ov2640
{
    /// <summary>7-bit SCCB address (0x60 / 0x61 as 8-bit write/read addresses).</summary>
    public const int Address = 0x30;
    public const byte BankSelect = 0xFF;
    public const byte BankDsp = 0x00, BankSensor = 0x01;

    // Sensor bank.
    public const byte ClockControl = 0x11;
    /// <summary>COM7: bit 7 resets every register; bits 6:4 pick UXGA (0) / CIF / SVGA resolution.</summary>
    public const byte Com7 = 0x12;
    public const byte Com7Reset = 0x80;
    public const byte ProductIdHigh = 0x0A, ProductIdLow = 0x0B;
    public const byte ExpectedIdHigh = 0x26;
    /// <summary>OV2640 revisions report 0x41 or 0x42.</summary>
    public static bool IsKnownIdLow(byte id) => id is 0x41 or 0x42;

    // DSP bank.
    /// <summary>R_BYPASS: bit 0 set bypasses the DSP (raw sensor data; no JPEG or scaling).</summary>
    public const byte DspBypass = 0x05;
    /// <summary>Quantization scale of the JPEG encoder (lower is better quality).</summary>
    public const byte JpegQuality = 0x44;
    public const byte OutputWidth = 0x5A, OutputHeight = 0x5B, OutputSizeHigh = 0x5C;
    /// <summary>IMAGE_MODE: bit 4 JPEG output; bits 3:2 = 00 YUV422, 10 RGB565.</summary>
    public const byte ImageMode = 0xDA;
    public const byte ImageModeJpeg = 0x10, ImageModeRgb565 = 0x08, ImageModeYuv422 = 0x00;
    /// <summary>DSP reset: bit 2 JPEG, bit 4 DVP (held during configuration, released after).</summary>
    public const byte DspReset = 0xE0;
    public const byte DspResetDvpJpeg = 0x14;

    public const int MaxWidth = 1600, MaxHeight = 1200;

    /// <summary>
    /// The DSP configuration for an output format and size, as (register, value) pairs in the DSP bank:
    /// hold the DVP/JPEG blocks in reset, pick the output mode, set ZMOW/ZMOH/ZMHH, JPEG quality, release.
    /// </summary>
    public static byte[] DspTable(bool jpeg, int width, int height, byte quality = 0x0C)
    {
        if (width < 4 || height < 4 || width > MaxWidth || height > MaxHeight || width % 4 != 0 || height % 4 != 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"OV2640 output {width}×{height}: sides must be multiples of 4 up to {MaxWidth}×{MaxHeight}");
        int w = width / 4, h = height / 4;
        return new byte[]
        {
            DspBypass, 0x01,
            DspReset, DspResetDvpJpeg,
            ImageMode, jpeg ? ImageModeJpeg : ImageModeRgb565,
            OutputWidth, (byte)w,
            OutputHeight, (byte)h,
            OutputSizeHigh, (byte)(((w >> 8) & 0x03) | ((h >> 8) & 0x01) << 2),
            JpegQuality, quality,
            DspReset, 0x00,
            DspBypass, 0x00,
        };
    }
}
