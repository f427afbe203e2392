using System;
using System.IO;
using System.Linq;
using Embedded.Converter.Tests.Support;
using Embedded.Imaging;
using Embedded.Imaging.Jpeg;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Imaging.Tests;

/// <summary>JPEG decode → resize 256 → center crop 224 against the golden inputs made with Pillow.</summary>
[TestClass]
public sealed class GoldenPreprocessingTests
{
    [TestMethod]
    public void DecodeResizeCrop_MatchesPillowGoldens()
    {
        long total = 0, sum = 0;
        int max = 0, exactImages = 0;
        foreach (string name in SharedFixtures.GoldenNames())
        {
            var jpeg = File.ReadAllBytes(SharedFixtures.Fixture("images", "imagenet-dev", name + ".JPEG"));
            var golden = File.ReadAllBytes(SharedFixtures.Fixture("golden", "inputs", name + ".u8"));
            var image = Resampler.ResizeShorterSideAndCrop(JpegDecoder.Decode(jpeg), 256, 224, 224);
            Assert.AreEqual(golden.Length, image.Pixels.Length);
            int imageMax = 0;
            for (int i = 0; i < golden.Length; i++)
            {
                int d = Math.Abs(golden[i] - image.Pixels[i]);
                sum += d;
                imageMax = Math.Max(imageMax, d);
            }
            total += golden.Length;
            max = Math.Max(max, imageMax);
            if (imageMax == 0) exactImages++;
        }
        Console.WriteLine($"pipeline vs golden inputs: mean |Δ| {(double)sum / total:F4}, max |Δ| {max}, {exactImages}/32 images identical");
        Assert.IsTrue(max <= 2, $"max pixel difference {max}");
    }
}
