using System;
using System.Collections.Generic;
using System.IO;
using Embedded.Imaging.Jpeg;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Imaging.Tests;

/// <summary>
/// A JPEG header may promise any size up to the image limits; the decoder allocates its coefficients only when the rest
/// of the file could hold them (at least one bit per block). Found by fuzzing: a 589-byte file declaring thousands of
/// pixels a side asked for hundreds of megabytes.
/// </summary>
[TestClass]
public sealed class JpegHeaderLimitTests
{
    [TestMethod]
    [DataRow(8000, 8000)]
    [DataRow(4096, 64)]
    public void AHeaderPromisingMoreBlocksThanTheFileHasBits_IsRefusedBeforeAllocating(int width, int height)
    {
        byte[] jpeg = HeaderOnly(width, height);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ImageFormatException>(() => JpegDecoder.Decode(jpeg));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        StringAssert.Contains(e.Message, $"a {width}×{height} image needs at least");
        Assert.IsLessThan(1 << 20, allocated, "refused before the coefficient planes were allocated");
    }

    [TestMethod]
    public void TheFuzzersFile_IsRefused()
    {
        string path = Path.Combine(Embedded.Converter.Tests.Support.SharedFixtures.Repository, "fuzz", "regressions", "jpeg", "header-promises-more-blocks-than-data.jpg");
        var e = Assert.Throws<ImageFormatException>(() => JpegDecoder.Decode(File.ReadAllBytes(path)));
        StringAssert.Contains(e.Message, "needs at least");
    }

    [TestMethod]
    public void RealImages_StillDecode()
    {
        foreach (string name in new[] { "s420.jpg", "gray.progressive.jpg", "s444.progressive-restart.jpg" })
            Assert.IsGreaterThan(0, JpegDecoder.Decode(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Data", name))).Width, name);
    }

    /// <summary>SOI, a baseline SOF0 of three 1×1-sampled components, EOI: a header and no scan.</summary>
    private static byte[] HeaderOnly(int width, int height)
    {
        var b = new List<byte> { 0xFF, 0xD8, 0xFF, 0xC0, 0x00, 17, 8, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 3 };
        for (int c = 1; c <= 3; c++) b.AddRange(new byte[] { (byte)c, 0x11, 0 });
        b.AddRange(new byte[] { 0xFF, 0xD9 });
        return b.ToArray();
    }
}
