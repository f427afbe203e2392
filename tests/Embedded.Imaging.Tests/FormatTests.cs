using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using Embedded.Converter.Tests.Support;
using Embedded.Imaging;
using Embedded.Imaging.Formats;
using Embedded.Imaging.Jpeg;
using Embedded.Imaging.Png;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Imaging.Tests;

[TestClass]
public sealed class FormatTests
{
    private static byte[] RandomRgb(Random r, int w, int h) { var p = new byte[w * h * 3]; r.NextBytes(p); return p; }

    // ---- PNG: an independent minimal encoder (filter 0..4 chosen per line, optional Adam7) -------------------

    private static byte[] Chunk(string type, byte[] body)
    {
        var typeBytes = Encoding.ASCII.GetBytes(type);
        var chunk = new byte[12 + body.Length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)body.Length);
        typeBytes.CopyTo(chunk, 4);
        body.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + body.Length), PngDecoder.Crc(chunk.AsSpan(4, 4 + body.Length)));
        return chunk;
    }

    /// <summary>samples[y][x][c] at the given depth; encodes the scanlines with filter (y % 5).</summary>
    private static byte[] EncodePng(int w, int h, int colorType, int depth, Func<int, int, int, int> sample, bool interlace, byte[]? palette = null)
    {
        int channels = colorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, _ => 4 };
        var raw = new MemoryStream();
        void Pass(int x0, int y0, int dx, int dy)
        {
            int pw = (w - x0 + dx - 1) / dx, ph = (h - y0 + dy - 1) / dy;
            if (pw <= 0 || ph <= 0) return;
            int bpp = channels * depth, stride = (pw * bpp + 7) / 8, bytesPerPixel = Math.Max(1, bpp / 8);
            var prev = new byte[stride];
            for (int y = 0; y < ph; y++)
            {
                var line = new byte[stride];
                for (int x = 0; x < pw; x++)
                for (int c = 0; c < channels; c++)
                {
                    int v = sample(x0 + x * dx, y0 + y * dy, c), index = x * channels + c;
                    if (depth == 16) { line[2 * index] = (byte)(v >> 8); line[2 * index + 1] = (byte)v; }
                    else if (depth == 8) line[index] = (byte)v;
                    else { int perByte = 8 / depth; line[index / perByte] |= (byte)(v << ((perByte - 1 - index % perByte) * depth)); }
                }
                int filter = y % 5;
                raw.WriteByte((byte)filter);
                for (int i = 0; i < stride; i++)
                {
                    int a = i >= bytesPerPixel ? line[i - bytesPerPixel] : 0, b = prev[i], c = i >= bytesPerPixel ? prev[i - bytesPerPixel] : 0;
                    int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
                    int predictor = filter switch { 0 => 0, 1 => a, 2 => b, 3 => (a + b) / 2, _ => pa <= pb && pa <= pc ? a : pb <= pc ? b : c };
                    raw.WriteByte((byte)(line[i] - predictor));
                }
                prev = line;
            }
        }
        if (interlace) foreach (var (x0, y0, dx, dy) in new[] { (0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2) }) Pass(x0, y0, dx, dy);
        else Pass(0, 0, 1, 1);
        var zlib = new MemoryStream();
        using (var z = new ZLibStream(zlib, CompressionLevel.Optimal, leaveOpen: true)) z.Write(raw.ToArray());
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)w);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), (uint)h);
        ihdr[8] = (byte)depth; ihdr[9] = (byte)colorType; ihdr[12] = (byte)(interlace ? 1 : 0);
        var file = new MemoryStream();
        file.Write(new byte[] { 137, 80, 78, 71, 13, 10, 26, 10 });
        file.Write(Chunk("IHDR", ihdr));
        if (palette is not null) file.Write(Chunk("PLTE", palette));
        file.Write(Chunk("IDAT", zlib.ToArray()));
        file.Write(Chunk("IEND", Array.Empty<byte>()));
        return file.ToArray();
    }

    [TestMethod]
    public void Png_AllColourTypesDepthsAndInterlacing_DecodeExactly()
    {
        var random = new Random(90);
        foreach (bool interlace in new[] { false, true })
        foreach (var (colorType, depth) in new[] { (0, 1), (0, 2), (0, 4), (0, 8), (0, 16), (2, 8), (2, 16), (3, 1), (3, 2), (3, 4), (3, 8), (4, 8), (4, 16), (6, 8), (6, 16) })
        {
            int w = random.Next(1, 20), h = random.Next(1, 20);
            int max = (1 << depth) - 1;
            var values = new int[w, h, 4];
            for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) for (int c = 0; c < 4; c++) values[x, y, c] = random.Next(max + 1);
            byte[]? palette = null;
            if (colorType == 3) { palette = new byte[3 << depth]; random.NextBytes(palette); }
            var png = EncodePng(w, h, colorType, depth, (x, y, c) => values[x, y, c], interlace, palette);
            var image = PngDecoder.Decode(png);
            for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            for (int c = 0; c < 3; c++)
            {
                int expected = colorType switch
                {
                    0 or 4 => depth == 16 ? values[x, y, 0] >> 8 : depth == 8 ? values[x, y, 0] : values[x, y, 0] * 255 / max,
                    3 => palette![3 * values[x, y, 0] + c],
                    _ => depth == 16 ? values[x, y, c] >> 8 : values[x, y, c],
                };
                Assert.AreEqual(expected, image.Pixels[(y * w + x) * 3 + c], $"type {colorType} depth {depth} interlace {interlace} at {x},{y},{c}");
            }
        }
    }

    [TestMethod]
    public void Ppm_Pgm_AndBmp_DecodeExactly()
    {
        var random = new Random(91);
        int w = 7, h = 5;
        var rgb = RandomRgb(random, w, h);
        var ppm = Encoding.ASCII.GetBytes($"P6\n# comment\n{w} {h}\n255\n").Concat(rgb).ToArray();
        CollectionAssert.AreEqual(rgb, ImageLoader.Decode(ppm).Pixels);
        var gray = rgb.Where((_, i) => i % 3 == 0).ToArray();
        var pgm = Encoding.ASCII.GetBytes($"P5 {w} {h} 255 ").Concat(gray).ToArray();
        CollectionAssert.AreEqual(gray.SelectMany(g => new[] { g, g, g }).ToArray(), ImageLoader.Decode(pgm).Pixels);

        foreach (bool topDown in new[] { false, true })
        {
            int rowBytes = (w * 3 + 3) / 4 * 4;
            var bmp = new byte[54 + rowBytes * h];
            bmp[0] = (byte)'B'; bmp[1] = (byte)'M';
            BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(2), bmp.Length);
            BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(10), 54);
            BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 40);
            BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), w);
            BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), topDown ? -h : h);
            BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(26), 1);
            BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(28), 24);
            for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int row = topDown ? y : h - 1 - y, o = 54 + row * rowBytes + 3 * x, p = (y * w + x) * 3;
                bmp[o] = rgb[p + 2]; bmp[o + 1] = rgb[p + 1]; bmp[o + 2] = rgb[p];
            }
            CollectionAssert.AreEqual(rgb, ImageLoader.Decode(bmp).Pixels, $"topDown {topDown}");
        }
    }

    /// <summary>Every format: truncation and random damage give ImageFormatException (or a decoded image), never anything else.</summary>
    [TestMethod]
    [Timeout(300_000)]
    public void CorruptOrTruncatedFiles_FailCleanly()
    {
        var random = new Random(92);
        var jpeg = File.ReadAllBytes(SharedFixtures.Fixture("images", "imagenet-dev", "n01440764_tench.JPEG"));
        var png = EncodePng(13, 9, 2, 8, (x, y, c) => (x * 17 + y * 5 + c * 40) & 255, interlace: true);
        var samples = new (string name, byte[] data, int step)[] { ("jpeg", jpeg, 97), ("png", png, 1) };
        foreach (var (name, data, step) in samples)
        {
            for (int length = 0; length < data.Length - 1; length += length > data.Length - 300 ? 1 : step)
                AssertCleanFailure(data.Take(length).ToArray(), $"{name} truncated to {length}", mustFail: true);
            for (int trial = 0; trial < 300; trial++)
            {
                var damaged = (byte[])data.Clone();
                for (int k = 0; k < 1 + trial % 5; k++) damaged[random.Next(damaged.Length)] = (byte)random.Next(256);
                AssertCleanFailure(damaged, $"{name} damage trial {trial}", mustFail: false);
            }
        }
        AssertCleanFailure(new byte[] { 1, 2, 3 }, "unknown format", mustFail: true);
        AssertCleanFailure(Encoding.ASCII.GetBytes("P6 100000 100000 255\n"), "huge PPM", mustFail: true);
    }

    private static void AssertCleanFailure(byte[] data, string what, bool mustFail)
    {
        try
        {
            ImageLoader.Decode(data);
            if (mustFail) Assert.Fail($"{what}: decoded");
        }
        catch (ImageFormatException) { }
        catch (Exception e) { Assert.Fail($"{what}: {e.GetType().Name}: {e.Message}"); }
    }

    [TestMethod]
    public void AllDevImages_Decode_IncludingGrayscaleAnd422()
    {
        int count = 0;
        foreach (var path in Directory.GetFiles(SharedFixtures.Fixture("images", "imagenet-dev"), "*.JPEG"))
        {
            var image = JpegDecoder.Decode(File.ReadAllBytes(path));
            Assert.IsTrue(image.Width > 0 && image.Height > 0);
            count++;
        }
        Assert.AreEqual(200, count);
    }
}
