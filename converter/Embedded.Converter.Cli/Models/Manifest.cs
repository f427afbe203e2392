using System;
using System.Collections.Generic;
using System.IO;

namespace Embedded.Converter.Cli.Models;

/// <summary>manifest.csv (file,wnid,class_index_1000,class_index_1001): the true class of each image file.</summary>
internal static class Manifest
{
    public static Dictionary<string, int> Read(string path, int classes)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0) throw new FormatException($"{path}: empty manifest");
        var header = lines[0].Split(',');
        string column = classes == 1001 ? "class_index_1001" : "class_index_1000";
        int index = Array.IndexOf(header, column);
        int file = Array.IndexOf(header, "file");
        if (index < 0 || file < 0) throw new FormatException($"{path}: needs the columns 'file' and '{column}'");
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Trim().Length == 0) continue;
            var parts = lines[i].Split(',');
            if (parts.Length <= Math.Max(index, file) || !int.TryParse(parts[index], out int label))
                throw new FormatException($"{path} line {i + 1}: malformed row '{lines[i]}'");
            result[parts[file]] = label;
        }
        return result;
    }

}
