using System;
using System.Collections.Generic;
using System.Device.I2c;

namespace Embedded.Boards.Tests.RaspberryPi;

/// <summary>
/// A PCF8574 I2C backpack with an HD44780 behind it, as a recording <see cref="I2cDevice"/>: every byte written to the
/// expander is kept, and the controller is emulated from them — a nibble latched on each falling edge of E (P2) with
/// RS on P0, RW on P1 and D4–D7 on P4–P7; 8-bit mode until a function set switches it to 4-bit; DDRAM addressing,
/// clear, home, entry mode. <see cref="Row"/> is what the glass shows.
/// </summary>
internal sealed class Hd44780Backpack : I2cDevice
{
    private readonly I2cConnectionSettings _settings;
    private readonly char[] _ddram = new char[0x80];
    private readonly int[] _rowOffsets;
    private readonly int _columns;
    private byte _port = 0xFF;
    private int? _pendingHigh;
    private bool _fourBit;
    private int _address;

    public Hd44780Backpack(int columns, int rows, int address = 0x27)
    {
        _settings = new I2cConnectionSettings(1, address);
        _columns = columns;
        _rowOffsets = rows == 4 ? new[] { 0x00, 0x40, 0x14, 0x54 } : new[] { 0x00, 0x40 };
        Array.Fill(_ddram, ' ');
    }

    public List<byte> Written { get; } = new();
    public int DataWrites { get; private set; }

    public string Row(int row) => new(_ddram, _rowOffsets[row], _columns);

    public override I2cConnectionSettings ConnectionSettings => _settings;
    // Reads return the port with D7 (the busy flag) low: the controller is never busy.
    public override byte ReadByte() => (byte)(_port & 0x7F);
    public override void Read(Span<byte> buffer) => buffer.Fill(ReadByte());
    public override void WriteByte(byte value) => Port(value);
    public override void Write(ReadOnlySpan<byte> buffer) { foreach (byte b in buffer) Port(b); }
    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer) { Write(writeBuffer); Read(readBuffer); }

    private void Port(byte value)
    {
        Written.Add(value);
        bool falling = (_port & 0x04) != 0 && (value & 0x04) == 0;
        if (falling && (_port & 0x02) == 0) Latch((_port & 0x01) != 0, _port >> 4);
        _port = value;
    }

    private void Latch(bool data, int nibble)
    {
        if (!_fourBit) { Execute(data, nibble << 4); return; }
        if (_pendingHigh is not int high) { _pendingHigh = nibble; return; }
        _pendingHigh = null;
        Execute(data, high << 4 | nibble);
    }

    private void Execute(bool data, int b)
    {
        if (data)
        {
            _ddram[_address] = (char)b;
            _address = (_address + 1) & 0x7F;
            DataWrites++;
            return;
        }
        if ((b & 0x80) != 0) _address = b & 0x7F;
        else if ((b & 0x40) != 0) { }                                        // CGRAM address
        else if ((b & 0x20) != 0) { _fourBit = (b & 0x10) == 0; _pendingHigh = null; }
        else if ((b & 0x10) != 0 || (b & 0x08) != 0 || (b & 0x04) != 0) { }  // shift, display control, entry mode
        else if ((b & 0x02) != 0) _address = 0;
        else if (b == 0x01) { Array.Fill(_ddram, ' '); _address = 0; }
    }
}
