using System;
using System.Collections.Generic;
using System.Device.I2c;
using System.IO;

namespace Embedded.Boards.Tests.RaspberryPi;

/// <summary>
/// An SSD1306 on I2C as a recording <see cref="I2cDevice"/>: every write is kept, and the controller is emulated from
/// the datasheet — the first byte of a write is the control byte (0x00: commands follow, 0x40: display data follows);
/// commands with their argument counts; horizontal addressing inside the column/page window; 128×8 pages of RAM.
/// <see cref="Pixel"/> is what the glass shows (before segment/COM remapping, which only flips the picture).
/// </summary>
internal sealed class Ssd1306Panel : I2cDevice
{
    private readonly I2cConnectionSettings _settings;
    private readonly byte[,] _ram = new byte[8, 128];
    private int _columnStart, _columnEnd = 127, _pageStart, _pageEnd = 7, _column, _page;

    public Ssd1306Panel(int address = 0x3C) => _settings = new I2cConnectionSettings(1, address);

    public List<byte[]> Writes { get; } = new();
    public bool On { get; private set; }
    public int Multiplex { get; private set; } = 63;
    public int ComPins { get; private set; } = 0x12;
    public int AddressingMode { get; private set; } = 2;
    public bool ChargePump { get; private set; }
    /// <summary>When set, every write fails as an I2C NACK does on Linux.</summary>
    public bool Unplugged { get; set; }

    public bool Pixel(int x, int y) => (_ram[y / 8, x] & (1 << (y % 8))) != 0;

    public override I2cConnectionSettings ConnectionSettings => _settings;
    public override byte ReadByte() => throw new NotSupportedException("an SSD1306 on I2C is write-only");
    public override void Read(Span<byte> buffer) => throw new NotSupportedException("an SSD1306 on I2C is write-only");
    public override void WriteByte(byte value) => Write(new[] { value });
    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer) => throw new NotSupportedException("an SSD1306 on I2C is write-only");

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (Unplugged) throw new IOException("Error 6 performing I2C data transfer.");
        Writes.Add(buffer.ToArray());
        if (buffer.Length < 2) throw new InvalidOperationException("a write is a control byte and at least one byte");
        if (buffer[0] == 0x40) { foreach (byte b in buffer.Slice(1)) Data(b); return; }
        if (buffer[0] != 0x00) throw new InvalidOperationException($"control byte 0x{buffer[0]:X2}: this emulator takes 0x00 or 0x40");
        var commands = buffer.Slice(1);
        while (commands.Length > 0) commands = commands.Slice(Command(commands));
    }

    private void Data(byte b)
    {
        _ram[_page, _column] = b;
        if (AddressingMode != 0) throw new InvalidOperationException("data written outside horizontal addressing");
        if (++_column > _columnEnd)
        {
            _column = _columnStart;
            if (++_page > _pageEnd) _page = _pageStart;
        }
    }

    /// <summary>Executes the command at the start of <paramref name="c"/>; returns how many bytes it took.</summary>
    private int Command(ReadOnlySpan<byte> c)
    {
        byte op = c[0];
        int length = c.Length;
        int Need(int n) => length >= n ? n : throw new InvalidOperationException($"command 0x{op:X2} cut short");
        switch (op)
        {
            case 0xAE: On = false; return 1;
            case 0xAF: On = true; return 1;
            case 0xA4: case 0xA6: case 0xA0: case 0xA1: case 0xC0: case 0xC8: return 1;
            case >= 0x40 and <= 0x7F: return 1;                     // display start line
            case 0xD5: case 0xD3: case 0x81: case 0xD9: case 0xDB: return Need(2);
            case 0xA8: Need(2); Multiplex = c[1]; return 2;
            case 0xDA: Need(2); ComPins = c[1]; return 2;
            case 0x8D: Need(2); ChargePump = (c[1] & 0x04) != 0; return 2;
            case 0x20: Need(2); AddressingMode = c[1] & 3; return 2;
            case 0x21: Need(3); _columnStart = _column = c[1] & 0x7F; _columnEnd = c[2] & 0x7F; return 3;
            case 0x22: Need(3); _pageStart = _page = c[1] & 7; _pageEnd = c[2] & 7; return 3;
            default: throw new InvalidOperationException($"command 0x{op:X2} is not emulated");
        }
    }
}
