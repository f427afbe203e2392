using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Embedded.Boards.Cameras;
using Embedded.Boards.Frames;
using Embedded.Boards.Hardware;
using Embedded.Boards.Tests.Support;
using Embedded.Boards.V4L2;
using Embedded.Boards.V4L2.Interop;
using Embedded.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Boards.Tests.V4L2;

/// <summary>The V4L2 camera against an in-memory driver: the exact ioctl sequence, frame copies, skips and faults.</summary>
[TestClass]
public sealed class V4L2CameraTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private static (V4L2Camera camera, FakeVideoDevice device, VirtualClock clock) Make(V4L2CameraOptions? options = null, Action<FakeVideoDevice>? setup = null)
    {
        var clock = new VirtualClock();
        var device = new FakeVideoDevice(clock);
        setup?.Invoke(device);
        return (new V4L2Camera(device, clock, options), device, clock);
    }

    private static byte[] Yuyv(int width, int height, int stride, int seed)
    {
        var random = new Random(seed);
        var data = new byte[stride * height];
        random.NextBytes(data);
        return data;
    }

    [TestMethod]
    public void Start_NegotiatesMapsQueuesAndStreams_InThatOrder()
    {
        var (camera, device, _) = Make(new V4L2CameraOptions { Width = 320, Height = 240, Buffers = 3 });
        camera.Start();
        CollectionAssert.AreEqual(new[]
        {
            "QUERYCAP", "ENUM_FMT", "S_FMT YUYV 320×240", "REQBUFS 3", "MMAP 0", "MMAP 1", "MMAP 2", "QBUF 0", "QBUF 1", "QBUF 2", "STREAMON",
        }, device.Calls);
        StringAssert.Contains(camera.Name, "Fake UVC Camera");
        device.Calls.Clear();
        camera.Dispose();
        CollectionAssert.AreEqual(new[] { "STREAMOFF", "MUNMAP", "REQBUFS 0" }, device.Calls);
        Assert.IsTrue(device.Disposed);
    }

    /// <summary>Controls from the spec options go to the driver after the format, before any buffer: exact ids and values, auto modes off first.</summary>
    [TestMethod]
    public void Controls_AreSetAfterTheFormat_BeforeStreaming_AndARefusedOneIsAClearError()
    {
        var options = new Dictionary<string, string> { ["exposure"] = "150", ["wb"] = "4500", ["brightness"] = "-10", ["gain"] = "3" };
        var controls = V4L2Control.FromOptions("v4l2:/dev/video9", name => options.TryGetValue(name, out var v) ? v : null);
        var (camera, device, _) = Make(new V4L2CameraOptions { Width = 320, Height = 240, Buffers = 1, Controls = controls });
        camera.Start();
        CollectionAssert.AreEqual(new[]
        {
            "QUERYCAP", "ENUM_FMT", "S_FMT YUYV 320×240",
            "S_CTRL 0x009A0901=1", "S_CTRL 0x009A0902=150",        // exposure: manual, then 15 ms
            "S_CTRL 0x0098090C=0", "S_CTRL 0x0098091A=4500",       // white balance: auto off, then 4500 K
            "S_CTRL 0x00980900=-10", "S_CTRL 0x00980913=3",
            "REQBUFS 1", "MMAP 0", "QBUF 0", "STREAMON",
        }, device.Calls);
        camera.Dispose();

        var auto = V4L2Control.FromOptions("v4l2:x", name => name is "exposure" or "wb" ? "auto" : null);
        CollectionAssert.AreEqual(new[] { (V4L2Control.ExposureAuto, V4L2Control.ExposureAperturePriority), (V4L2Control.AutoWhiteBalance, 1) }, auto.Select(c => (c.Id, c.Value)).ToArray());
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => V4L2Control.FromOptions("v4l2:x", n => n == "wb" ? "warm" : null)).Message, "wb=warm is not a whole number in 1000..12000");

        var (refusing, _, _) = Make(new V4L2CameraOptions { Controls = controls }, d => d.MissingControls.Add(V4L2Control.WhiteBalanceTemperature));
        StringAssert.Contains(Assert.ThrowsExactly<CameraException>(() => refusing.Start()).Message, "wb=4500");
    }

    [TestMethod]
    public void Yuyv_RowPaddingIsDropped_AndEveryBufferGoesBack()
    {
        const int width = 37 * 2, height = 5, stride = 2 * width + 12;
        var (camera, device, _) = Make(new V4L2CameraOptions { Width = width, Height = height, Buffers = 2 },
            d => d.Negotiate = f => f with { BytesPerLine = stride, SizeImage = stride * height });
        camera.Start();
        for (int i = 0; i < 5; i++)
        {
            var data = Yuyv(width, height, stride, i);
            device.Pending.Enqueue((data, 0));
            var frame = camera.Capture(Second);
            Assert.AreEqual(PixelFormat.Yuyv, frame.Format);
            Assert.AreEqual((width, height), (frame.Width, frame.Height));
            var expected = Enumerable.Range(0, height).SelectMany(y => data.Skip(y * stride).Take(2 * width)).ToArray();
            CollectionAssert.AreEqual(expected, frame.Data.ToArray(), $"frame {i}");
        }
        Assert.AreEqual(5, device.Calls.Count(c => c.StartsWith("DQBUF")));
        Assert.AreEqual(2 + 5, device.Calls.Count(c => c.StartsWith("QBUF")), "each dequeued buffer is queued again at once");
    }

    [TestMethod]
    public void DriverMayChangeTheSize_FramesFollowIt()
    {
        var (camera, device, _) = Make(new V4L2CameraOptions { Width = 1000, Height = 1000 }, d => d.Negotiate = f => f with { Width = 640, Height = 480, BytesPerLine = 1280 });
        camera.Start();
        device.Pending.Enqueue((new byte[640 * 480 * 2], 0));
        var frame = camera.Capture(Second);
        Assert.AreEqual((640, 480), (frame.Width, frame.Height));
        StringAssert.Contains(camera.Name, "640×480");
    }

    [TestMethod]
    public void Mjpeg_FramesAreJpeg_AndDecodeThroughThePreprocessor()
    {
        var jpeg = TestScenes.TinyJpeg;
        var (camera, device, _) = Make(new V4L2CameraOptions { Format = PixelFormat.Jpeg });
        camera.Start();
        Assert.IsTrue(device.Calls.Contains("S_FMT MJPG 640×480"));
        device.Pending.Enqueue((jpeg, 0));
        var frame = camera.Capture(Second);
        Assert.AreEqual(PixelFormat.Jpeg, frame.Format);
        CollectionAssert.AreEqual(jpeg, frame.Data.ToArray());
        var pixels = new byte[224 * 224 * 3];
        new FramePreprocessor(224, 224, 256).Prepare(frame, pixels);
        Assert.IsTrue(pixels.Any(p => p != 0));
    }

    [TestMethod]
    public void AutoFormat_FallsBackToMjpeg_AndNamesWhatIsOffered()
    {
        var (camera, device, _) = Make(setup: d => { d.Formats.Clear(); d.Formats.Add(FourCC.Jpeg); });
        camera.Start();
        Assert.IsTrue(device.Calls.Contains("S_FMT JPEG 640×480"), string.Join(",", device.Calls));

        var (yuyvOnly, _, _) = Make(new V4L2CameraOptions { Format = PixelFormat.Yuyv }, d => { d.Formats.Clear(); d.Formats.Add(FourCC.From("GREY")); d.Formats.Add(FourCC.Mjpeg); });
        var error = Assert.ThrowsExactly<CameraException>(() => yuyvOnly.Start());
        StringAssert.Contains(error.Message, "does not offer YUYV; it offers GREY, MJPG");
    }

    [TestMethod]
    public void NotACaptureDevice_IsRefusedWithItsCapabilities()
    {
        var (camera, _, _) = Make(setup: d => d.Capability = d.Capability with { Capabilities = 0x04001000, Card = "unicam" });
        var error = Assert.ThrowsExactly<CameraException>(() => camera.Start());
        StringAssert.Contains(error.Message, "unicam");
        StringAssert.Contains(error.Message, "multi-planar");
    }

    [TestMethod]
    public void DriverChangingTheFormatOrGivingANarrowStride_IsAnError()
    {
        var (swapped, _, _) = Make(setup: d => d.Negotiate = f => f with { PixelFormat = FourCC.Mjpeg });
        StringAssert.Contains(Assert.ThrowsExactly<CameraException>(() => swapped.Start()).Message, "asked for YUYV, the driver set MJPG");
        var (narrow, _, _) = Make(setup: d => d.Negotiate = f => f with { BytesPerLine = f.Width });
        StringAssert.Contains(Assert.ThrowsExactly<CameraException>(() => narrow.Start()).Message, "inconsistent");
        var (none, _, _) = Make(setup: d => d.GrantedBuffers = 0);
        StringAssert.Contains(Assert.ThrowsExactly<CameraException>(() => none.Start()).Message, "no capture buffers");
    }

    [TestMethod]
    public void BadFrames_AreSkipped_UpToTheLimit()
    {
        var (camera, device, _) = Make(new V4L2CameraOptions { Width = 4, Height = 2, MaxBadFrames = 3 });
        camera.Start();
        device.Pending.Enqueue((new byte[16], VideoDev2.V4L2_BUF_FLAG_ERROR));
        device.Pending.Enqueue((new byte[10], 0)); // short
        var good = Enumerable.Range(1, 16).Select(i => (byte)i).ToArray();
        device.Pending.Enqueue((good, 0));
        CollectionAssert.AreEqual(good, camera.Capture(Second).Data.ToArray());

        for (int i = 0; i < 4; i++) device.Pending.Enqueue((new byte[3], 0));
        var error = Assert.ThrowsExactly<CameraException>(() => camera.Capture(Second));
        StringAssert.Contains(error.Message, "4 unusable frames in a row");
        StringAssert.Contains(error.Message, "short: 3 bytes of 16");
    }

    [TestMethod]
    public void MjpegFrameWithoutHeader_IsSkipped()
    {
        var (camera, device, _) = Make(new V4L2CameraOptions { Format = PixelFormat.Jpeg, MaxBadFrames = 1 });
        camera.Start();
        device.Pending.Enqueue((new byte[] { 0, 0, 0, 0 }, 0));
        device.Pending.Enqueue((Array.Empty<byte>(), 0));
        StringAssert.Contains(Assert.ThrowsExactly<CameraException>(() => camera.Capture(Second)).Message, "does not start with a JPEG header");
    }

    [TestMethod]
    public void NoFrames_TimesOutOnTime()
    {
        var (camera, _, clock) = Make();
        camera.Start();
        var start = clock.Elapsed;
        var error = Assert.ThrowsExactly<CameraTimeoutException>(() => camera.Capture(TimeSpan.FromMilliseconds(750)));
        StringAssert.Contains(error.Message, "no frame within 750 ms");
        Assert.AreEqual(TimeSpan.FromMilliseconds(750), clock.Elapsed - start, "waited exactly the timeout, in poll slices");
    }

    [TestMethod]
    public void Unplugged_IsACameraError_AndDisposeStillReleases()
    {
        var (camera, device, _) = Make();
        camera.Start();
        device.Unplugged = true;
        StringAssert.Contains(Assert.ThrowsExactly<CameraException>(() => camera.Capture(Second)).Message, "unplugged");
        camera.Dispose();
        Assert.IsTrue(device.Disposed);
    }

    [TestMethod]
    public void Cancellation_StopsAWaitingCapture()
    {
        var (camera, _, _) = Make();
        camera.Start();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsExactly<OperationCanceledException>(() => camera.Capture(Second, cancelled.Token));
    }

    [TestMethod]
    public void SteadyCapture_AllocatesNothing()
    {
        var (camera, device, _) = Make(new V4L2CameraOptions { Width = 64, Height = 48 });
        camera.Start();
        var data = new byte[64 * 48 * 2];
        for (int i = 0; i < 4; i++) { device.Pending.Enqueue((data, 0)); camera.Capture(Second); }
        device.Record = false;
        long allocated = Allocations.SteadyState(() => { device.Pending.Enqueue((data, 0)); camera.Capture(Second); }, callsPerRound: 100);
        Assert.AreEqual(0L, allocated, $"100 captures allocated {allocated} bytes");
    }
}
