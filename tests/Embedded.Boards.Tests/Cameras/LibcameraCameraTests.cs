using System;
using System.IO;
using System.Linq;
using Embedded.Boards.Cameras;
using Embedded.Boards.Cameras.Libcamera;
using Embedded.Boards.Frames;
using Embedded.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Boards.Tests.Cameras;

/// <summary>
/// The libcamera camera against a fake rpicam-vid (a shell script written per test) that streams frames, stalls and
/// exits: frames byte-identical to what it wrote, rpicam-vid's arguments, a stall as a timeout within the timeout, a
/// program that keeps dying reported with its code and words, and no allocation per frame.
/// </summary>
[TestClass]
public sealed class LibcameraCameraTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private string _dir = "";

    [TestInitialize]
    public void Setup()
    {
        if (!OperatingSystem.IsLinux()) Assert.Inconclusive("the fake rpicam-vid is a POSIX shell script");
        _dir = Directory.CreateTempSubdirectory("emb-libcamera-").FullName;
    }

    [TestCleanup]
    public void Cleanup() { if (_dir.Length > 0) Directory.Delete(_dir, recursive: true); }

    /// <summary>A fake rpicam-vid: records its arguments, then runs <paramref name="body"/> (sh).</summary>
    private string FakeProgram(string body)
    {
        string path = Path.Combine(_dir, "rpicam-vid");
        File.WriteAllText(path, $"#!/bin/sh\necho \"$@\" > '{_dir}/args'\n{body}\n");
        if (OperatingSystem.IsLinux()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[][] YuvFrames(int count, int width, int height)
    {
        var random = new Random(5);
        return Enumerable.Range(0, count).Select(_ => { var f = new byte[PixelFormats.FrameBytes(PixelFormat.Yuv420, width, height)]; random.NextBytes(f); return f; }).ToArray();
    }

    [TestMethod]
    public void Yuv420_FramesArriveByteForByte_WithRpicamVidsArguments()
    {
        var frames = YuvFrames(3, 64, 48);
        string data = Write("frames.yuv", frames.SelectMany(f => f).ToArray());
        using var camera = new LibcameraCamera(new LibcameraOptions { Width = 64, Height = 48, FramesPerSecond = 15, Command = FakeProgram($"cat '{data}'; sleep 30"), Extra = new[] { "--awb", "daylight" } });
        camera.Start();
        for (int i = 0; i < 3; i++)
        {
            var frame = camera.Capture(Timeout);
            Assert.AreEqual((PixelFormat.Yuv420, 64, 48), (frame.Format, frame.Width, frame.Height));
            CollectionAssert.AreEqual(frames[i], frame.Data.ToArray(), $"frame {i}");
        }
        Assert.AreEqual("--timeout 0 --nopreview --verbose 0 --codec yuv420 --width 64 --height 48 --framerate 15 --camera 0 --awb daylight --output -",
            File.ReadAllText(Path.Combine(_dir, "args")).Trim());
    }

    [TestMethod]
    public void Mjpeg_SplitsTheStreamIntoTheJpegsItCarries()
    {
        var jpegs = DevJpegs(3);
        string data = Write("frames.mjpeg", jpegs.SelectMany(j => j).ToArray());
        using var camera = new LibcameraCamera(new LibcameraOptions { Format = PixelFormat.Jpeg, Width = 640, Height = 480, Command = FakeProgram($"cat '{data}'; sleep 30") });
        camera.Start();
        for (int i = 0; i < 3; i++) CollectionAssert.AreEqual(jpegs[i], camera.Capture(Timeout).Data.ToArray(), $"frame {i}");
        StringAssert.Contains(File.ReadAllText(Path.Combine(_dir, "args")), "--codec mjpeg");
    }

    [TestMethod]
    public void AStall_IsATimeoutWithinTheTimeout_AndTheNextCaptureStartsTheProgramAgain()
    {
        var frames = YuvFrames(1, 32, 16);
        string data = Write("frame.yuv", frames[0]);
        using var camera = new LibcameraCamera(new LibcameraOptions { Width = 32, Height = 16, Command = FakeProgram($"cat '{data}'; head -c 100 '{data}'; sleep 30") });
        camera.Start();
        CollectionAssert.AreEqual(frames[0], camera.Capture(Timeout).Data.ToArray());
        // Only the watchdog makes this a timeout: left alone, the fake would end its 30 s sleep and exit (a restart, not a timeout).
        var stall = Assert.ThrowsExactly<CameraTimeoutException>(() => camera.Capture(TimeSpan.FromMilliseconds(400)));
        StringAssert.Contains(stall.Message, "no frame within 400 ms — rpicam-vid stalled and was stopped");
        CollectionAssert.AreEqual(frames[0], camera.Capture(Timeout).Data.ToArray(), "after the stall the program runs again");
        Assert.AreEqual(1, camera.Restarts);
    }

    [TestMethod]
    public void AProgramThatExits_IsStartedAgain_AndOneThatKeepsDyingIsReported()
    {
        var frames = YuvFrames(1, 32, 16);
        string data = Write("frame.yuv", frames[0]);
        using (var once = new LibcameraCamera(new LibcameraOptions { Width = 32, Height = 16, Command = FakeProgram($"cat '{data}'; exit 0") }))
        {
            once.Start();
            for (int i = 0; i < 3; i++) CollectionAssert.AreEqual(frames[0], once.Capture(Timeout).Data.ToArray(), $"frame {i}");
            Assert.AreEqual(2, once.Restarts);
        }
        using var dead = new LibcameraCamera(new LibcameraOptions { Width = 32, Height = 16, Command = FakeProgram("echo 'ERROR: *** no cameras available ***' >&2; exit 255") });
        dead.Start();
        var error = Assert.ThrowsExactly<CameraException>(() => dead.Capture(Timeout));
        StringAssert.Contains(error.Message, "rpicam-vid exited with code 255 3 times without a frame");
        StringAssert.Contains(error.Message, "no cameras available");

        var missing = Assert.ThrowsExactly<CameraException>(() => new LibcameraCamera(new LibcameraOptions { Command = Path.Combine(_dir, "absent") }).Start());
        StringAssert.Contains(missing.Message, "sudo apt install rpicam-apps");
    }

    [TestMethod]
    public void Capture_AllocatesNothingPerFrame()
    {
        var frames = YuvFrames(1, 64, 48);
        string data = Write("frame.yuv", frames[0]);
        using var camera = new LibcameraCamera(new LibcameraOptions { Width = 64, Height = 48, Command = FakeProgram($"while true; do cat '{data}'; done") });
        camera.Start();
        camera.Capture(Timeout);
        Assert.AreEqual(0L, Allocations.SteadyState(() => camera.Capture(Timeout)));
    }

    [TestMethod]
    public void MjpegStream_FindsEachJpegsEnd_WaitsForMore_AndRefusesGarbage()
    {
        var jpeg = DevJpegs(1)[0];
        var two = jpeg.Concat(jpeg).ToArray();
        Assert.AreEqual(jpeg.Length, MjpegStream.CompleteLength(two));
        Assert.AreEqual(jpeg.Length, MjpegStream.CompleteLength(jpeg), "EOI as the last two bytes");
        for (int cut = 0; cut < jpeg.Length; cut += 997) Assert.AreEqual(-1, MjpegStream.CompleteLength(jpeg.AsSpan(0, cut)), $"cut at {cut}");
        Assert.ThrowsExactly<CameraException>(() => MjpegStream.CompleteLength(new byte[] { 0x12, 0x34, 0x56 }));
    }

    private static byte[][] DevJpegs(int count)
    {
        var files = Directory.GetFiles(Embedded.Converter.Tests.Support.SharedFixtures.Fixture("images", "imagenet-dev"), "*.JPEG");
        Array.Sort(files, StringComparer.Ordinal);
        return files.Take(count).Select(File.ReadAllBytes).ToArray();
    }
}
