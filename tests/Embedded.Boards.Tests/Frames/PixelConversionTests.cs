using System;
using Embedded.Boards.Frames;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Boards.Tests.Frames;

[TestClass]
public sealed class PixelConversionTests
{
    /// <summary>
    /// I420 as rpicam-vid writes it: BT.601 limited range (16 is black, 235 white, the primaries where the standard
    /// puts them), each chroma sample shared by a 2×2 block, odd sizes rounding the chroma planes up.
    /// </summary>
    [TestMethod]
    public void Yuv420_IsBt601LimitedRange_WithEachChromaSampleSharedByItsBlock()
    {
        var rgb = new byte[3];
        PixelConversion.LimitedRangeToRgb(16, 128, 128, rgb);
        CollectionAssert.AreEqual(new byte[] { 0, 0, 0 }, rgb);
        PixelConversion.LimitedRangeToRgb(235, 128, 128, rgb);
        CollectionAssert.AreEqual(new byte[] { 255, 255, 255 }, rgb);
        foreach (var (y, u, v, expected) in new[] { (81, 90, 240, new[] { 255, 0, 0 }), (145, 54, 34, new[] { 0, 255, 0 }), (41, 240, 110, new[] { 0, 0, 255 }) })
        {
            PixelConversion.LimitedRangeToRgb((byte)y, (byte)u, (byte)v, rgb);
            for (int c = 0; c < 3; c++) Assert.IsTrue(Math.Abs(rgb[c] - expected[c]) <= 2, $"Y{y} U{u} V{v} → {rgb[0]},{rgb[1]},{rgb[2]}");
        }

        // 3×3: Y plane 9 bytes, then U and V planes of 2×2; pixel (2, 2) takes chroma sample (1, 1).
        Assert.AreEqual(9 + 4 + 4, PixelFormats.FrameBytes(PixelFormat.Yuv420, 3, 3));
        var frame = new byte[17];
        for (int i = 0; i < 9; i++) frame[i] = 126;
        byte[] us = { 128, 128, 128, 240 }, vs = { 128, 128, 128, 110 };
        us.CopyTo(frame, 9);
        vs.CopyTo(frame, 13);
        var image = new byte[27];
        PixelConversion.ToRgb24(PixelFormat.Yuv420, frame, 3, 3, image);
        Assert.AreEqual(image[0], image[2], "pixel (0,0) is grey");
        Assert.IsTrue(image[3 * 8 + 2] > image[3 * 8], "pixel (2,2) is blue-ish: chroma sample (1,1)");
        Assert.AreEqual(image[3 * 7], image[3 * 6], "pixels (0,2) and (1,2) share chroma sample (0,1)");
    }
}
