using System;

namespace Embedded.Boards.V4L2;

/// <summary>A V4L2 pixel format code: four ASCII characters, the first in the low byte (v4l2_fourcc).</summary>
public readonly record struct FourCC(uint Value)
{
    public static readonly FourCC Yuyv = From("YUYV");
    public static readonly FourCC Mjpeg = From("MJPG");
    /// <summary>Some drivers (older UVC, bcm2835-v4l2) name their JPEG stream "JPEG".</summary>
    public static readonly FourCC Jpeg = From("JPEG");

    public static FourCC From(string code)
    {
        if (code is null || code.Length != 4) throw new ArgumentException($"a FourCC has four characters, not '{code}'", nameof(code));
        return new FourCC((uint)(code[0] | code[1] << 8 | code[2] << 16 | code[3] << 24));
    }

    public bool IsJpeg => this == Mjpeg || this == Jpeg;

    public override string ToString()
    {
        Span<char> text = stackalloc char[4];
        for (int i = 0; i < 4; i++)
        {
            char c = (char)((Value >> (8 * i)) & 0xFF);
            text[i] = c is >= ' ' and <= '~' ? c : '?';
        }
        return text.ToString();
    }
}
