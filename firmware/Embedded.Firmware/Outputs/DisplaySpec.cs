using System;
using System.Globalization;
using Embedded.Boards.Hardware;
using Embedded.Boards.RaspberryPi;
using Embedded.Firmware.Cameras;

namespace Embedded.Firmware.Outputs;

/// <summary>
/// `--display KIND[:i2c=BUS][,address=0xNN]`: a character LCD on a PCF8574 I2C backpack (lcd1602, lcd2004) or an
/// SSD1306 OLED (ssd1306, 128×64; `height=32` for 128×32 panels).
/// </summary>
internal static class DisplaySpec
{
    public const string Syntax = "lcd1602|lcd2004|ssd1306[:i2c=BUS][,address=0xNN][,height=64|32 (ssd1306)]";

    public sealed record Parsed(string Kind, int Columns, int Rows, int Bus, int Address);

    public static Parsed Parse(string spec)
    {
        int colon = spec.IndexOf(':');
        string kind = colon < 0 ? spec : spec.Substring(0, colon);
        var options = new SpecOptions(spec, colon < 0 ? Array.Empty<string>() : spec.Substring(colon + 1).Split(','), "--display");
        int bus = options.Integer("i2c", 1, 0, 255);
        int columns, rows;
        string defaultAddress;
        switch (kind)
        {
            case "lcd1602": (columns, rows, defaultAddress) = (16, 2, "0x27"); break;
            case "lcd2004": (columns, rows, defaultAddress) = (20, 4, "0x27"); break;
            case "ssd1306":
                int height = options.Integer("height", 64, 32, 64);
                if (height is not (32 or 64)) throw new ArgumentException($"--display '{spec}': height={height}: an SSD1306 panel is 64 or 32 pixels high");
                (columns, rows, defaultAddress) = (21, height / 8, "0x3C");
                break;
            default: throw new ArgumentException($"--display '{spec}': unknown display '{kind}' ({Syntax})");
        }
        string address = options.Value("address") ?? defaultAddress;
        options.RejectUnused(kind == "ssd1306" ? "i2c=BUS, address=0xNN, height=64|32" : "i2c=BUS, address=0xNN");
        if (!(address.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && int.TryParse(address.Substring(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int a) && a >= 0x03 && a <= 0x77))
            throw new ArgumentException($"--display '{spec}': address={address} is not a 7-bit I2C address 0x03..0x77");
        return new Parsed(kind, columns, rows, bus, a);
    }

    public static ITextDisplay Open(string spec, RaspberryPiBuses buses)
    {
        var p = Parse(spec);
        return p.Kind == "ssd1306"
            ? buses.OpenSsd1306(p.Bus, p.Address, p.Rows * 8)
            : buses.OpenCharacterLcd(p.Bus, p.Address, p.Columns, p.Rows);
    }
}
