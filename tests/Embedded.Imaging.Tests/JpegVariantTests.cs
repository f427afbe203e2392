using System;
using System.IO;
using System.Linq;
using Embedded.Imaging.Formats;
using Embedded.Imaging.Jpeg;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Imaging.Tests;

/// <summary>Progressive and restart-marker JPEGs against libjpeg's own decode (see Data/README.md).</summary>
[TestClass]
public sealed class JpegVariantTests
{
    private static string Data(string file) => Path.Combine(AppContext.BaseDirectory, "Data", file);

    [TestMethod]
    [DataRow("s420")]
    [DataRow("s422")]
    [DataRow("gray")]
    [DataRow("s444")]
    public void EveryVariant_DecodesExactlyLikeDjpeg(string name)
    {
        var reference = PnmDecoder.Decode(File.ReadAllBytes(Data(name + ".djpeg.ppm")));
        foreach (string variant in new[] { "", ".progressive", ".restart", ".progressive-restart" })
        {
            var image = JpegDecoder.Decode(File.ReadAllBytes(Data(name + variant + ".jpg")));
            Assert.AreEqual(reference.Width, image.Width, variant);
            Assert.AreEqual(reference.Height, image.Height, variant);
            int differing = reference.Pixels.Zip(image.Pixels, (a, b) => a != b ? 1 : 0).Sum();
            Assert.AreEqual(0, differing, $"{name}{variant}: {differing} samples differ from libjpeg");
        }
    }
}
