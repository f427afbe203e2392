using System;
using System.Globalization;
using Embedded.Boards.Hardware;
using Embedded.Boards.RaspberryPi;
using Embedded.Firmware.Cameras;

namespace Embedded.Firmware.Outputs;

/// <summary>`--display lcd1602:[i2c=BUS][,address=0xNN]` or `lcd2004:…`: a character LCD on a PCF8574 I2C backpack.</summary>
internal static class DisplaySpec
{
    public const string Syntax = "lcd1602|lcd2004[:i2c=BUS][,address=0xNN]";

    public static (int columns, int rows, int bus, int address) Parse(string spec)
    {
        int colon = spec.IndexOf(':');
        string kind = colon < 0 ? spec : spec.Substring(0, colon);
        var (columns, rows) = kind switch
        {
            "lcd1602" => (16, 2),
            "lcd2004" => (20, 4),
            _ => throw new ArgumentException($"--display '{spec}': unknown display '{kind}' ({Syntax})"),
        };
        var options = new SpecOptions(spec, colon < 0 ? Array.Empty<string>() : spec.Substring(colon + 1).Split(','));
        int bus = options.Integer("i2c", 1, 0, 255);
        string address = options.Value("address") ?? "0x27";
        options.RejectUnused("i2c=BUS, address=0xNN");
        if (!(address.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && int.TryParse(address.Substring(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int a) && a >= 0x03 && a <= 0x77))
            throw new ArgumentException($"--display '{spec}': address={address} is not a 7-bit I2C address 0x03..0x77");
        return (columns, rows, bus, a);
    }

    public static ITextDisplay Open(string spec, RaspberryPiBuses buses)
    {
        var (columns, rows, bus, address) = Parse(spec);
        return buses.OpenCharacterLcd(bus, address, columns, rows);
    }
}
