using System;
using System.IO;
using System.Linq;

namespace Embedded.Runtime.Execution;

/// <summary>
/// A class-name file: one label per line, line i naming class i; trailing empty lines are not labels. Shared by
/// `emb convert/classify --labels`, `emb deploy --labels` and `emb-board run --labels`.
/// </summary>
public static class LabelFile
{
    /// <summary>Label files are short lines per class; anything bigger is the wrong file, refused before reading it.</summary>
    public const long MaxBytes = 4L << 20;

    /// <summary>
    /// Reads <paramref name="path"/>; with <paramref name="classes"/> ≥ 0 the number of labels must equal it.
    /// Missing file: <see cref="FileNotFoundException"/>; empty, oversized or miscounted: <see cref="ArgumentException"/>.
    /// </summary>
    public static string[] Read(string path, int classes = -1)
    {
        var file = new FileInfo(path);
        if (!file.Exists) throw new FileNotFoundException($"label file {file.FullName} does not exist", file.FullName);
        if (file.Length > MaxBytes) throw new ArgumentException($"label file {file.FullName} is {file.Length} bytes; expected one short line per class");
        var lines = File.ReadAllLines(file.FullName);
        int count = lines.Length;
        while (count > 0 && lines[count - 1].Length == 0) count--;
        if (count == 0) throw new ArgumentException($"label file {file.FullName} is empty");
        if (classes >= 0 && count != classes) throw new ArgumentException($"label file {file.Name} has {count} lines; the model has {classes} classes");
        return lines.Take(count).ToArray();
    }
}
