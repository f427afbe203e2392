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
        Assert.AreEqual((16, 2, 1, 0x27), DisplaySpec.Parse("lcd1602"));
        Assert.AreEqual((20, 4, 0, 0x3F), DisplaySpec.Parse("lcd2004:i2c=0,address=0x3f"));
        foreach (var (spec, message) in new[] { ("ssd1306:i2c=1", "unknown display 'ssd1306'"), ("lcd1602:address=39", "address=39 is not a 7-bit I2C address"), ("lcd1602:spi=0", "unknown option") })
            StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => DisplaySpec.Parse(spec), spec).Message, message, spec);
    }

    [TestMethod]
    public void RunLoop_ShowsTheTopClassAndItsScore_EachFrame()
    {
        var model = EmbeddedModel.Load(Path.Combine(CameraAgreementTests.RepoRoot(), "firmware", "samples", "models", "mobilenet_v3_small_int8.emb"));
        using var classifier = new FrameClassifier(model, threads: 1);
        string dir = Directory.CreateTempSubdirectory("emb-board-lcd-").FullName;
        try
        {
            foreach (var f in Directory.GetFiles(SharedFixtures.Fixture("images", "imagenet-dev"), "*.JPEG").OrderBy(f => f, StringComparer.Ordinal).Take(4))
                File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
            var output = new StringWriter();
            var lcd = new RecordingDisplay(20, 4);
            using (var camera = Cameras.CameraSpec.Open("files:" + dir, out long count))
                Commands.RunCommand.Run(classifier, camera, count, 2, json: true, output, CancellationToken.None, display: lcd);
            var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.HasCount(lines.Length, lcd.Frames);
            for (int i = 0; i < lines.Length; i++)
            {
                using var json = JsonDocument.Parse(lines[i]);
                var top = json.RootElement.GetProperty("top").EnumerateArray().ToArray();
                for (int k = 0; k < 2; k++)
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
