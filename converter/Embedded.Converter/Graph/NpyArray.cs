using System;
using System.Buffers.Binary;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace Embedded.Converter.Graph;

/// <summary>A little-endian float32, C-order NumPy array file (.npy, format 1.0–3.0): shape and values.</summary>
public static class NpyArray
{
    public static (int[] shape, float[] values) ReadFloats(byte[] file, string what)
    {
        if (file.Length < 10 || file[0] != 0x93 || Encoding.ASCII.GetString(file, 1, 5) != "NUMPY") throw new GraphException($"{what}: not a .npy file");
        int major = file[6];
        int headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(8)) : (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(8)), int.MaxValue);
        int headerStart = major == 1 ? 10 : 12;
        if (major is < 1 or > 3 || headerStart + (long)headerLength > file.Length) throw new GraphException($"{what}: .npy header outside the file");
        string header = Encoding.ASCII.GetString(file, headerStart, headerLength);
        string descr = Regex.Match(header, @"'descr':\s*'([^']*)'").Groups[1].Value;
        if (descr != "<f4") throw new GraphException($"{what}: element type '{descr}' is not little-endian float32 ('<f4')");
        if (Regex.IsMatch(header, @"'fortran_order':\s*True")) throw new GraphException($"{what}: Fortran-order arrays are not supported");
        var shapeText = Regex.Match(header, @"'shape':\s*\(([^)]*)\)").Groups[1].Value;
        var shape = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(d => int.TryParse(d, out int v) && v >= 0 ? v : throw new GraphException($"{what}: dimension '{d}'")).ToArray();
        long count = shape.Aggregate(1L, (a, d) => a * d);
        int data = headerStart + headerLength;
        if (count * 4 != file.Length - data) throw new GraphException($"{what}: {file.Length - data} data bytes for shape ({string.Join(",", shape)})");
        var values = new float[count];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(file.AsSpan(data + 4 * i));
        return (shape, values);
    }
}
