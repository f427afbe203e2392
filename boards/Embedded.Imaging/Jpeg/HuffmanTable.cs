using System;

namespace Embedded.Imaging.Jpeg;

/// <summary>A canonical JPEG Huffman table (T.81 annex C) with a 9-bit lookup for the common short codes.</summary>
internal sealed class HuffmanTable
{
    public const int LookupBits = 9;

    private readonly int[] _maxCode = new int[18];   // largest code of each length, −1 when none
    private readonly int[] _valueOffset = new int[17];
    private readonly byte[] _values = new byte[256];
    private int _valueCount;
    /// <summary>(length &lt;&lt; 8) | value for codes of at most LookupBits bits, 0 when longer.</summary>
    public readonly ushort[] Lookup = new ushort[1 << LookupBits];

    public HuffmanTable(ReadOnlySpan<byte> counts, ReadOnlySpan<byte> values) => Build(counts, values);

    /// <summary>An empty table to <see cref="Build"/> later (a decoder keeps one per slot across images).</summary>
    public HuffmanTable() { }

    /// <summary>(Re)builds the table from its 16 code-length counts and its values (at most 256).</summary>
    public void Build(ReadOnlySpan<byte> counts, ReadOnlySpan<byte> values)
    {
        values.CopyTo(_values);
        _valueCount = values.Length;
        Array.Clear(Lookup, 0, Lookup.Length);
        int code = 0, k = 0;
        for (int length = 1; length <= 16; length++)
        {
            _valueOffset[length] = k - code;
            for (int i = 0; i < counts[length - 1]; i++, k++, code++)
            {
                // Checked per code, before the lookup is written: an over-full length would index past it.
                if (code >= 1 << length) throw new ImageFormatException("JPEG: Huffman table has more codes than its lengths allow");
                if (length <= LookupBits)
                {
                    int shift = LookupBits - length;
                    for (int fill = 0; fill < 1 << shift; fill++)
                        Lookup[(code << shift) | fill] = (ushort)((length << 8) | values[k]);
                }
            }
            _maxCode[length] = counts[length - 1] > 0 ? code - 1 : -1;
            if (code > 1 << length) throw new ImageFormatException("JPEG: Huffman table has more codes than its lengths allow");
            code <<= 1;
        }
        _maxCode[17] = int.MaxValue;
    }

    /// <summary>Decodes the value of a code longer than LookupBits, reading bits one at a time (T.81 F.2.2.3).</summary>
    public int DecodeSlow(ref BitReader bits, int code, int length)
    {
        while (length < 16 && code > _maxCode[length])
        {
            code = (code << 1) | bits.ReadBit();
            length++;
        }
        if (code > _maxCode[length]) throw new ImageFormatException($"JPEG: invalid Huffman code in the scan at byte {bits.Position}");
        int index = _valueOffset[length] + code;
        if ((uint)index >= (uint)_valueCount) throw new ImageFormatException($"JPEG: invalid Huffman code in the scan at byte {bits.Position}");
        return _values[index];
    }
}
