using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Embedded.Imaging;

namespace Embedded.Boards.Emulation;

/// <summary>What an emulated sensor "sees": an image, with its original file bytes when they are a JPEG.</summary>
public sealed class Scene
{
    private RgbImage? _image;
    private readonly Func<RgbImage> _decode;

    public string Name { get; }
    /// <summary>The original JPEG stream, served as-is by an emulated JPEG encoder; null for other images.</summary>
    public byte[]? Jpeg { get; }

    public Scene(string name, byte[] fileBytes)
    {
        Name = name;
        if (Imaging.Jpeg.JpegDecoder.IsJpeg(fileBytes)) Jpeg = fileBytes;
        _decode = () => ImageLoader.Decode(fileBytes);
    }

    public Scene(string name, RgbImage image)
    {
        Name = name;
        _image = image;
        _decode = () => image;
    }

    /// <summary>The decoded pixels (decoded on first use, then kept).</summary>
    public RgbImage Image => _image ??= _decode();
}

/// <summary>The scenes an emulator shows, one per capture, in order and then from the start again.</summary>
public sealed class SceneSet
{
    private readonly IReadOnlyList<Func<Scene>> _scenes;
    private int _next;
    private Scene? _upcoming;

    public SceneSet(IReadOnlyList<Func<Scene>> scenes)
    {
        if (scenes.Count == 0) throw new ArgumentException("an emulated camera needs at least one scene", nameof(scenes));
        _scenes = scenes;
    }

    public int Count => _scenes.Count;

    /// <summary>Every image file of a folder (sorted by name), read when its turn comes so large sets cost no memory.</summary>
    public static SceneSet FromDirectory(string directory)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"scene folder {directory} does not exist");
        var files = Directory.GetFiles(directory).Where(ImageLoader.IsImageFile).OrderBy(f => f, StringComparer.Ordinal).ToArray();
        if (files.Length == 0) throw new FileNotFoundException($"no images (JPEG, PNG, PPM/PGM, BMP) in {directory}");
        return new SceneSet(files.Select(f => (Func<Scene>)(() => new Scene(Path.GetFileName(f), File.ReadAllBytes(f)))).ToArray());
    }

    public static SceneSet Of(params Scene[] scenes) => new(scenes.Select(s => (Func<Scene>)(() => s)).ToArray());

    /// <summary>The scene the next capture will show (a camera simulation sizes the sensor window to it).</summary>
    public Scene Peek() => _upcoming ??= _scenes[_next]();

    /// <summary>The scene for the next capture.</summary>
    public Scene Next()
    {
        var scene = Peek();
        _upcoming = null;
        _next = (_next + 1) % _scenes.Count;
        return scene;
    }
}
