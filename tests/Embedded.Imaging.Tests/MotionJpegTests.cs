using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Embedded.Converter.Tests.Support;
using Embedded.Imaging.Jpeg;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Imaging.Tests;

/// <summary>
/// USB webcams' MJPEG frames carry no DHT segment. Shared images that were encoded with the annex K.3 tables serve as
/// the check: their DHT bytes must equal the decoder's built-in tables, and without DHT they must decode identically.
/// </summary>
[TestClass]
public sealed class MotionJpegTests
{
    /// <summary>The DHT payload libjpeg writes for the standard tables (DC0, AC0, DC1, AC1).</summary>
    private static byte[] StandardDhtPayload() =>
        Table(0x00, StandardHuffmanTables.DcLuminanceCounts, StandardHuffmanTables.DcValues)
        .Concat(Table(0x10, StandardHuffmanTables.AcLuminanceCounts, StandardHuffmanTables.AcLuminanceValues))
        .Concat(Table(0x01, StandardHuffmanTables.DcChrominanceCounts, StandardHuffmanTables.DcValues))
        .Concat(Table(0x11, StandardHuffmanTables.AcChrominanceCounts, StandardHuffmanTables.AcChrominanceValues)).ToArray();

    private static IEnumerable<byte> Table(byte classAndId, byte[] counts, byte[] values) => new[] { classAndId }.Concat(counts).Concat(values);

    /// <summary>The JPEG's header segments up to the first scan: (marker, offset, total length including the marker).</summary>
    private static List<(int marker, int offset, int length)> Segments(byte[] jpeg)
    {
        var segments = new List<(int, int, int)>();
        int pos = 2;
        while (pos + 4 <= jpeg.Length && jpeg[pos] == 0xFF)
        {
            int marker = jpeg[pos + 1], length = 2 + (jpeg[pos + 2] << 8 | jpeg[pos + 3]);
            segments.Add((marker, pos, length));
            if (marker == 0xDA) break;
            pos += length;
        }
        return segments;
    }

    private static byte[] WithoutDht(byte[] jpeg)
    {
        var output = new List<byte>(jpeg.Length);
        int copied = 0;
        foreach (var (marker, offset, length) in Segments(jpeg).Where(s => s.marker == 0xC4))
        {
            output.AddRange(jpeg.AsSpan(copied, offset - copied).ToArray());
            copied = offset + length;
        }
        output.AddRange(jpeg.AsSpan(copied).ToArray());
        return output.ToArray();
    }

    [TestMethod]
    public void FramesWithoutDht_DecodeWithTheStandardTables()
    {
        var standard = StandardDhtPayload();
        int matched = 0;
        foreach (var file in Directory.GetFiles(SharedFixtures.Fixture("images", "imagenet-dev"), "*.JPEG").OrderBy(f => f, StringComparer.Ordinal))
        {
            var jpeg = File.ReadAllBytes(file);
            var dht = Segments(jpeg).Where(s => s.marker == 0xC4).SelectMany(s => jpeg.AsSpan(s.offset + 4, s.length - 4).ToArray()).ToArray();
            if (!dht.AsSpan().SequenceEqual(standard)) continue;
            matched++;
            var stripped = WithoutDht(jpeg);
            Assert.IsTrue(stripped.Length < jpeg.Length - 400, "the DHT segments were removed");
            var expected = JpegDecoder.Decode(jpeg);
            var actual = JpegDecoder.Decode(stripped);
            Assert.AreEqual(expected.Width, actual.Width);
            CollectionAssert.AreEqual(expected.Pixels, actual.Pixels, Path.GetFileName(file));
        }
        // Four of the shared images were encoded with the annex K tables; none matching means the built-in tables are wrong.
        Assert.IsTrue(matched >= 4, $"only {matched} shared images carry the standard tables");
    }

    [TestMethod]
    public void ProgressiveScanWithoutDht_IsAnError()
    {
        var jpeg = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Data", "s420.progressive.jpg"));
        var error = Assert.ThrowsExactly<ImageFormatException>(() => JpegDecoder.Decode(WithoutDht(jpeg)));
        StringAssert.Contains(error.Message, "never defined");
    }
}
