using System;
using Embedded.Runtime.Building;
using Embedded.Runtime.Format;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Tests.Support;

/// <summary>Generated models shared by tests (built once per process).</summary>
internal static class Models
{
    private static readonly Lazy<byte[]> TinyBytes = new(() => ModelWriter.Write(Tiny()));
    private static readonly Lazy<byte[]> SmallBytes = new(() => ModelWriter.Write(SyntheticMobileNetV3.Build()));

    /// <summary>Every operator of the format at toy sizes (16×16 input, 10 classes): a few kilobytes.</summary>
    public static ModelDefinition Tiny(int seed = 7) => SyntheticMobileNetV3.Build(new SyntheticMobileNetV3.Options
    {
        Resolution = 16, Classes = 10, StemChannels = 8, HeadChannels = 16, HiddenChannels = 24, Blocks = SyntheticMobileNetV3.TinyBlocks, Seed = seed, Name = "tiny",
    });

    public static byte[] TinyFile => TinyBytes.Value;

    /// <summary>MobileNetV3-Small at its real sizes (224×224, 1001 classes).</summary>
    public static byte[] MobileNetV3SmallFile => SmallBytes.Value;

    /// <summary>The converted MobileNetV3-Small the repository ships (firmware/samples/models), found above the test assembly.</summary>
    public static byte[] BundledV3SmallFile => BundledBytes.Value;

    private static readonly Lazy<byte[]> BundledBytes = new(() =>
    {
        var dir = new System.IO.DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "Embedded.sln"))) dir = dir.Parent;
        if (dir is null) throw new System.IO.DirectoryNotFoundException("Embedded.sln not found above the test assembly");
        return System.IO.File.ReadAllBytes(System.IO.Path.Combine(dir.FullName, "firmware", "samples", "models", "mobilenet_v3_small_int8.emb"));
    });

    public static void FillInput(Embedded.Runtime.Execution.Interpreter interpreter, int seed)
    {
        var random = new Random(seed);
        var input = interpreter.Input(0).Bytes;
        for (int i = 0; i < input.Length; i++) input[i] = (byte)random.Next(256);
    }
}
