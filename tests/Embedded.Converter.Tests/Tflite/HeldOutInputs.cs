using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Embedded.Converter.Tests.Support;
using Embedded.Imaging;
using Embedded.Imaging.Jpeg;

namespace Embedded.Converter.Tests.Tflite;

/// <summary>The 8 held-out inputs of Tflite/HeldOut/README.md, rebuilt at a model's input size.</summary>
internal static class HeldOutInputs
{
    public const int Count = 8;

    public static IReadOnlyList<(string Name, byte[] Pixels)> Build(int size)
    {
        var golden = File.ReadAllLines(SharedFixtures.Fixture("golden", "manifest.csv")).Skip(1).Select(l => l.Split(',')[0]).ToHashSet();
        var dev = File.ReadAllLines(SharedFixtures.Fixture("images", "imagenet-dev", "manifest.csv")).Skip(1)
            .Select(l => l.Split(',')[0]).Where(f => !golden.Contains(f)).ToArray();
        var inputs = new List<(string, byte[])>();
        for (int i = 0; i < 6; i++)
        {
            string file = dev[i * dev.Length / 6];
            var image = JpegDecoder.Decode(File.ReadAllBytes(SharedFixtures.Fixture("images", "imagenet-dev", file)));
            inputs.Add((file, ClassifierInput.Prepare(image, size, size)));
        }
        var noise = new byte[size * size * 3];
        new Random(1234).NextBytes(noise);
        inputs.Add(("noise", noise));
        var stripes = new byte[size * size * 3];
        for (int y = 0; y < size; y++)
        for (int x = 0; x < size; x++)
        for (int c = 0; c < 3; c++)
            stripes[(y * size + x) * 3 + c] = (byte)((x * 255 / (size - 1) + c * 85 + ((y / 8) % 2) * 128) & 255);
        inputs.Add(("stripes", stripes));
        return inputs;
    }
}
