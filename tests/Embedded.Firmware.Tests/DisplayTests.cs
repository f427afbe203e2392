using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using Embedded.Boards.Hardware;
using Embedded.Converter.Tests.Support;
using Embedded.Firmware.Classification;
using Embedded.Firmware.Outputs;
using Embedded.Runtime.Execution;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Firmware.Tests;

/// <summary>`--display lcd1602|lcd2004:…`: the spec, and what the run loop shows (the LCD's own bytes: CharacterLcdTests).</summary>
[TestClass]
public sealed class DisplayTests
{
    private sealed class RecordingDisplay : ITextDisplay
    {
        public RecordingDisplay(int columns, int rows) { Columns = columns; Rows = rows; Text = new string[rows]; }
        public int Columns { get; }
        public int Rows { get; }
        public string[] Text { get; }
        public List<string[]> Frames { get; } = new();
        public void Show(int row, ReadOnlySpan<char> text)
        {
            Text[row] = text.ToString();
            if (row == Rows - 1) Frames.Add((string[])Text.Clone());
        }
        public void Dispose() { }
    }

    [TestMethod]
    public void Specs_ParseWithDefaults_AndBadOnesSayWhy()
    {
        Assert.AreEqual(new DisplaySpec.Parsed("lcd1602", 16, 2, 1, 0x27), DisplaySpec.Parse("lcd1602"));
        Assert.AreEqual(new DisplaySpec.Parsed("lcd2004", 20, 4, 0, 0x3F), DisplaySpec.Parse("lcd2004:i2c=0,address=0x3f"));
        Assert.AreEqual(new DisplaySpec.Parsed("ssd1306", 21, 8, 1, 0x3C), DisplaySpec.Parse("ssd1306:i2c=1"));
        Assert.AreEqual(new DisplaySpec.Parsed("ssd1306", 21, 4, 3, 0x3D), DisplaySpec.Parse("ssd1306:i2c=3,address=0x3D,height=32"));
        foreach (var (spec, message) in new[]
        {
            ("oled:i2c=1", "unknown display 'oled'"), ("lcd1602:address=39", "address=39 is not a 7-bit I2C address"),
            ("lcd1602:spi=0", "--display 'lcd1602:spi=0': unknown option 'spi'"), ("lcd1602:height=32", "unknown option 'height'"),
            ("ssd1306:height=48", "height=48: an SSD1306 panel is 64 or 32"), ("ssd1306:height=128", "height=128 is not a whole number in 32..64"),
        })
            StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => DisplaySpec.Parse(spec), spec).Message, message, spec);
    }

    [TestMethod]
    [DataRow(20, 4, DisplayName = "lcd2004: two classes")]
    [DataRow(21, 8, DisplayName = "ssd1306 128x64: four classes")]
    public void RunLoop_ShowsTheTopClassesAndTheirScores_EachFrame(int columns, int rows)
    {
        var model = EmbeddedModel.Load(Path.Combine(CameraAgreementTests.RepoRoot(), "firmware", "samples", "models", "mobilenet_v3_small_int8.emb"));
        using var classifier = new FrameClassifier(model, threads: 1);
        string dir = Directory.CreateTempSubdirectory("emb-board-lcd-").FullName;
        try
        {
            foreach (var f in Directory.GetFiles(SharedFixtures.Fixture("images", "imagenet-dev"), "*.JPEG").OrderBy(f => f, StringComparer.Ordinal).Take(4))
                File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
            var output = new StringWriter();
            var lcd = new RecordingDisplay(columns, rows);
            using (var camera = Cameras.CameraSpec.Open("files:" + dir, out long count))
                Commands.RunCommand.Run(classifier, camera, count, rows / 2, json: true, output, CancellationToken.None, display: lcd);
            var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.HasCount(lines.Length, lcd.Frames);
            for (int i = 0; i < lines.Length; i++)
            {
                using var json = JsonDocument.Parse(lines[i]);
                var top = json.RootElement.GetProperty("top").EnumerateArray().ToArray();
                for (int k = 0; k < rows / 2; k++)
                {
                    string label = top[k].GetProperty("label").GetString()!;
                    Assert.AreEqual(label.Split(',')[0], lcd.Frames[i][2 * k], $"frame {i} class {k}");
                    StringAssert.StartsWith(lcd.Frames[i][2 * k + 1], top[k].GetProperty("score").GetDouble().ToString("F2", System.Globalization.CultureInfo.InvariantCulture), $"frame {i} score {k}");
                }
                StringAssert.EndsWith(lcd.Frames[i][1], " fps");
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
