using Embedded.Runtime.Format;
using Embedded.Runtime.Quantization;

namespace Embedded.Runtime.Model;

/// <summary>Encodings shared by several parameter records: multiplier arrays, int arrays, padding.</summary>
internal static class ParamEncoding
{
    /// <summary>Upper bound on per-channel arrays (channels of any real CNN are far below it).</summary>
    public const int MaxChannels = 1 << 16;

    public static void WriteMultipliers(BinarySink sink, QuantizedMultiplier[] values)
    {
        sink.WriteCount(values.Length);
        foreach (var m in values)
        {
            sink.WriteInt32(m.Multiplier);
            sink.WriteInt32(m.Shift);
        }
    }

    public static QuantizedMultiplier[] ReadMultipliers(BinaryCursor cursor, string field)
    {
        int count = cursor.ReadCount(field + ".count", MaxChannels, 8);
        var result = new QuantizedMultiplier[count];
        for (int i = 0; i < count; i++)
        {
            long offset = cursor.FileOffset;
            var m = new QuantizedMultiplier(cursor.ReadInt32($"{field}[{i}].multiplier"), cursor.ReadInt32($"{field}[{i}].shift"));
            if (!m.IsValid)
                throw new ModelFormatException($"{field}[{i}]", $"invalid fixed-point multiplier {m.Multiplier} with shift {m.Shift} (need multiplier in [2^30, 2^31) and shift in [{QuantizedMultiplier.MinShift}, {QuantizedMultiplier.MaxShift}], or 0/0)", offset);
            result[i] = m;
        }
        return result;
    }

    public static void WriteInts(BinarySink sink, int[] values)
    {
        sink.WriteCount(values.Length);
        sink.WriteInt32Array(values);
    }

    public static int[] ReadInts(BinaryCursor cursor, string field, int max = MaxChannels)
    {
        int count = cursor.ReadCount(field + ".count", max, 4);
        return cursor.ReadInt32Array(field, count);
    }

    public static RoundingMode ReadRounding(BinaryCursor cursor, string field) =>
        cursor.ReadEnum<RoundingMode>(field, v => v <= (byte)RoundingMode.SingleRounding);
}
