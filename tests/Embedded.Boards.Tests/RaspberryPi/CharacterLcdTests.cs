using Embedded.Boards.RaspberryPi.Displays;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Boards.Tests.RaspberryPi;

/// <summary>The character LCD through Iot.Device.Bindings' Lcd1602/Lcd2004 and Pcf8574 over a recording backpack that emulates the HD44780.</summary>
[TestClass]
public sealed class CharacterLcdTests
{
    [TestMethod]
    public void Rows_ShowTheirText_PaddedAndCut_AndAnUnchangedRowIsNotSentAgain()
    {
        var backpack = new Hd44780Backpack(16, 2);
        using var lcd = new CharacterLcd(backpack, 16, 2);
        lcd.Show(0, "person");
        lcd.Show(1, "0.82 score, 11.3 fps");
        Assert.AreEqual("person          ", backpack.Row(0));
        Assert.AreEqual("0.82 score, 11.3", backpack.Row(1), "cut to 16 columns");
        int writes = backpack.Written.Count;
        lcd.Show(0, "person");
        Assert.AreEqual(writes, backpack.Written.Count, "the same text is not sent again");
        lcd.Show(0, "café");
        Assert.AreEqual("caf?            ", backpack.Row(0), "outside the LCD's ASCII range: '?'");
        Assert.AreNotEqual(0, backpack.Written[^1] & 0x08, "the backlight (P3) is on");
    }

    [TestMethod]
    public void A2004_AddressesItsFourRows()
    {
        var backpack = new Hd44780Backpack(20, 4, 0x3F);
        using var lcd = new CharacterLcd(backpack, 20, 4);
        for (int row = 0; row < 4; row++) lcd.Show(row, $"row {row}");
        for (int row = 0; row < 4; row++) Assert.AreEqual($"row {row}".PadRight(20), backpack.Row(row));
    }
}
