using System;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

/// <summary>256-entry table lookup: any elementwise function of an 8-bit tensor, computed at conversion time.</summary>
public static partial class TableLookup
{
    /// <summary>out[i] = table[c / (C / T)][x − min(type)] with c the channel (last dimension) of element i. Safe in place.</summary>
    public static void Reference(QuantizedInput input, QuantizedOutput output, TableLookupParams p)
    {
        int channels = input.Channels;
        int channelsPerTable = channels / p.TableCount;
        int offset = input.Type == ElementType.Int8 ? 128 : 0;
        int count = input.Bytes.Length;
        ReadOnlySpan<byte> tables = p.Tables;
        for (int i = 0; i < count; i++)
        {
            int table = i % channels / channelsPerTable;
            output.Bytes[i] = tables[table * TableLookupParams.EntriesPerTable + input[i] + offset];
        }
    }
}
