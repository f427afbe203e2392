using System;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

public static partial class TableLookup
{
    /// <summary>
    /// The table lookup off the reference path: one table over the whole tensor on NEON as TBL/TBX over the 256 entries
    /// held in sixteen registers (sixteen bytes a step), on AVX-512 VBMI as two VPERMI2B (64 bytes a step); otherwise element by element with a running channel counter
    /// instead of the reference's two divisions per element. The same bytes as <see cref="Reference"/>, in place too.
    /// </summary>
    public static void Fast(KernelPath path, QuantizedInput input, QuantizedOutput output, TableLookupParams p)
    {
        int count = input.Bytes.Length;
        if (output.Bytes.Length < count) throw new ArgumentException("Table lookup output is shorter than its input.", nameof(output));
        int channels = input.Channels, channelsPerTable = channels / p.TableCount;
        int offset = input.Type == ElementType.Int8 ? 128 : 0;
        ReadOnlySpan<byte> tables = p.Tables;
        int i = 0;
#if NET
        if (p.TableCount == 1 && path.UsesNeon()) i = LookupNeon(input.Bytes, output.Bytes, tables, (byte)offset);
        else if (p.TableCount == 1 && VbmiReady(path)) i = LookupVbmi(input.Bytes, output.Bytes, tables, (byte)offset);
#endif
        if (p.TableCount == 1)
        {
            for (; i < count; i++) output.Bytes[i] = tables[input.Bytes[i] ^ offset];
            return;
        }
        int c = 0, table = 0, left = channelsPerTable;
        for (; i < count; i++)
        {
            output.Bytes[i] = tables[table * TableLookupParams.EntriesPerTable + ((input.Bytes[i] + offset) & 0xFF)];
            if (--left == 0) { left = channelsPerTable; table++; }
            if (++c == channels) { c = 0; table = 0; left = channelsPerTable; }
        }
    }
}
