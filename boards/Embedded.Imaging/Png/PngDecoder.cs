using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using System.Text;

namespace Embedded.Imaging.Png;

/// <summary>
/// PNG: every colour type (grey, RGB, palette, grey+alpha, RGBA) and bit depth (1–16), Adam7 interlacing,
/// chunk CRCs and the zlib Adler-32 checked. Alpha is dropped and 16-bit samples keep their high byte, as
/// Pillow's convert("RGB") does.
/// </summary>
public static class PngDecoder
{
    private static readonly byte[] Signature = { 137, 80, 78, 71, 13, 10, 26, 10 };

    public static bool IsPng(ReadOnlySpan<byte> data) => data.Length >= 8 && data.Slice(0, 8).SequenceEqual(Signature);

    public static RgbImage Decode(byte[] data)
    {
        if (!IsPng(data)) throw new ImageFormatException("PNG: missing signature (not a PNG file)");
        int pos = 8, width = 0, height = 0, depth = 0, colorType = -1, interlace = 0;
        byte[]? palette = null;
        var idat = new MemoryStream();
        bool end = false;
        while (!end)
        {
            if (pos + 12 > data.Length) throw new ImageFormatException($"PNG: the file ends inside a chunk header at byte {pos} (truncated)");
            uint length = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(pos));
            string type = Encoding.ASCII.GetString(data, pos + 4, 4);
            if (length > int.MaxValue || pos + 12 + (long)length > data.Length) throw new ImageFormatException($"PNG: chunk {type} of {length} bytes runs past the end of the file (truncated)");
            var body = data.AsSpan(pos + 8, (int)length);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(pos + 8 + (int)length));
            if (Crc(data.AsSpan(pos + 4, 4 + (int)length)) != crc) throw new ImageFormatException($"PNG: CRC mismatch in chunk {type} at byte {pos}");
            switch (type)
            {
                case "IHDR":
                    if (length != 13) throw new ImageFormatException("PNG: IHDR must be 13 bytes");
                    width = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(body), int.MaxValue);
                    height = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(body.Slice(4)), int.MaxValue);
                    depth = body[8]; colorType = body[9]; interlace = body[12];
                    ImageLimits.Check("PNG", width, height);
                    if (body[10] != 0 || body[11] != 0 || interlace > 1) throw new ImageFormatException("PNG: unknown compression, filter or interlace method");
                    if (!ValidDepth(colorType, depth)) throw new ImageFormatException($"PNG: colour type {colorType} with bit depth {depth} is invalid");
                    break;
                case "PLTE":
                    if (length % 3 != 0 || length > 768) throw new ImageFormatException("PNG: palette length is invalid");
                    palette = body.ToArray();
                    break;
                case "IDAT":
                    if (colorType < 0) throw new ImageFormatException("PNG: IDAT before IHDR");
                    idat.Write(data, pos + 8, (int)length);
                    break;
                case "IEND":
                    end = true;
                    break;
            }
            pos += 12 + (int)length;
        }
        if (colorType < 0) throw new ImageFormatException("PNG: no IHDR chunk");
        if (colorType == 3 && palette is null) throw new ImageFormatException("PNG: palette image without a PLTE chunk");
        int channels = colorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, _ => 4 };
        int bitsPerPixel = channels * depth;
        byte[] raw = Inflate(idat.ToArray(), ExpectedBytes(width, height, bitsPerPixel, interlace == 1));
        var rgb = new byte[width * height * 3];
        if (interlace == 0) Unfilter(raw, 0, width, height, bitsPerPixel, (x, y, line, px) => Store(rgb, width, x, y, line, px, depth, colorType, palette));
        else
        {
            int offset = 0;
            foreach (var (x0, y0, dx, dy) in Adam7)
            {
                int pw = (width - x0 + dx - 1) / dx, ph = (height - y0 + dy - 1) / dy;
                if (pw <= 0 || ph <= 0) continue;
                offset = Unfilter(raw, offset, pw, ph, bitsPerPixel, (x, y, line, px) => Store(rgb, width, x0 + x * dx, y0 + y * dy, line, px, depth, colorType, palette));
            }
        }
        return new RgbImage(width, height, rgb);
    }

    private static readonly (int x0, int y0, int dx, int dy)[] Adam7 = { (0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2) };

    private static bool ValidDepth(int colorType, int depth) => colorType switch
    {
        0 => depth is 1 or 2 or 4 or 8 or 16,
        3 => depth is 1 or 2 or 4 or 8,
        2 or 4 or 6 => depth is 8 or 16,
        _ => false,
    };

    private static long ExpectedBytes(int width, int height, int bpp, bool interlaced)
    {
        if (!interlaced) return (long)height * (1 + ((long)width * bpp + 7) / 8);
        long total = 0;
        foreach (var (x0, y0, dx, dy) in Adam7)
        {
            long pw = (width - x0 + dx - 1) / dx, ph = (height - y0 + dy - 1) / dy;
            if (pw > 0 && ph > 0) total += ph * (1 + (pw * bpp + 7) / 8);
        }
        return total;
    }

    private const long MaxDeflateRatio = 1032;

    private static byte[] Inflate(byte[] zlib, long expected)
    {
        if (zlib.Length < 6) throw new ImageFormatException("PNG: image data is missing or truncated");
        if ((zlib[0] & 0x0F) != 8 || ((zlib[0] << 8) | zlib[1]) % 31 != 0 || (zlib[1] & 0x20) != 0) throw new ImageFormatException("PNG: invalid zlib header");
        // Deflate expands at most 1032:1: a header promising more than the data can hold is refused before the
        // output is allocated (a 60-byte file must not allocate half a gigabyte).
        if (expected > MaxDeflateRatio * (long)zlib.Length + 1024) throw new ImageFormatException($"PNG: {zlib.Length} bytes of image data cannot hold the {expected} bytes the header promises (truncated)");
        var output = new byte[expected];
        int read = 0;
        try
        {
            using var inflater = new DeflateStream(new MemoryStream(zlib, 2, zlib.Length - 2), CompressionMode.Decompress);
            while (read < output.Length)
            {
                int n = inflater.Read(output, read, output.Length - read);
                if (n == 0) break;
                read += n;
            }
        }
        catch (InvalidDataException e)
        {
            throw new ImageFormatException($"PNG: corrupt compressed data ({e.Message})");
        }
        if (read != output.Length) throw new ImageFormatException($"PNG: image data holds {read} bytes, {output.Length} expected (truncated)");
        uint adler = BinaryPrimitives.ReadUInt32BigEndian(zlib.AsSpan(zlib.Length - 4));
        if (Adler32(output) != adler) throw new ImageFormatException("PNG: Adler-32 mismatch in the image data");
        return output;
    }

    private delegate void PixelSink(int x, int y, byte[] line, int pixel);

    /// <summary>Reverses the per-line filters (None, Sub, Up, Average, Paeth) and hands each pixel to <paramref name="sink"/>.</summary>
    private static int Unfilter(byte[] raw, int offset, int width, int height, int bpp, PixelSink sink)
    {
        int stride = (width * bpp + 7) / 8, bytesPerPixel = Math.Max(1, bpp / 8);
        var previous = new byte[stride];
        var line = new byte[stride];
        for (int y = 0; y < height; y++)
        {
            int filter = raw[offset++];
            Array.Copy(raw, offset, line, 0, stride);
            offset += stride;
            for (int i = 0; i < stride; i++)
            {
                int a = i >= bytesPerPixel ? line[i - bytesPerPixel] : 0, b = previous[i], c = i >= bytesPerPixel ? previous[i - bytesPerPixel] : 0;
                line[i] = filter switch
                {
                    0 => line[i],
                    1 => (byte)(line[i] + a),
                    2 => (byte)(line[i] + b),
                    3 => (byte)(line[i] + (a + b) / 2),
                    4 => (byte)(line[i] + Paeth(a, b, c)),
                    _ => throw new ImageFormatException($"PNG: unknown filter type {filter}"),
                };
            }
            for (int x = 0; x < width; x++) sink(x, y, line, x);
            (previous, line) = (line, previous);
        }
        return offset;
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static int Sample(byte[] line, int index, int depth)
    {
        if (depth == 8) return line[index];
        if (depth == 16) return line[2 * index];
        int perByte = 8 / depth;
        return (line[index / perByte] >> ((perByte - 1 - index % perByte) * depth)) & ((1 << depth) - 1);
    }

    private static void Store(byte[] rgb, int width, int x, int y, byte[] line, int pixel, int depth, int colorType, byte[]? palette)
    {
        int o = (y * width + x) * 3;
        switch (colorType)
        {
            case 0:
            case 4:
            {
                int g = Sample(line, pixel * (colorType == 4 ? 2 : 1), depth);
                byte v = depth >= 8 ? (byte)g : (byte)(g * 255 / ((1 << depth) - 1));
                rgb[o] = rgb[o + 1] = rgb[o + 2] = v;
                break;
            }
            case 3:
            {
                int index = Sample(line, pixel, depth);
                if (3 * index + 2 >= palette!.Length) throw new ImageFormatException($"PNG: palette index {index} beyond the {palette.Length / 3}-entry palette");
                rgb[o] = palette[3 * index]; rgb[o + 1] = palette[3 * index + 1]; rgb[o + 2] = palette[3 * index + 2];
                break;
            }
            default:
            {
                int channels = colorType == 2 ? 3 : 4;
                for (int c = 0; c < 3; c++) rgb[o + c] = (byte)Sample(line, pixel * channels + c, depth);
                break;
            }
        }
    }

    private static readonly uint[] CrcTable = BuildCrc();

    private static uint[] BuildCrc()
    {
        var t = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }

    internal static uint Crc(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFFu;
        foreach (byte b in data) c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }

    internal static uint Adler32(ReadOnlySpan<byte> data)
    {
        uint a = 1, b = 0;
        foreach (byte x in data) { a = (a + x) % 65521; b = (b + a) % 65521; }
        return (b << 16) | a;
    }
}
