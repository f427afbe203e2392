using System;

namespace Embedded.Boards.Drivers.Ov7670;

/// <summary>
/// OV7670 registers the driver uses (OV7670/OV7171 datasheet v1.4; "OV7670 Implementation Guide" v1.0).
/// The output window is HSTART/HSTOP (11 bits: 8 high bits + HREF[2:0]/HREF[5:3]) and VSTRT/VSTOP
/// (10 bits: 8 high bits + VREF[1:0]/VREF[3:2]); the horizontal counter wraps at 784.
/// </summary>
public static class Ov7670
{
    public const int Address = 0x21;
    public const byte ProductId = 0x0A, Version = 0x0B;
    public const byte ExpectedProductId = 0x76, ExpectedVersion = 0x73;
    public const byte VRef = 0x03;
    public const byte Com3 = 0x0C;
    public const byte ClockControl = 0x11;
    /// <summary>COM7: bit 7 reset, bit 4 QVGA, bit 2 RGB (with COM15), 0 = YUV.</summary>
    public const byte Com7 = 0x12;
    public const byte Com7Reset = 0x80, Com7Qvga = 0x10, Com7Rgb = 0x04;
    public const byte HStart = 0x17, HStop = 0x18, VStart = 0x19, VStop = 0x1A;
    public const byte HRef = 0x32;
    /// <summary>TSLB: bit 3 selects the YUYV byte order together with COM13.</summary>
    public const byte Tslb = 0x3A;
    /// <summary>COM15: bits 7:6 output range (11 = full 0–255), bits 5:4 RGB variant (01 = RGB565).</summary>
    public const byte Com15 = 0x40;
    public const byte Com15Rgb565FullRange = 0xD0;

    public const int ArrayWidth = 640, ArrayHeight = 480;
    public const int HorizontalWrap = 784;
    /// <summary>First active column and line of the VGA window (the Implementation Guide's VGA settings).</summary>
    public const int FirstColumn = 158, FirstLine = 10;

    /// <summary>The (register, value) pairs of an output window of <paramref name="width"/> × <paramref name="height"/>, centered on the VGA array.</summary>
    public static byte[] WindowTable(int width, int height)
    {
        if (width < 2 || height < 2 || width > ArrayWidth || height > ArrayHeight)
            throw new ArgumentOutOfRangeException(nameof(width), $"OV7670 window {width}×{height}: at most {ArrayWidth}×{ArrayHeight}");
        int hs = FirstColumn + (ArrayWidth - width) / 2, he = (hs + width) % HorizontalWrap;
        int vs = FirstLine + (ArrayHeight - height) / 2, ve = vs + height;
        return new byte[]
        {
            HStart, (byte)(hs >> 3), HStop, (byte)(he >> 3), HRef, (byte)(0x80 | (he & 7) << 3 | (hs & 7)),
            VStart, (byte)(vs >> 2), VStop, (byte)(ve >> 2), VRef, (byte)((ve & 3) << 2 | (vs & 3)),
        };
    }

    /// <summary>The window size the registers describe (what <see cref="WindowTable"/> wrote).</summary>
    public static (int width, int height) WindowSize(ReadOnlySpan<byte> registers)
    {
        int hs = registers[HStart] << 3 | (registers[HRef] & 7), he = registers[HStop] << 3 | (registers[HRef] >> 3 & 7);
        int vs = registers[VStart] << 2 | (registers[VRef] & 3), ve = registers[VStop] << 2 | (registers[VRef] >> 2 & 3);
        return ((he - hs + HorizontalWrap) % HorizontalWrap, ve - vs);
    }
}
