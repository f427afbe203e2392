using System;
using System.Linq;
using Embedded.Boards.Frames;
using Embedded.Boards.Tests.Support;
using Embedded.Imaging;
using Embedded.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Boards.Tests.Frames;

[TestClass]
public sealed class FramePreprocessorTests
{
    [TestMethod]
    public void JpegFrame_GivesTheSamePixelsAsTheImageFile()
    {
        var jpeg = TestScenes.TinyJpeg;
        var frame = new Frame();
        jpeg.CopyTo(frame.Reset(PixelFormat.Jpeg, 0, 0, jpeg.Length, TimeSpan.Zero, "x"));
        var pixels = new byte[224 * 224 * 3];
        new FramePreprocessor(224, 224).Prepare(frame, pixels);
        CollectionAssert.AreEqual(ClassifierInput.Prepare(ImageLoader.Decode(jpeg), 224, 224), pixels);
    }

    /// <summary>
    /// JPEG frames (ArduCam, MJPEG cameras) decode into buffers kept across frames: after the first frame of a size,
    /// preparing one allocates nothing, and one preprocessor taking all 200 dev images in turn (every size, sampling
    /// and coding among them) gives the pixels of decoding each file afresh — no state leaks from frame to frame.
    /// </summary>
    [TestMethod]
    public void JpegFrames_DecodeIntoKeptBuffers_AllocateNothing_AndMatchTheFiles()
    {
        var files = System.IO.Directory.GetFiles(Embedded.Converter.Tests.Support.SharedFixtures.Fixture("images", "imagenet-dev"), "*.JPEG");
        Array.Sort(files, StringComparer.Ordinal);
        var pre = new FramePreprocessor(224, 224);
        var frame = new Frame();
        var pixels = new byte[224 * 224 * 3];
        var expected = new byte[224 * 224 * 3];
        for (int i = 0; i < files.Length; i++)
        {
            string file = files[i];
            var jpeg = System.IO.File.ReadAllBytes(file);
            // The frame buffer is larger than the JPEG (as after a bigger frame): only its first Length bytes are the image.
            var padded = frame.Reset(PixelFormat.Jpeg, 0, 0, jpeg.Length + 4096, TimeSpan.Zero, "x");
            padded.Fill(0xFF);
            jpeg.CopyTo(padded);
            frame.Truncate(jpeg.Length);
            pre.Prepare(frame, pixels);
            var image = ImageLoader.Load(file);
            ClassifierInput.Prepare(image, 224, 224).CopyTo(expected, 0);
            CollectionAssert.AreEqual(expected, pixels, System.IO.Path.GetFileName(file));
            Assert.AreEqual((image.Width, image.Height), (frame.Width, frame.Height));
            if (i % 25 == 0) Assert.AreEqual(0L, Allocations.SteadyState(() => pre.Prepare(frame, pixels)), $"{System.IO.Path.GetFileName(file)}: allocated per frame");
        }
    }

    [TestMethod]
    public void RawFrames_MatchConvertingFirst_AndAllocateNothing()
    {
        var image = TestScenes.Pattern(301, 207);
        var frame = new Frame();
        var rgb565 = new byte[301 * 207 * 2];
        PixelConversion.FromRgb24ToRgb565(image.Pixels, rgb565);
        rgb565.CopyTo(frame.Reset(PixelFormat.Rgb565, 301, 207, rgb565.Length, TimeSpan.Zero, ""));
        var pre = new FramePreprocessor(96, 96);
        var pixels = new byte[96 * 96 * 3];
        pre.Prepare(frame, pixels);
        var rgb = new byte[301 * 207 * 3];
        PixelConversion.ToRgb24(PixelFormat.Rgb565, rgb565, 301, 207, rgb);
        CollectionAssert.AreEqual(ClassifierInput.Prepare(new RgbImage(301, 207, rgb), 96, 96), pixels);
        long allocated = Allocations.SteadyState(() => pre.Prepare(frame, pixels));
        Assert.AreEqual(0L, allocated, "a raw frame of the same size allocates nothing");
    }

    [TestMethod]
    public void PixelFormats_ConvertAsDocumented()
    {
        var rgb = new byte[3];
        PixelConversion.ToRgb24(PixelFormat.Rgb565, new byte[] { 0xF8, 0x1F }, 1, 1, rgb);   // red 31, green 0, blue 31
        CollectionAssert.AreEqual(new byte[] { 255, 0, 255 }, rgb);
        var two = new byte[6];
        PixelConversion.ToRgb24(PixelFormat.Yuyv, new byte[] { 76, 85, 29, 255 }, 2, 1, two);
        var expected = new byte[3];
        YCbCr.ToRgb(76, 85, 255, expected);
        CollectionAssert.AreEqual(expected, two[..3]);
        PixelConversion.ToRgb24(PixelFormat.Gray8, new byte[] { 7 }, 1, 1, rgb);
        CollectionAssert.AreEqual(new byte[] { 7, 7, 7 }, rgb);
        Assert.ThrowsExactly<ArgumentException>(() => PixelConversion.ToRgb24(PixelFormat.Rgb565, new byte[3], 2, 1, two), "a truncated frame is refused");
    }
}
