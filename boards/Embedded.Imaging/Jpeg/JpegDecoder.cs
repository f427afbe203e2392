using System;
using System.Collections.Generic;

namespace Embedded.Imaging.Jpeg;

/// <summary>
/// Baseline and progressive JPEG (T.81) with Huffman coding: 8-bit precision, 1 or 3 components, any sampling
/// factors (4:4:4, 4:2:2, 4:2:0 …), restart markers. Output matches libjpeg's defaults (integer "islow" IDCT,
/// fancy upsampling, fixed-point YCbCr→RGB), which is what Pillow and most tools produce.
/// </summary>
public static class JpegDecoder
{
    /// <summary>Zigzag position → natural (row-major) coefficient index.</summary>
    internal static readonly byte[] ZigZag =
    {
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21,
        28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
    };

    public static bool IsJpeg(ReadOnlySpan<byte> data) => data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF;

    public static RgbImage Decode(byte[] data)
    {
        if (data is null) throw new ArgumentNullException(nameof(data));
        var decoder = new Decoder();
        decoder.Run(data, data.Length);
        return new RgbImage(decoder.Width, decoder.Height, decoder.Rgb);
    }

    /// <summary>
    /// One decoder's state, kept across images by <see cref="JpegFrameDecoder"/>: tables, components, coefficient
    /// blocks, sample planes and the RGB output grow to the largest image seen and are reused, so decoding frames of
    /// one size allocates nothing.
    /// </summary>
    internal sealed class Decoder
    {
        private byte[] _data = Array.Empty<byte>();
        private int _length;
        private int _pos;
        private readonly ushort[][] _quant = { new ushort[64], new ushort[64], new ushort[64], new ushort[64] };
        private readonly bool[] _quantDefined = new bool[4];
        private readonly HuffmanTable[] _ownDc = { new(), new(), new(), new() }, _ownAc = { new(), new(), new(), new() };
        private readonly HuffmanTable?[] _dc = new HuffmanTable?[4];
        private readonly HuffmanTable?[] _ac = new HuffmanTable?[4];
        private readonly byte[] _counts = new byte[16], _values = new byte[256];
        // Component (and scan) arrays of each length, with their components, reused.
        private readonly JpegComponent[] _componentPool = { new(), new(), new() };
        private readonly JpegComponent[][] _componentArrays = { Array.Empty<JpegComponent>(), new JpegComponent[1], new JpegComponent[2], new JpegComponent[3] };
        private readonly JpegComponent[][] _scanArrays = { Array.Empty<JpegComponent>(), new JpegComponent[1], new JpegComponent[2], new JpegComponent[3] };
        private readonly byte[][] _planes = { Array.Empty<byte>(), Array.Empty<byte>(), Array.Empty<byte>() };
        private readonly JpegColor _color = new();
        private JpegComponent[] _components = Array.Empty<JpegComponent>();
        private int _width, _height, _hMax, _vMax, _mcusPerLine, _mcusPerColumn, _restartInterval;
        private bool _progressive, _frameSeen, _adobeRgb, _adobeSeen, _jfifSeen;
        private int _eobRun;

        public int Width => _width;
        public int Height => _height;
        /// <summary>The last image's RGB24 pixels at the start of this buffer (a fresh decoder's is exactly their size).</summary>
        public byte[] Rgb => _color.Rgb;

        private ImageFormatException Error(string what) => new($"JPEG: {what} (at byte {_pos})");

        private int ReadU8() => _pos < _length ? _data[_pos++] : throw Error("the file ends inside a header (truncated)");
        private int ReadU16() => (ReadU8() << 8) | ReadU8();

        /// <summary>Decodes the JPEG in <paramref name="data"/>[0..<paramref name="length"/>) into <see cref="Rgb"/>.</summary>
        public void Run(byte[] data, int length)
        {
            if ((uint)length > (uint)data.Length) throw new ArgumentOutOfRangeException(nameof(length));
            _data = data;
            _length = length;
            Array.Clear(_quantDefined, 0, 4);
            Array.Clear(_dc, 0, 4);
            Array.Clear(_ac, 0, 4);
            _components = Array.Empty<JpegComponent>();
            _width = _height = _hMax = _vMax = _mcusPerLine = _mcusPerColumn = _restartInterval = _eobRun = 0;
            _progressive = _frameSeen = _adobeRgb = _adobeSeen = _jfifSeen = false;
            if (!IsJpeg(data.AsSpan(0, length))) throw new ImageFormatException("JPEG: missing the start-of-image marker (not a JPEG file)");
            _pos = 2;
            while (true)
            {
                int marker = NextMarker();
                switch (marker)
                {
                    case 0xD8: throw Error("a second start-of-image marker");
                    case 0xD9: Finish(); return;
                    case 0xC0: case 0xC1: case 0xC2: ReadFrame(marker == 0xC2); break;
                    case 0xC4: ReadHuffman(); break;
                    case 0xDB: ReadQuantization(); break;
                    case 0xDD: ReadRestartInterval(); break;
                    case 0xDA: ReadScan(); break;
                    case 0xEE: ReadAdobe(); break;
                    case 0xE0: ReadJfif(); break;
                    case 0xC3: case 0xC5: case 0xC6: case 0xC7: case 0xC9: case 0xCA: case 0xCB: case 0xCD: case 0xCE: case 0xCF:
                        throw Error($"SOF{marker - 0xC0} (lossless, hierarchical or arithmetic-coded JPEG) is not supported");
                    default:
                        if (marker >= 0xD0 && marker <= 0xD7) continue; // stray restart marker
                        SkipSegment();
                        break;
                }
            }
        }

        private int NextMarker()
        {
            if (_pos >= _length) throw Error("the file ends before the end-of-image marker (truncated)");
            if (_data[_pos] != 0xFF)
            {
                // Tolerate garbage between segments, as libjpeg does, by resynchronizing on the next marker.
                while (_pos < _length && _data[_pos] != 0xFF) _pos++;
                if (_pos >= _length) throw Error("the file ends before the end-of-image marker (truncated)");
            }
            while (_pos < _length && _data[_pos] == 0xFF) _pos++;
            return ReadU8();
        }

        private int SegmentLength()
        {
            int length = ReadU16();
            if (length < 2 || _pos + length - 2 > _length) throw Error($"segment length {length} runs past the end of the file");
            return length - 2;
        }

        private void SkipSegment()
        {
            int length = SegmentLength();
            _pos += length;
        }

        private void ReadJfif()
        {
            int length = SegmentLength(), end = _pos + length;
            if (length >= 5 && _data[_pos] == 'J' && _data[_pos + 1] == 'F' && _data[_pos + 2] == 'I' && _data[_pos + 3] == 'F') _jfifSeen = true;
            _pos = end;
        }

        private void ReadAdobe()
        {
            int length = SegmentLength(), end = _pos + length;
            if (length >= 12 && _data[_pos] == 'A' && _data[_pos + 1] == 'd' && _data[_pos + 2] == 'o' && _data[_pos + 3] == 'b' && _data[_pos + 4] == 'e')
            {
                _adobeSeen = true;
                _adobeRgb = _data[_pos + 11] == 0;
            }
            _pos = end;
        }

        private void ReadQuantization()
        {
            int segment = SegmentLength(); int end = _pos + segment;
            while (_pos < end)
            {
                int pq = ReadU8();
                int precision = pq >> 4, id = pq & 15;
                if (id > 3 || precision > 1) throw Error($"quantization table {id} with precision {precision} is invalid");
                var table = _quant[id];
                for (int i = 0; i < 64; i++) table[ZigZag[i]] = (ushort)(precision == 0 ? ReadU8() : ReadU16());
                _quantDefined[id] = true;
            }
            if (_pos != end) throw Error("quantization segment length does not match its tables");
        }

        private void ReadHuffman()
        {
            int segment = SegmentLength(); int end = _pos + segment;
            while (_pos < end)
            {
                int tc = ReadU8();
                int cls = tc >> 4, id = tc & 15;
                if (cls > 1 || id > 3) throw Error($"Huffman table class {cls} id {id} is invalid");
                int total = 0;
                for (int i = 0; i < 16; i++) { _counts[i] = (byte)ReadU8(); total += _counts[i]; }
                if (total > 256 || _pos + total > end) throw Error("Huffman table holds more values than its segment");
                for (int i = 0; i < total; i++) _values[i] = (byte)ReadU8();
                var table = cls == 0 ? _ownDc[id] : _ownAc[id];
                table.Build(_counts, _values.AsSpan(0, total));
                if (cls == 0) _dc[id] = table; else _ac[id] = table;
            }
            if (_pos != end) throw Error("Huffman segment length does not match its tables");
        }

        private void ReadRestartInterval()
        {
            int length = SegmentLength();
            if (length != 2) throw Error("restart interval segment must hold 2 bytes");
            _restartInterval = ReadU16();
        }

        private void ReadFrame(bool progressive)
        {
            if (_frameSeen) throw Error("more than one frame header");
            _frameSeen = true;
            _progressive = progressive;
            int segment = SegmentLength(); int end = _pos + segment;
            int precision = ReadU8();
            if (precision != 8) throw Error($"{precision}-bit samples are not supported (8-bit only)");
            _height = ReadU16();
            _width = ReadU16();
            if (_height == 0) throw Error("image height 0 (DNL markers are not supported)");
            ImageLimits.Check("JPEG", _width, _height);
            int count = ReadU8();
            if (count != 1 && count != 3) throw Error($"{count} components are not supported (grayscale or 3-component colour only)");
            _components = _componentArrays[count];
            for (int i = 0; i < count; i++)
            {
                var c = _componentPool[i];
                c.Id = ReadU8();
                c.DcTable = c.AcTable = null;
                int hv = ReadU8();
                c.H = hv >> 4; c.V = hv & 15;
                c.QuantTable = ReadU8();
                if (c.H < 1 || c.H > 4 || c.V < 1 || c.V > 4 || c.QuantTable > 3) throw Error($"component {c.Id}: sampling {c.H}×{c.V} or table {c.QuantTable} is invalid");
                _components[i] = c;
            }
            if (_pos != end) throw Error("frame header length does not match its components");
            foreach (var c in _components) { _hMax = Math.Max(_hMax, c.H); _vMax = Math.Max(_vMax, c.V); }
            // Upsampling repeats samples by whole factors: 2×2 with 1×3 (found by fuzzing) has none.
            foreach (var c in _components)
                if (_hMax % c.H != 0 || _vMax % c.V != 0) throw Error($"sampling factors {c.H}×{c.V} of component {c.Id} are not whole fractions of {_hMax}×{_vMax}");
            _mcusPerLine = (_width + 8 * _hMax - 1) / (8 * _hMax);
            _mcusPerColumn = (_height + 8 * _vMax - 1) / (8 * _vMax);
            long blocks = 0;
            foreach (var c in _components)
                blocks += (long)((_width * c.H + _hMax - 1) / _hMax + 7) / 8 * (((_height * c.V + _vMax - 1) / _vMax + 7) / 8);
            // Every block of every component costs at least one bit of entropy-coded data (its DC code), so a header
            // promising more blocks than the rest of the file has bits is refused before the coefficients are allocated
            // (a 2 KB file declaring 8000×8000 asked for hundreds of megabytes; found by fuzzing).
            if (blocks > 8L * (_length - _pos))
                throw Error($"a {_width}×{_height} image needs at least {(blocks + 7) / 8} bytes of scan data; the file has {_length - _pos} left (truncated or corrupt)");
            foreach (var c in _components)
            {
                c.Width = (_width * c.H + _hMax - 1) / _hMax;
                c.Height = (_height * c.V + _vMax - 1) / _vMax;
                c.BlocksPerLine = (c.Width + 7) / 8;
                c.BlocksPerColumn = (c.Height + 7) / 8;
                c.PaddedBlocksPerLine = _mcusPerLine * c.H;
                c.PaddedBlocksPerColumn = _mcusPerColumn * c.V;
                int coefficients = c.PaddedBlocksPerLine * c.PaddedBlocksPerColumn * 64;
                if (c.Coefficients.Length < coefficients) c.Coefficients = new short[coefficients];
                else Array.Clear(c.Coefficients, 0, coefficients);
            }
        }

        private void ReadScan()
        {
            if (!_frameSeen) throw Error("scan before the frame header");
            int segment = SegmentLength(); int end = _pos + segment;
            int count = ReadU8();
            if (count < 1 || count > _components.Length) throw Error($"scan with {count} components");
            var scan = _scanArrays[count];
            for (int i = 0; i < count; i++)
            {
                int id = ReadU8(), tables = ReadU8();
                if ((tables >> 4) > 3 || (tables & 15) > 3) throw Error($"scan names Huffman tables {tables >> 4}/{tables & 15}; there are four of each (0–3)");
                JpegComponent? c = null;
                foreach (var candidate in _components) if (candidate.Id == id) { c = candidate; break; }
                if (c is null) throw Error($"scan names unknown component {id}");
                // A baseline scan without DHT is a Motion-JPEG frame: its tables are the standard ones (annex K.3).
                c.DcTable = _dc[tables >> 4] ?? (_progressive ? null : StandardHuffmanTables.Dc(tables >> 4));
                c.AcTable = _ac[tables & 15] ?? (_progressive ? null : StandardHuffmanTables.Ac(tables & 15));
                scan[i] = c;
            }
            int ss = ReadU8(), se = ReadU8(), a = ReadU8();
            int ah = a >> 4, al = a & 15;
            if (_pos != end) throw Error("scan header length does not match its components");
            if (_progressive)
            {
                if (ss > se || se > 63 || (ss == 0 && se != 0) || (ss > 0 && count != 1) || al > 13) throw Error($"invalid progressive scan Ss={ss} Se={se} Ah={ah} Al={al}");
            }
            else if (ss != 0 || se != 63 || ah != 0 || al != 0) throw Error($"invalid baseline scan Ss={ss} Se={se} Ah={ah} Al={al}");
            foreach (var c in scan)
            {
                if ((ss == 0 && ah == 0 && c.DcTable is null) || (se > 0 && c.AcTable is null))
                    throw Error($"component {c.Id} uses a Huffman table that was never defined");
                c.DcPredictor = 0;
            }
            _eobRun = 0;
            var bits = new BitReader(_data, _length, _pos);
            DecodeScan(ref bits, scan, ss, se, ah, al);
            _pos = bits.EndOfScan();
        }

        private void DecodeScan(ref BitReader bits, JpegComponent[] scan, int ss, int se, int ah, int al)
        {
            int restarts = 0, mcusLeft = _restartInterval;
            int mcus = scan.Length == 1 ? scan[0].BlocksPerLine * scan[0].BlocksPerColumn : _mcusPerLine * _mcusPerColumn;
            for (int mcu = 0; mcu < mcus; mcu++)
            {
                if (_restartInterval > 0)
                {
                    if (mcusLeft == 0)
                    {
                        bits.Restart(restarts++);
                        foreach (var c in scan) c.DcPredictor = 0;
                        _eobRun = 0;
                        mcusLeft = _restartInterval;
                    }
                    mcusLeft--;
                }
                if (scan.Length == 1)
                {
                    var c = scan[0];
                    int row = mcu / c.BlocksPerLine, col = mcu % c.BlocksPerLine;
                    DecodeBlock(ref bits, c, c.BlockOffset(row, col), ss, se, ah, al);
                }
                else
                {
                    int mcuRow = mcu / _mcusPerLine, mcuCol = mcu % _mcusPerLine;
                    foreach (var c in scan)
                        for (int y = 0; y < c.V; y++)
                        for (int x = 0; x < c.H; x++)
                            DecodeBlock(ref bits, c, c.BlockOffset(mcuRow * c.V + y, mcuCol * c.H + x), ss, se, ah, al);
                }
            }
        }

        private void DecodeBlock(ref BitReader bits, JpegComponent c, int offset, int ss, int se, int ah, int al)
        {
            var block = c.Coefficients.AsSpan(offset, 64);
            if (!_progressive) { DecodeBaseline(ref bits, c, block); return; }
            if (ss == 0)
            {
                if (ah == 0)
                {
                    int t = bits.Decode(c.DcTable!);
                    c.DcPredictor += bits.Receive(t);
                    block[0] = (short)(c.DcPredictor * (1 << al));
                }
                else if (bits.ReadBit() != 0) block[0] |= (short)(1 << al);
                return;
            }
            if (ah == 0) DecodeAcFirst(ref bits, c, block, ss, se, al);
            else DecodeAcRefine(ref bits, c, block, ss, se, al);
        }

        private static void DecodeBaseline(ref BitReader bits, JpegComponent c, Span<short> block)
        {
            int t = bits.Decode(c.DcTable!);
            c.DcPredictor += bits.Receive(t);
            block[0] = (short)c.DcPredictor;
            for (int k = 1; k < 64;)
            {
                int rs = bits.Decode(c.AcTable!);
                int r = rs >> 4, s = rs & 15;
                if (s == 0)
                {
                    if (r != 15) break;
                    k += 16;
                    continue;
                }
                k += r;
                if (k > 63) throw new ImageFormatException($"JPEG: corrupt block (coefficient index beyond 63) near byte {bits.Position}");
                block[ZigZag[k]] = (short)bits.Receive(s);
                k++;
            }
        }

        private void DecodeAcFirst(ref BitReader bits, JpegComponent c, Span<short> block, int ss, int se, int al)
        {
            if (_eobRun > 0) { _eobRun--; return; }
            for (int k = ss; k <= se;)
            {
                int rs = bits.Decode(c.AcTable!);
                int r = rs >> 4, s = rs & 15;
                if (s == 0)
                {
                    if (r < 15)
                    {
                        _eobRun = (1 << r) - 1 + bits.ReadBits(r);
                        break;
                    }
                    k += 16;
                    continue;
                }
                k += r;
                if (k > 63) throw new ImageFormatException($"JPEG: corrupt progressive block near byte {bits.Position}");
                block[ZigZag[k]] = (short)(bits.Receive(s) * (1 << al));
                k++;
            }
        }

        /// <summary>Successive-approximation refinement of AC coefficients (T.81 G.1.2.3).</summary>
        private void DecodeAcRefine(ref BitReader bits, JpegComponent c, Span<short> block, int ss, int se, int al)
        {
            int plus = 1 << al, minus = -1 << al;
            int k = ss;
            if (_eobRun == 0)
            {
                for (; k <= se;)
                {
                    int rs = bits.Decode(c.AcTable!);
                    int r = rs >> 4, s = rs & 15;
                    int value = 0;
                    if (s == 0)
                    {
                        if (r < 15)
                        {
                            _eobRun = (1 << r) + bits.ReadBits(r);
                            break;
                        }
                    }
                    else
                    {
                        if (s != 1) throw new ImageFormatException($"JPEG: corrupt refinement scan near byte {bits.Position}");
                        value = bits.ReadBit() != 0 ? plus : minus;
                    }
                    // Skip r zero-history coefficients (refining the non-zero ones passed), then place the new one.
                    while (k <= se)
                    {
                        int z = ZigZag[k];
                        if (block[z] != 0)
                        {
                            if (bits.ReadBit() != 0 && (block[z] & plus) == 0) block[z] += (short)(block[z] >= 0 ? plus : minus);
                        }
                        else
                        {
                            if (r == 0)
                            {
                                if (value != 0) block[z] = (short)value;
                                k++;
                                break;
                            }
                            r--;
                        }
                        k++;
                    }
                }
            }
            if (_eobRun > 0)
            {
                // The rest of this band (and of the next eobRun − 1 blocks) only refines non-zero coefficients.
                for (; k <= se; k++)
                {
                    int z = ZigZag[k];
                    if (block[z] != 0 && bits.ReadBit() != 0 && (block[z] & plus) == 0) block[z] += (short)(block[z] >= 0 ? plus : minus);
                }
                _eobRun--;
            }
        }

        private void Finish()
        {
            if (!_frameSeen) throw new ImageFormatException("JPEG: no frame header before the end of the image");
            var planes = _planes;
            for (int i = 0; i < _components.Length; i++)
            {
                var c = _components[i];
                if (!_quantDefined[c.QuantTable]) throw new ImageFormatException($"JPEG: quantization table {c.QuantTable} is never defined");
                var quant = _quant[c.QuantTable];
                int stride = c.PaddedBlocksPerLine * 8;
                if (planes[i].Length < stride * c.PaddedBlocksPerColumn * 8) planes[i] = new byte[stride * c.PaddedBlocksPerColumn * 8];
                var plane = planes[i];
                for (int row = 0; row < c.PaddedBlocksPerColumn; row++)
                for (int col = 0; col < c.PaddedBlocksPerLine; col++)
                    IslowIdct.Transform(c.Coefficients.AsSpan(c.BlockOffset(row, col), 64), quant, plane.AsSpan(row * 8 * stride + col * 8), stride);
                planes[i] = plane;
            }
            _color.ToRgb(_components, planes, _width, _height, _hMax, _vMax, ColorTransform());
        }

        /// <summary>YCbCr unless an Adobe marker says RGB, or (without JFIF/Adobe) the component ids spell R, G, B.</summary>
        private bool ColorTransform()
        {
            if (_components.Length != 3) return false;
            if (_adobeSeen) return !_adobeRgb;
            if (!_jfifSeen && _components[0].Id == 'R' && _components[1].Id == 'G' && _components[2].Id == 'B') return false;
            return true;
        }
    }
}
