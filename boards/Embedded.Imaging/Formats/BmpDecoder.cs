using System;
using System.Buffers.Binary;

namespace Embedded.Imaging.Formats;

/// <summary>
/// Windows BMP: BITMAPINFOHEADER and later headers, uncompressed 1/4/8-bit palette, 24- and 32-bit BGR(A),
/// 16/32-bit BI_BITFIELDS masks, bottom-up or top-down rows. RLE compression is rejected with a clear error.
/// </summary>
public static class BmpDecoder
{
    public static bool IsBmp(ReadOnlySpan<byte> data) => data.Length >= 2 && data[0] == 'B' && data[1] == 'M';

    public static RgbImage Decode(byte[] data)
    {
        if (!IsBmp(data) || data.Length < 26) throw new ImageFormatException("BMP: not a BMP file (or shorter than its headers)");
        var span = data.AsSpan();
        uint pixelOffset = BinaryPrimitives.ReadUInt32LittleEndian(span.Slice(10));
        int headerSize = BinaryPrimitives.ReadInt32LittleEndian(span.Slice(14));
        // In 64 bits: a header size near 2^31 must not wrap around and pass (found by fuzzing).
        if (headerSize < 40 || 14L + headerSize > data.Length) throw new ImageFormatException($"BMP: header size {headerSize} is unsupported or runs past the file");
        int width = BinaryPrimitives.ReadInt32LittleEndian(span.Slice(18));
        int rawHeight = BinaryPrimitives.ReadInt32LittleEndian(span.Slice(22));
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(span.Slice(28));
        int compression = BinaryPrimitives.ReadInt32LittleEndian(span.Slice(30));
        uint colorsUsed = BinaryPrimitives.ReadUInt32LittleEndian(span.Slice(46));
        bool topDown = rawHeight < 0;
        long height = Math.Abs((long)rawHeight);
        ImageLimits.Check("BMP", width, height);
        if (compression != 0 && compression != 3) throw new ImageFormatException($"BMP: compression {compression} (RLE/JPEG/PNG) is not supported");
        if (bits != 1 && bits != 4 && bits != 8 && bits != 16 && bits != 24 && bits != 32) throw new ImageFormatException($"BMP: {bits} bits per pixel is not supported");

        uint rMask = 0x00FF0000, gMask = 0x0000FF00, bMask = 0x000000FF;
        if (bits == 16) { rMask = 0x7C00; gMask = 0x03E0; bMask = 0x001F; }
        if (compression == 3)
        {
            int maskAt = headerSize >= 52 ? 14 + 40 : 14 + headerSize;
            if (maskAt + 12 > data.Length || (bits != 16 && bits != 32)) throw new ImageFormatException("BMP: bit-field masks missing or used with an unsupported depth");
            rMask = BinaryPrimitives.ReadUInt32LittleEndian(span.Slice(maskAt));
            gMask = BinaryPrimitives.ReadUInt32LittleEndian(span.Slice(maskAt + 4));
            bMask = BinaryPrimitives.ReadUInt32LittleEndian(span.Slice(maskAt + 8));
        }

        byte[]? palette = null;
        if (bits <= 8)
        {
            int entries = colorsUsed == 0 ? 1 << bits : (int)Math.Min(colorsUsed, 256u);
            int paletteAt = 14 + headerSize;
            if (paletteAt + entries * 4 > data.Length) throw new ImageFormatException("BMP: the palette runs past the end of the file");
            palette = new byte[256 * 3];
            for (int i = 0; i < entries; i++)
            {
                palette[3 * i] = data[paletteAt + 4 * i + 2];
                palette[3 * i + 1] = data[paletteAt + 4 * i + 1];
                palette[3 * i + 2] = data[paletteAt + 4 * i];
            }
        }
        long rowBytes = ((long)width * bits + 31) / 32 * 4;
        if (pixelOffset > data.Length || data.Length - pixelOffset < rowBytes * height) throw new ImageFormatException("BMP: pixel data is truncated");
        var rgb = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        {
            int row = (int)(pixelOffset + (topDown ? y : height - 1 - y) * rowBytes);
            for (int x = 0; x < width; x++)
            {
                int o = (int)((y * width + x) * 3);
                switch (bits)
                {
                    case 24: rgb[o] = data[row + 3 * x + 2]; rgb[o + 1] = data[row + 3 * x + 1]; rgb[o + 2] = data[row + 3 * x]; break;
                    case 32:
                    case 16:
                    {
                        uint v = bits == 32 ? BinaryPrimitives.ReadUInt32LittleEndian(span.Slice(row + 4 * x)) : BinaryPrimitives.ReadUInt16LittleEndian(span.Slice(row + 2 * x));
                        rgb[o] = Channel(v, rMask); rgb[o + 1] = Channel(v, gMask); rgb[o + 2] = Channel(v, bMask);
                        break;
                    }
                    default:
                    {
                        int perByte = 8 / bits;
                        int index = (data[row + x / perByte] >> ((perByte - 1 - x % perByte) * bits)) & ((1 << bits) - 1);
                        rgb[o] = palette![3 * index]; rgb[o + 1] = palette[3 * index + 1]; rgb[o + 2] = palette[3 * index + 2];
                        break;
                    }
                }
            }
        }
        return new RgbImage(width, (int)height, rgb);
    }

    /// <summary>Extracts a masked channel and scales it to 8 bits.</summary>
    private static byte Channel(uint value, uint mask)
    {
        if (mask == 0) return 0;
        int shift = 0;
        while (((mask >> shift) & 1) == 0) shift++;
        uint max = mask >> shift;
        uint v = (value & mask) >> shift;
        return (byte)((v * 255 + max / 2) / max);
    }
}
