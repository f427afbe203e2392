using System;
using System.Device.Gpio;
using System.Device.I2c;
using Embedded.Boards.Hardware;
using Iot.Device.CharacterLcd;
using Iot.Device.Pcx857x;

namespace Embedded.Boards.RaspberryPi.Displays;

/// <summary>
/// A 16×2 or 20×4 HD44780 character LCD on the common PCF8574 I2C backpack (address 0x27, or 0x3F), through
/// Iot.Device.Bindings: the expander as a GpioDriver (P0 RS, P1 RW, P2 E, P3 backlight, P4–P7 D4–D7) under an
/// Lcd1602/Lcd2004. Rows are kept, and only a row whose text changed is written.
/// </summary>
public sealed class CharacterLcd : ITextDisplay
{
    private readonly Hd44780 _lcd;
    private readonly char[][] _shown;
    private readonly char[] _line;

    public CharacterLcd(I2cDevice device, int columns = 16, int rows = 2)
    {
        if (device is null) throw new ArgumentNullException(nameof(device));
        if (!((columns, rows) is (16, 2) or (20, 4))) throw new ArgumentOutOfRangeException(nameof(columns), $"{columns}×{rows}: 16×2 (lcd1602) or 20×4 (lcd2004)");
        var expander = new GpioController(new Pcf8574(device));
        int[] data = { 4, 5, 6, 7 };
        _lcd = rows == 2
            ? new Lcd1602(registerSelectPin: 0, enablePin: 2, dataPins: data, backlightPin: 3, backlightBrightness: 1f, readWritePin: 1, controller: expander, shouldDispose: true)
            : new Lcd2004(registerSelectPin: 0, enablePin: 2, dataPins: data, backlightPin: 3, backlightBrightness: 1f, readWritePin: 1, controller: expander, shouldDispose: true);
        _lcd.Clear();
        Columns = columns;
        Rows = rows;
        _shown = new char[rows][];
        for (int r = 0; r < rows; r++) { _shown[r] = new char[columns]; Array.Fill(_shown[r], ' '); }
        _line = new char[columns];
    }

    public int Columns { get; }
    public int Rows { get; }

    public void Show(int row, ReadOnlySpan<char> text)
    {
        if ((uint)row >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(row));
        var line = _line.AsSpan();
        line.Fill(' ');
        text.Slice(0, Math.Min(text.Length, Columns)).CopyTo(line);
        // The LCD's character ROM is ASCII in 0x20–0x7D: anything else shows as '?'.
        for (int i = 0; i < line.Length; i++) if (line[i] < ' ' || line[i] > '}') line[i] = '?';
        if (line.SequenceEqual(_shown[row])) return;
        line.CopyTo(_shown[row]);
        _lcd.SetCursorPosition(0, row);
        _lcd.Write(line);
    }

    public void Dispose() => _lcd.Dispose();
}
