using System;
using System.IO;
using System.IO.Compression;

namespace Embedded.Imaging.Png;

/// <summary>
/// Writes 8-bit RGB PNG files (one IDAT, filter "none", zlib through the BCL's deflate): for annotated images a user
/// looks at, not for size. Checksums per the PNG specification (CRC-32 of each chunk, Adler-32 of the zlib stream).
/// </summary>
public static class PngEncoder
{
    private static readonly uint[] CrcTable = BuildCrcTable();

    public static byte[] Encode(RgbImage image)
    {
        using var file = new MemoryStream();
        file.Write(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, 0, 8);
        var header = new byte[13];
        WriteBigEndian(header, 0, (uint)image.Width);
        WriteBigEndian(header, 4, (uint)image.Height);
        header[8] = 8;  // bits per sample
        header[9] = 2;  // colour type RGB
        WriteChunk(file, "IHDR", header);
        WriteChunk(file, "IDAT", Zlib(image));
        WriteChunk(file, "IEND", Array.Empty<byte>());
        return file.ToArray();
    }

    private static byte[] Zlib(RgbImage image)
    {
        int row = image.Width * 3;
        var raw = new byte[(row + 1) * image.Height];
        for (int y = 0; y < image.Height; y++)
            Buffer.BlockCopy(image.Pixels, y * row, raw, y * (row + 1) + 1, row);
        using var zlib = new MemoryStream();
        zlib.WriteByte(0x78);
        zlib.WriteByte(0x9C);
        using (var deflate = new DeflateStream(zlib, CompressionLevel.Fastest, leaveOpen: true)) deflate.Write(raw, 0, raw.Length);
        var adler = new byte[4];
        WriteBigEndian(adler, 0, Adler32(raw));
        zlib.Write(adler, 0, 4);
        return zlib.ToArray();
    }

    private static void WriteChunk(Stream file, string type, byte[] data)
    {
        var head = new byte[8];
        WriteBigEndian(head, 0, (uint)data.Length);
        for (int i = 0; i < 4; i++) head[4 + i] = (byte)type[i];
        file.Write(head, 0, 8);
        file.Write(data, 0, data.Length);
        uint crc = 0xFFFFFFFF;
        for (int i = 4; i < 8; i++) crc = CrcTable[(crc ^ head[i]) & 0xFF] ^ (crc >> 8);
        foreach (byte b in data) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        var tail = new byte[4];
        WriteBigEndian(tail, 0, crc ^ 0xFFFFFFFF);
        file.Write(tail, 0, 4);
    }

    private static uint Adler32(byte[] data)
    {
        uint a = 1, b = 0;
        foreach (byte d in data) { a = (a + d) % 65521; b = (b + a) % 65521; }
        return (b << 16) | a;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }

    private static void WriteBigEndian(byte[] target, int at, uint value)
    {
        target[at] = (byte)(value >> 24); target[at + 1] = (byte)(value >> 16); target[at + 2] = (byte)(value >> 8); target[at + 3] = (byte)value;
    }
}
