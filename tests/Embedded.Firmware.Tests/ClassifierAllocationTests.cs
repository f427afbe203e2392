using System;
using System.IO;
using Embedded.Boards.Frames;
using Embedded.Converter.Tests.Support;
using Embedded.Firmware.Classification;
using Embedded.Imaging;
using Embedded.Runtime.Execution;
using Embedded.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Firmware.Tests;

/// <summary>
/// The classifier loop allocates nothing per frame for any camera's frames: JPEG (ArduCam, USB and libcamera MJPEG),
/// YUV 4:2:0 (libcamera), YUYV (USB, OV7670), RGB565 (ArduCam, OV7670) — preprocessing, inference and scoring.
/// </summary>
[TestClass]
public sealed class ClassifierAllocationTests
{
    [TestMethod]
    public void Classify_AllocatesNothingPerFrame_ForEveryFrameFormat()
    {
        var model = EmbeddedModel.Load(Path.Combine(CameraAgreementTests.RepoRoot(), "firmware", "samples", "models", "mobilenet_v3_small_int8.emb"));
        using var classifier = new FrameClassifier(model, threads: 1);
        var files = Directory.GetFiles(SharedFixtures.Fixture("images", "imagenet-dev"), "*.JPEG");
        Array.Sort(files, StringComparer.Ordinal);
        byte[] jpeg = File.ReadAllBytes(files[0]);
        var image = ImageLoader.Decode(jpeg);
        var top = new int[3];
        foreach (var format in new[] { PixelFormat.Jpeg, PixelFormat.Yuv420, PixelFormat.Yuyv, PixelFormat.Rgb565 })
        {
            var frame = new Frame();
            if (format == PixelFormat.Jpeg) jpeg.CopyTo(frame.Reset(PixelFormat.Jpeg, 0, 0, jpeg.Length, TimeSpan.Zero, "jpeg"));
            else
            {
                int bytes = (int)PixelFormats.FrameBytes(format, image.Width, image.Height);
                var data = frame.Reset(format, image.Width, image.Height, bytes, TimeSpan.Zero, format.ToString());
                for (int i = 0; i < bytes; i++) data[i] = image.Pixels[i % image.Pixels.Length];
            }
            classifier.Classify(frame, top);
            var f = frame;
            long allocated = Allocations.SteadyState(() => classifier.Classify(f, top));
            Assert.AreEqual(0L, allocated, $"{format}: {allocated} bytes per frame");
        }
    }
}
