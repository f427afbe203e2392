using System;
using System.IO;
using System.Linq;
using System.Text;
using Embedded.Boards.Cameras;
using Embedded.Boards.RaspberryPi;
using Embedded.Boards.RaspberryPi.Displays;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Boards.Tests.RaspberryPi;

/// <summary>The SSD1306 OLED as a text display, over a recording I2C device that emulates the controller (Ssd1306Panel).</summary>
[TestClass]
public sealed class Ssd1306TextTests
{
    /// <summary>The characters the panel's RAM shows in text row <paramref name="row"/>, read back cell by cell against the font.</summary>
    private static string Read(Ssd1306Panel panel, int row, int columns = 21)
    {
        var text = new StringBuilder();
        for (int cell = 0; cell < columns; cell++)
        {
            var match = Enumerable.Range(Font5x7.First, Font5x7.Last - Font5x7.First + 1).Select(c => (char)c)
                .Where(c => Enumerable.Range(0, 6).All(x => Enumerable.Range(0, 8).All(y =>
                    panel.Pixel(cell * 6 + x, row * 8 + y) == (x < 5 && y < 7 && (Font5x7.Row(c, y) & (0x10 >> x)) != 0))))
                .ToArray();
            Assert.HasCount(1, match, $"row {row} cell {cell} is one glyph");
            text.Append(match[0]);
        }
        return text.ToString();
    }

    [TestMethod]
    public void Init_Is128x64_WithTheExactCommandBytes_AndClearsTheRam()
    {
        var panel = new Ssd1306Panel();
        using var oled = new Ssd1306Text(panel);
        Assert.AreEqual(21, oled.Columns);
        Assert.AreEqual(8, oled.Rows);
        Assert.AreEqual("00AED580A83FD300408D142000A1C8DA12818FD9F1DB40A4A6", Convert.ToHexString(panel.Writes[0]), "one command stream: off, clock, multiplex 64, offset, start line, charge pump, horizontal addressing, remap, COM pins alternative, contrast, precharge, VCOMH, resume RAM, normal");
        for (int page = 0; page < 8; page++)
        {
            Assert.AreEqual($"0021007F22{page:X2}{page:X2}", Convert.ToHexString(panel.Writes[1 + 2 * page]), $"page {page} window");
            Assert.AreEqual("40" + new string('0', 256), Convert.ToHexString(panel.Writes[2 + 2 * page]), $"page {page} cleared");
        }
        Assert.AreEqual("00AF", Convert.ToHexString(panel.Writes[^1]), "switched on last");
        Assert.AreEqual(18, panel.Writes.Count);
        Assert.IsTrue(panel.On && panel.ChargePump);
        Assert.AreEqual((63, 0x12, 0), (panel.Multiplex, panel.ComPins, panel.AddressingMode));
    }

    [TestMethod]
    public void A128x32_Panel_HasFourRows_AndSequentialComPins()
    {
        var panel = new Ssd1306Panel();
        using var oled = new Ssd1306Text(panel, height: 32);
        Assert.AreEqual(4, oled.Rows);
        Assert.AreEqual((31, 0x02), (panel.Multiplex, panel.ComPins));
        oled.Show(3, "row 3");
        Assert.AreEqual("row 3".PadRight(21), Read(panel, 3));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => oled.Show(4, "x"));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new Ssd1306Text(new Ssd1306Panel(), height: 48));
    }

    [TestMethod]
    public void Rows_ShowTheirText_AsExactlyOnePageWrite_AndAnUnchangedRowIsNotSentAgain()
    {
        var panel = new Ssd1306Panel();
        using var oled = new Ssd1306Text(panel);
        int before = panel.Writes.Count;
        oled.Show(2, "person");
        Assert.AreEqual(before + 2, panel.Writes.Count, "window + data");
        Assert.AreEqual("0021007F220202", Convert.ToHexString(panel.Writes[^2]));
        var data = panel.Writes[^1];
        Assert.HasCount(129, data);
        Assert.AreEqual(0x40, data[0]);
        // 'p' drawn column by column: bit 0 is the top pixel; the sixth column of each cell is the gap.
        byte[] p = { 0x7C, 0x14, 0x14, 0x14, 0x08 };
        CollectionAssert.AreEqual(p, data.Skip(1).Take(5).ToArray());
        Assert.AreEqual(0, data[6]);
        Assert.AreEqual("person".PadRight(21), Read(panel, 2));
        Assert.AreEqual(new string(' ', 21), Read(panel, 1), "other rows untouched");

        oled.Show(2, "person");
        Assert.AreEqual(before + 2, panel.Writes.Count, "the same text is not sent again");
        oled.Show(2, "0.82 score, 11.3 fps, cut here");
        Assert.AreEqual("0.82 score, 11.3 fps,", Read(panel, 2), "cut to 21 columns");
        oled.Show(2, "café ☕");
        Assert.AreEqual("caf? ?".PadRight(21), Read(panel, 2), "outside printable ASCII: '?'");
    }

    [TestMethod]
    public void Font_HasADistinctGlyphForEveryPrintableCharacter_InFiveBySeven()
    {
        var seen = new System.Collections.Generic.HashSet<string>();
        for (char c = Font5x7.First; c <= Font5x7.Last; c++)
        {
            var rows = Enumerable.Range(0, 7).Select(r => Font5x7.Row(c, r)).ToArray();
            Assert.IsTrue(rows.All(r => r < 0x20), $"'{c}' fits in 5 columns");
            Assert.IsTrue(seen.Add(string.Join(",", rows)), $"'{c}' is not another character's glyph");
            Assert.AreEqual(c == ' ', rows.All(r => r == 0), $"'{c}': only the space is blank");
            for (int x = 0; x < 5; x++) Assert.AreEqual(0, Font5x7.Column(c, x) & 0x80, "the eighth pixel row is the line gap");
        }
        Assert.AreEqual(Font5x7.Row('?', 0), Font5x7.Row('é', 0));
        // 'T': the full top row and the middle column.
        Assert.AreEqual(0x1F, Font5x7.Row('T', 0));
        Assert.AreEqual(0x7F, Font5x7.Column('T', 2));
    }

    [TestMethod]
    public void ThroughThePiBuses_AMissingPanelIsACameraException_NamingTheAddress()
    {
        var panel = new Ssd1306Panel(0x3D);
        using (var buses = new RaspberryPiBuses(new RaspberryPiBusOptions { DeviceDirectory = null, OpenI2c = s => { Assert.AreEqual((1, 0x3D), (s.BusId, s.DeviceAddress)); return panel; } }))
        {
            var oled = buses.OpenSsd1306(1, 0x3D, 64);
            oled.Show(0, "hello");
            Assert.AreEqual("hello".PadRight(21), Read(panel, 0));
        }
        Assert.IsFalse(panel.On, "closing the buses switches the panel off");

        var gone = new Ssd1306Panel { Unplugged = true };
        using var none = new RaspberryPiBuses(new RaspberryPiBusOptions { DeviceDirectory = null, OpenI2c = _ => gone });
        var e = Assert.ThrowsExactly<CameraException>(() => none.OpenSsd1306(1, 0x3C, 64));
        StringAssert.Contains(e.Message, "SSD1306 OLED at 0x3C on /dev/i2c-1: no answer");
        StringAssert.Contains(e.Message, "i2cdetect -y 1");
        Assert.IsInstanceOfType<IOException>(e.InnerException);
    }
}
