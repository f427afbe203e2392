using System;

namespace Embedded.Imaging.Formats;

/// <summary>Binary PPM (P6) and PGM (P5), 8- or 16-bit samples (16-bit scaled to 8 by the maxval), comments allowed.</summary>
public static class PnmDecoder
{
    public static bool IsPnm(ReadOnlySpan<byte> data) => data.Length >= 2 && data[0] == 'P' && (data[1] == '5' || data[1] == '6');

    public static RgbImage Decode(byte[] data)
    {
        if (!IsPnm(data)) throw new ImageFormatException("PNM: not a binary PPM/PGM file (P5/P6)");
        bool color = data[1] == '6';
        int pos = 2;
        int width = ReadNumber(data, ref pos, "width"), height = ReadNumber(data, ref pos, "height"), maxval = ReadNumber(data, ref pos, "maxval");
        if (pos >= data.Length || !IsSpace(data[pos])) throw new ImageFormatException("PNM: header must end with one whitespace byte");
        pos++;
        ImageLimits.Check("PNM", width, height);
        if (maxval < 1 || maxval > 65535) throw new ImageFormatException($"PNM: maxval {maxval} outside 1..65535");
        int channels = color ? 3 : 1, bytesPerSample = maxval > 255 ? 2 : 1;
        long needed = (long)width * height * channels * bytesPerSample;
        if (data.Length - pos < needed) throw new ImageFormatException($"PNM: {data.Length - pos} bytes of pixel data, {needed} expected (truncated)");
        var rgb = new byte[width * height * 3];
        for (int p = 0; p < width * height; p++)
        for (int c = 0; c < 3; c++)
        {
            int sampleIndex = p * channels + (color ? c : 0);
            int v = bytesPerSample == 1 ? data[pos + sampleIndex] : (data[pos + 2 * sampleIndex] << 8) | data[pos + 2 * sampleIndex + 1];
            rgb[p * 3 + c] = (byte)(maxval == 255 ? v : (v * 255 + maxval / 2) / maxval);
        }
        return new RgbImage(width, height, rgb);
    }

    private static bool IsSpace(byte b) => b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\v' || b == '\f';

    private static int ReadNumber(byte[] data, ref int pos, string what)
    {
        while (pos < data.Length && (IsSpace(data[pos]) || data[pos] == '#'))
        {
            if (data[pos] == '#') while (pos < data.Length && data[pos] != '\n') pos++;
            else pos++;
        }
        long value = 0;
        int start = pos;
        while (pos < data.Length && data[pos] >= '0' && data[pos] <= '9' && pos - start < 9) value = value * 10 + (data[pos++] - '0');
        if (pos == start) throw new ImageFormatException($"PNM: missing {what} in the header");
        return (int)value;
    }
}
