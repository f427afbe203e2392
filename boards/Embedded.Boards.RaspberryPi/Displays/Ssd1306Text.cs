using System;
using System.Device.I2c;
using Embedded.Boards.Hardware;
using Iot.Device.Ssd13xx.Commands;
using Iot.Device.Ssd13xx.Commands.Ssd1306Commands;

namespace Embedded.Boards.RaspberryPi.Displays;

/// <summary>
/// A 128×64 (or 128×32) SSD1306 OLED on I2C as a text display: 21 columns of the 5×7 font (6 pixels a character),
/// one row per 8-pixel page (8 rows, or 4). Command bytes come from Iot.Device.Bindings' Ssd1306Commands; the
/// package's own <c>Ssd1306</c> class is not used because it cannot be constructed without a registered graphics
/// backend (its constructor clears the screen through <c>BitmapImage</c>, and the SkiaSharp adapter is not a
/// dependency we ship) and because it initializes every panel as 128×32 (multiplex 0x1F, sequential COM pins),
/// which shows only every other line of a 128×64 panel. A row whose text changed is sent as one 129-byte write
/// (control byte 0x40 and its page); nothing is allocated per update.
/// </summary>
public sealed class Ssd1306Text : ITextDisplay
{
    public const int Width = 128;
    private const int CharacterWidth = Font5x7.Width + 1;
    private const byte CommandStream = 0x00, DataStream = 0x40;

    private readonly I2cDevice _device;
    private readonly byte[][] _selectPage;
    private readonly byte[] _data = new byte[1 + Width];
    private readonly char[][] _shown;
    private bool _disposed;

    public Ssd1306Text(I2cDevice device, int height = 64)
    {
        if (height is not (64 or 32)) throw new ArgumentOutOfRangeException(nameof(height), height, "an SSD1306 panel is 128×64 or 128×32");
        _device = device ?? throw new ArgumentNullException(nameof(device));
        Rows = height / 8;
        Columns = Width / CharacterWidth;
        _shown = new char[Rows][];
        _selectPage = new byte[Rows][];
        for (int page = 0; page < Rows; page++)
        {
            _shown[page] = new char[Columns];
            _selectPage[page] = Stream(new SetColumnAddress(0, Width - 1), new SetPageAddress((PageAddress)page, (PageAddress)page));
        }

        // The datasheet's power-up order for an internal charge pump; panel geometry from the height.
        _device.Write(Stream(
            new SetDisplayOff(),
            new SetDisplayClockDivideRatioOscillatorFrequency(0x00, 0x08),
            new SetMultiplexRatio((byte)(height - 1)),
            new SetDisplayOffset(0x00),
            new SetDisplayStartLine(0x00),
            new SetChargePump(true),
            new SetMemoryAddressingMode(SetMemoryAddressingMode.AddressingMode.Horizontal),
            new SetSegmentReMap(true),
            new SetComOutputScanDirection(false),
            new SetComPinsHardwareConfiguration(alternativeComPinConfiguration: height == 64, enableLeftRightRemap: false),
            new SetContrastControlForBank0(0x8F),
            new SetPreChargePeriod(0x01, 0x0F),
            new SetVcomhDeselectLevel(SetVcomhDeselectLevel.DeselectLevel.Vcc1_00),
            new EntireDisplayOn(false),
            new SetNormalDisplay()));
        // Clear the panel's RAM (it powers up with noise), then switch it on.
        for (int page = 0; page < Rows; page++) { Array.Fill(_shown[page], ' '); Send(page); }
        _device.Write(Stream(new SetDisplayOn()));
    }

    public int Columns { get; }
    public int Rows { get; }

    public void Show(int row, ReadOnlySpan<char> text)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if ((uint)row >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(row));
        var shown = _shown[row];
        bool same = true;
        for (int i = 0; i < Columns; i++)
        {
            char c = i < text.Length ? text[i] : ' ';
            if (!Font5x7.Has(c)) c = '?';
            if (shown[i] != c) { shown[i] = c; same = false; }
        }
        if (!same) Send(row);
    }

    /// <summary>Draws page <paramref name="page"/> from its characters and writes it.</summary>
    private void Send(int page)
    {
        var pixels = _data.AsSpan(1);
        pixels.Clear();
        var text = _shown[page];
        for (int i = 0; i < text.Length; i++)
            for (int x = 0; x < Font5x7.Width; x++)
                pixels[i * CharacterWidth + x] = Font5x7.Column(text[i], x);
        _data[0] = DataStream;
        _device.Write(_selectPage[page]);
        _device.Write(_data);
    }

    /// <summary>One I2C write of several commands: the control byte 0x00 (Co = 0, D/C# = 0), then their bytes.</summary>
    private static byte[] Stream(params ICommand[] commands)
    {
        int length = 1;
        foreach (var c in commands) length += c.GetBytes().Length;
        var bytes = new byte[length];
        bytes[0] = CommandStream;
        int at = 1;
        foreach (var c in commands) { var b = c.GetBytes(); b.CopyTo(bytes, at); at += b.Length; }
        return bytes;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try { _device.Write(Stream(new SetDisplayOff())); }
        catch (System.IO.IOException) { /* unplugged: nothing left to switch off */ }
        _device.Dispose();
    }
}
