using System;

namespace Embedded.Imaging;

/// <summary>
/// Full-range (JFIF / BT.601) YCbCr → RGB in libjpeg's fixed point with 16-bit tables: what the JPEG decoder uses,
/// and what camera YUV 4:2:2 frames are converted with, so both give the same pixels for the same samples.
/// </summary>
public static class YCbCr
{
    private const int ScaleBits = 16;
    private const int OneHalf = 1 << (ScaleBits - 1);
    private static readonly int[] CrR = new int[256], CbB = new int[256], CrG = new int[256], CbG = new int[256];

    static YCbCr()
    {
        static int Fix(double x) => (int)(x * (1 << ScaleBits) + 0.5);
        for (int i = 0; i < 256; i++)
        {
            int x = i - 128;
            CrR[i] = (Fix(1.40200) * x + OneHalf) >> ScaleBits;
            CbB[i] = (Fix(1.77200) * x + OneHalf) >> ScaleBits;
            CrG[i] = -Fix(0.71414) * x;
            CbG[i] = -Fix(0.34414) * x + OneHalf;
        }
    }

    /// <summary>Writes R, G, B of one sample into <paramref name="rgb"/>[0..3).</summary>
    public static void ToRgb(byte y, byte cb, byte cr, Span<byte> rgb)
    {
        rgb[0] = Clamp(y + CrR[cr]);
        rgb[1] = Clamp(y + ((CbG[cb] + CrG[cr]) >> ScaleBits));
        rgb[2] = Clamp(y + CbB[cb]);
    }

    private static byte Clamp(int v) => (byte)(v < 0 ? 0 : v > 255 ? 255 : v);
}
