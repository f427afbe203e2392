using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using Embedded.Imaging.Png;

namespace Embedded.Fuzz.Targets;

/// <summary>
/// Rewrites a PNG's checksums to match its bytes — each chunk's CRC-32, and the Adler-32 that ends the IDAT zlib
/// stream when the stream inflates — so mutations reach the decoder's parsing instead of stopping at a checksum
/// (what libpng's fuzzer does too). The checksum tests themselves are unit tests.
/// </summary>
internal static class PngChecksums
{
    public static byte[] Repair(byte[] input)
    {
        var data = (byte[])input.Clone();
        if (!PngDecoder.IsPng(data)) return data;
        var idat = new MemoryStream();
        int lastIdat = -1;
        for (int pos = 8; pos + 12 <= data.Length;)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(pos));
            if (length > int.MaxValue || pos + 12 + (long)length > data.Length) break;
            if (data.AsSpan(pos + 4, 4).SequenceEqual("IDAT"u8)) { idat.Write(data, pos + 8, (int)length); lastIdat = pos; }
            pos += 12 + (int)length;
        }
        FixAdler(data, idat.ToArray(), lastIdat);
        for (int pos = 8; pos + 12 <= data.Length;)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(pos));
            if (length > int.MaxValue || pos + 12 + (long)length > data.Length) break;
            BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(pos + 8 + (int)length), PngDecoder.Crc(data.AsSpan(pos + 4, 4 + (int)length)));
            pos += 12 + (int)length;
        }
        return data;
    }

    /// <summary>Puts the Adler-32 of what the zlib stream inflates to in its last four bytes (the end of the last IDAT).</summary>
    private static void FixAdler(byte[] data, byte[] zlib, int lastIdat)
    {
        if (lastIdat < 0 || zlib.Length < 6) return;
        int lastLength = (int)BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(lastIdat));
        if (lastLength < 4) return;
        var inflated = new MemoryStream();
        try
        {
            using var inflater = new DeflateStream(new MemoryStream(zlib, 2, zlib.Length - 2), CompressionMode.Decompress);
            var buffer = new byte[4096];
            int n;
            // Bounded: the decoder refuses images above ImageLimits long before this.
            while ((n = inflater.Read(buffer, 0, buffer.Length)) > 0 && inflated.Length < 64 << 20) inflated.Write(buffer, 0, n);
        }
        catch (InvalidDataException)
        {
            return;
        }
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(lastIdat + 8 + lastLength - 4), PngDecoder.Adler32(inflated.GetBuffer().AsSpan(0, (int)inflated.Length)));
    }
}
