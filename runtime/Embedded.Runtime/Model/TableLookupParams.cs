using Embedded.Runtime.Format;

namespace Embedded.Runtime.Model;

/// <summary>
/// Elementwise function of an 8-bit tensor as 256-entry tables built at conversion time. With T tables over
/// C channels (T divides C), channel c uses table c / (C / T); entry i is the output for input byte pattern
/// i − 128 (int8) or i (uint8).
/// </summary>
public sealed class TableLookupParams : OperatorParams
{
    public const int EntriesPerTable = 256;
    public const int MaxTables = 4096;

    public int TableCount { get; init; } = 1;
    /// <summary>TableCount × 256 output bytes (reinterpret as int8 for int8 outputs).</summary>
    public required byte[] Tables { get; init; }

    internal override void Write(BinarySink sink)
    {
        sink.WriteCount(TableCount);
        sink.WriteBytes(Tables);
    }

    internal static TableLookupParams Read(BinaryCursor c)
    {
        int count = c.ReadCount("tableCount", MaxTables, EntriesPerTable);
        if (count == 0) throw c.Error("tableCount", "at least one table is required");
        return new TableLookupParams { TableCount = count, Tables = c.ReadBytes("tables", count * EntriesPerTable) };
    }
}
