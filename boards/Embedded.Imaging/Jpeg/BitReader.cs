namespace Embedded.Imaging.Jpeg;

/// <summary>
/// Reads entropy-coded bits, removing stuffed zero bytes after 0xFF. At a marker the data ends: like libjpeg,
/// further reads return zero bits (a corrupt scan decodes to flat blocks); running off the end of the file is
/// an error (truncated image).
/// </summary>
internal struct BitReader
{
    private readonly byte[] _data;
    // The image's bytes are _data[0.._length): a camera frame is a prefix of the buffer that holds it.
    private readonly int _length;
    private int _position;
    private uint _buffer;
    private int _count;
    private bool _atMarker;

    public BitReader(byte[] data, int length, int position)
    {
        _data = data;
        _length = length;
        _position = position;
        _buffer = 0;
        _count = 0;
        _atMarker = false;
    }

    public int Position => _position;

    private void Fill()
    {
        while (_count <= 24)
        {
            int b = 0;
            if (!_atMarker)
            {
                if (_position >= _length) throw new ImageFormatException("JPEG: the file ends inside the image data (truncated)");
                b = _data[_position];
                if (b == 0xFF)
                {
                    if (_position + 1 >= _length) throw new ImageFormatException("JPEG: the file ends inside the image data (truncated)");
                    int next = _data[_position + 1];
                    if (next == 0) _position += 2;
                    else { _atMarker = true; b = 0; }
                }
                else _position++;
            }
            _buffer |= (uint)b << (24 - _count);
            _count += 8;
        }
    }

    public int ReadBit()
    {
        if (_count == 0) Fill();
        int bit = (int)(_buffer >> 31);
        _buffer <<= 1;
        _count--;
        return bit;
    }

    public int ReadBits(int n)
    {
        if (n == 0) return 0;
        if (_count < n) Fill();
        int value = (int)(_buffer >> (32 - n));
        _buffer <<= n;
        _count -= n;
        return value;
    }

    public int Peek(int n)
    {
        if (_count < n) Fill();
        return (int)(_buffer >> (32 - n));
    }

    public void Skip(int n)
    {
        _buffer <<= n;
        _count -= n;
    }

    /// <summary>T.81 EXTEND: a value of <paramref name="size"/> bits as a signed coefficient.</summary>
    public int Receive(int size)
    {
        if (size == 0) return 0;
        if (size > 16) throw new ImageFormatException("JPEG: coefficient size above 16 bits");
        int v = ReadBits(size);
        return v < 1 << (size - 1) ? v - (1 << size) + 1 : v;
    }

    public int Decode(HuffmanTable table)
    {
        int peek = Peek(HuffmanTable.LookupBits);
        int entry = table.Lookup[peek];
        if (entry != 0)
        {
            Skip(entry >> 8);
            return entry & 0xFF;
        }
        int code = ReadBits(HuffmanTable.LookupBits);
        return table.DecodeSlow(ref this, code, HuffmanTable.LookupBits);
    }

    /// <summary>At a restart interval: expects RSTn, consumes it and starts a fresh byte-aligned bit stream.</summary>
    public void Restart(int expected)
    {
        _buffer = 0;
        _count = 0;
        _atMarker = false;
        // Skip to the marker (tolerating fill bytes), as libjpeg does.
        while (_position + 1 < _length && !(_data[_position] == 0xFF && _data[_position + 1] != 0 && _data[_position + 1] != 0xFF)) _position++;
        if (_position + 1 >= _length) throw new ImageFormatException("JPEG: the file ends where a restart marker was expected (truncated)");
        int marker = _data[_position + 1];
        if (marker < 0xD0 || marker > 0xD7) throw new ImageFormatException($"JPEG: expected restart marker RST{expected & 7}, found 0xFF{marker:X2} at byte {_position}");
        _position += 2;
    }

    /// <summary>The byte offset of the marker that ends this scan.</summary>
    public int EndOfScan()
    {
        int p = _position;
        while (p + 1 < _length && !(_data[p] == 0xFF && _data[p + 1] != 0 && (_data[p + 1] < 0xD0 || _data[p + 1] > 0xD7) && _data[p + 1] != 0xFF)) p++;
        return p;
    }
}
