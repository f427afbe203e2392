using System;
using System.Collections.Generic;
using System.Device.Gpio;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using Embedded.Boards.RaspberryPi;
using Embedded.Converter.Tests.Support;
using Embedded.Firmware.Classification;
using Embedded.Firmware.Outputs;
using Embedded.Runtime.Execution;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Firmware.Tests;

/// <summary>
/// `--on LABEL>SCORE:gpio=PIN`: the rule's syntax, and the pin traffic through System.Device.Gpio's GpioController over
/// a recording GpioDriver — exact writes, on where the score crosses the threshold, off only below the release level
/// after the hold time, never otherwise.
/// </summary>
[TestClass]
public sealed class PinTriggerTests
{
    /// <summary>A GpioDriver that records what a GpioController asks of it ("mode 17 Output", "17=1").</summary>
    private sealed class RecordingDriver : GpioDriver
    {
        public List<string> Events { get; } = new();
        protected override int PinCount => 28;
        protected override void OpenPin(int pinNumber) { }
        protected override void ClosePin(int pinNumber) { }
        protected override void SetPinMode(int pinNumber, PinMode mode) => Events.Add($"mode {pinNumber} {mode}");
        protected override PinMode GetPinMode(int pinNumber) => PinMode.Output;
        protected override bool IsPinModeSupported(int pinNumber, PinMode mode) => true;
        protected override PinValue Read(int pinNumber) => PinValue.Low;
        protected override void Write(int pinNumber, PinValue value) => Events.Add($"{pinNumber}={(value == PinValue.High ? 1 : 0)}");
        protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken) => new() { TimedOut = true };
        protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback) { }
        protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback) { }
    }

    [TestMethod]
    public void Rules_ParseWithTheirDefaults_AndBadOnesSayWhy()
    {
        Assert.AreEqual(new TriggerRule("person", 0.6, 17, 0.5, TimeSpan.FromSeconds(1), true), TriggerRule.Parse("person>0.6:gpio=17"));
        Assert.AreEqual(new TriggerRule("#3", 0.25, 5, 0.2, TimeSpan.FromMilliseconds(250), false), TriggerRule.Parse("#3>0.25:gpio=5,release=0.2,hold=250,active=low"));
        foreach (var (text, message) in new[]
        {
            ("person:gpio=17", "no LABEL>SCORE:"), ("person>1.5:gpio=17", "not a number in [0, 1)"), ("person>0.6:pin=17", "unknown option 'pin=17'"),
            ("person>0.6:gpio=99", "gpio=99 is not a pin number below 64"), ("person>0.6:gpio=17,release=0.7", "release=0.7 must lie in [0, 0.6]"),
            ("person>0.6:hold=5", "no gpio=PIN"),
        })
            StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => TriggerRule.Parse(text), text).Message, message, text);
        var labels = new[] { "background", "tench, Tinca tinca", "goldfish, Carassius auratus" };
        Assert.AreEqual(1, TriggerRule.Parse("Tench>0.5:gpio=2").Resolve(labels, 3));
        Assert.AreEqual(2, TriggerRule.Parse("goldfish, Carassius auratus>0.5:gpio=2").Resolve(labels, 3));
        Assert.AreEqual(2, TriggerRule.Parse("#2>0.5:gpio=2").Resolve(labels, 3));
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => TriggerRule.Parse("shark>0.5:gpio=2").Resolve(labels, 3)).Message, "no class is labelled 'shark'");
    }

    [TestMethod]
    public void Trigger_SwitchesOnAboveTheThreshold_AndOffBelowTheReleaseAfterTheHold_ThroughGpioController()
    {
        var driver = new RecordingDriver();
        using var controller = new GpioController(driver);
        var trigger = new PinTrigger(TriggerRule.Parse("person>0.6:gpio=17,hold=500"), 0, new PiGpioPins(controller));
        var frames = new (double score, int ms)[] { (0.2, 0), (0.7, 100), (0.62, 200), (0.55, 300), (0.45, 400), (0.40, 700), (0.58, 800), (0.61, 900), (0.9, 1000) };
        var states = frames.Select(f => { trigger.Update(f.score, TimeSpan.FromMilliseconds(f.ms)); return trigger.Active; }).ToArray();
        CollectionAssert.AreEqual(new[] { false, true, true, true, true, false, false, true, true }, states,
            "on above 0.6; 0.55 is above the 0.5 release; 0.45 at 300 ms after switching on is inside the hold; 0.40 at 600 ms is not");
        CollectionAssert.AreEqual(new[] { "mode 17 Output", "17=0", "17=1", "17=0", "17=1" }, driver.Events, "written only when the state changes");
        trigger.Release();
        Assert.AreEqual("17=0", driver.Events[^1]);

        var low = new RecordingDriver();
        using var lowController = new GpioController(low);
        var relay = new PinTrigger(TriggerRule.Parse("person>0.6:gpio=4,active=low,hold=0"), 0, new PiGpioPins(lowController));
        relay.Update(0.8, TimeSpan.Zero);
        relay.Update(0.1, TimeSpan.FromMilliseconds(1));
        CollectionAssert.AreEqual(new[] { "mode 4 Output", "4=1", "4=0", "4=1" }, low.Events, "an active-low relay idles high");
    }

    [TestMethod]
    public void BadRules_FailBeforeTheCameraOpens()
    {
        string model = Path.Combine(CameraAgreementTests.RepoRoot(), "firmware", "samples", "models", "mobilenet_v3_small_int8.emb");
        foreach (var (rules, message) in new[]
        {
            (new[] { "shark>0.5:gpio=17" }, "no class is labelled 'shark'"),
            (new[] { "tench>0.5:gpio=17", "goldfish>0.5:gpio=17" }, "gpio=17 is driven by two rules"),
        })
        {
            var args = new List<string> { "run", "--model", model, "--camera", "arducam:spi=0.0" };
            foreach (string rule in rules) { args.Add("--on"); args.Add(rule); }
            var error = new StringWriter();
            Assert.AreNotEqual(0, Program.Run(args.ToArray(), TextWriter.Null, error, CancellationToken.None));
            StringAssert.Contains(error.ToString(), message, "checked before the (absent) camera is opened");
        }
    }

    /// <summary>The run loop: the pin is on exactly on the frames whose score of the class is above the threshold (no hysteresis, no hold).</summary>
    [TestMethod]
    public void RunLoop_DrivesThePinOnTheFramesWhereTheLabelCrossesTheThreshold()
    {
        var model = EmbeddedModel.Load(Path.Combine(CameraAgreementTests.RepoRoot(), "firmware", "samples", "models", "mobilenet_v3_small_int8.emb"));
        using var classifier = new FrameClassifier(model, threads: 1);
        var rule = TriggerRule.Parse("tench>0.3:gpio=17,release=0.3,hold=0");
        int tench = rule.Resolve(classifier.Labels, model.Outputs[0].ElementCount);
        var driver = new RecordingDriver();
        using var controller = new GpioController(driver);
        var triggers = new[] { new PinTrigger(rule, tench, new PiGpioPins(controller)) };
        string dir = Directory.CreateTempSubdirectory("emb-board-on-").FullName;
        try
        {
            var files = Directory.GetFiles(SharedFixtures.Fixture("images", "imagenet-dev"), "*.JPEG").OrderBy(f => f, StringComparer.Ordinal).Take(12).ToArray();
            foreach (var f in files) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)));
            var output = new StringWriter();
            using (var camera = Cameras.CameraSpec.Open("files:" + dir, out long count))
                Commands.RunCommand.Run(classifier, camera, count, 1001, json: true, output, CancellationToken.None, triggers);
            var expected = new List<string> { "mode 17 Output", "17=0" };
            bool on = false;
            foreach (string line in output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                using var json = JsonDocument.Parse(line);
                // The line lists the 64 best classes: a class scoring above 0.3 is among them; one that is not scores less.
                var entry = json.RootElement.GetProperty("top").EnumerateArray().Where(e => e.GetProperty("index").GetInt32() == tench).ToArray();
                double score = entry.Length == 1 ? entry[0].GetProperty("score").GetDouble() : 0;
                Assert.AreEqual(score > 0.3, json.RootElement.GetProperty("gpio").GetProperty("17").GetBoolean(), line);
                if (score > 0.3 != on) { on = !on; expected.Add(on ? "17=1" : "17=0"); }
            }
            expected.Add("17=0");   // released at the end of the run
            Assert.IsTrue(expected.Contains("17=1"), "the first dev image is a tench: the pin must switch on");
            CollectionAssert.AreEqual(expected, driver.Events);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
