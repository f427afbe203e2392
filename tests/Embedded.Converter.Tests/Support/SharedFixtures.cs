using System;
using System.IO;

namespace Embedded.Converter.Tests.Support;

/// <summary>
/// Locates ../shared (models, images, goldens) beside the repository root: walks up from the test assembly to
/// the folder holding Embedded.sln. A missing fixture fails the test loudly — it is never skipped.
/// </summary>
internal static class SharedFixtures
{
    private static readonly Lazy<string> Root = new(Find);
    private static readonly Lazy<string> RepositoryRoot = new(FindRepository);

    /// <summary>The repository root: the folder holding Embedded.sln above the test assembly.</summary>
    public static string Repository => RepositoryRoot.Value;

    private static string FindRepository()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Embedded.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException($"no Embedded.sln above {AppContext.BaseDirectory}: cannot find the repository root");
    }

    private static string Find()
    {
        string shared = Path.GetFullPath(Path.Combine(Repository, "..", "shared"));
        if (!Directory.Exists(shared)) throw new InvalidOperationException($"the shared fixtures folder {shared} is missing (it must sit beside the repository root)");
        return shared;
    }

    public static string Fixture(params string[] parts) => Require(Path.Combine(Root.Value, Path.Combine(parts)));

    public static string Require(string path)
    {
        if (!File.Exists(path) && !Directory.Exists(path)) throw new InvalidOperationException($"shared fixture {path} is missing");
        return path;
    }

    public static string Model(string file) => Fixture("models", file);

    /// <summary>The first 32 dev images' names (without extension) from golden/manifest.csv.</summary>
    public static string[] GoldenNames()
    {
        var lines = File.ReadAllLines(Fixture("golden", "manifest.csv"));
        var names = new string[lines.Length - 1];
        for (int i = 1; i < lines.Length; i++) names[i - 1] = Path.GetFileNameWithoutExtension(lines[i].Split(',')[0]);
        return names;
    }

    public static float[] ReadFloats(string path)
    {
        var bytes = File.ReadAllBytes(Require(path));
        var floats = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, floats, 0, floats.Length * 4);
        return floats;
    }
}
