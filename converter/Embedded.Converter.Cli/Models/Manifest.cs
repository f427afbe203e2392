using System;
using System.Collections.Generic;
using System.IO;

namespace Embedded.Converter.Cli.Models;

/// <summary>manifest.csv (file,wnid,class_index_1000,class_index_1001): the true class of each image file.</summary>
internal static class Manifest
{
    /// <summary>
    /// The true class of each listed file. ImageNet manifests carry both numberings (class_index_1000 and
    /// class_index_1001, the latter with a background class 0); another model's manifest has a 'class_index' column.
    /// A model whose class count matches no column, or a class outside the model's range, is refused: it would
    /// otherwise score 0 % without a word.
    /// </summary>
    public static Dictionary<string, int> Read(string path, int classes)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"manifest {path} does not exist (give --manifest CSV)", path);
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0) throw new FormatException($"{path}: empty manifest");
        var header = lines[0].Split(',');
        int file = Array.IndexOf(header, "file");
        string column = classes switch { 1001 => "class_index_1001", 1000 => "class_index_1000", _ => "class_index" };
        int index = Array.IndexOf(header, column);
        if (file < 0) throw new FormatException($"{path}: needs a 'file' column");
        if (index < 0)
            throw new ArgumentException($"{path} has no '{column}' column for a {classes}-class model (its columns: {string.Join(", ", header)}); " +
                "ImageNet manifests fit 1000- and 1001-class models, another model's manifest needs 'file,class_index'");
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length == 0) continue;
            var parts = lines[i].Split(',');
            if (parts.Length <= Math.Max(index, file) || !int.TryParse(parts[index], out int label))
                throw new FormatException($"{path} line {i + 1}: malformed row '{lines[i]}'");
            if (label < 0 || label >= classes) throw new ArgumentException($"{path} line {i + 1}: class {label} is outside the model's {classes} classes");
            result[parts[file]] = label;
        }
        return result;
    }
}
