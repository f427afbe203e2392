using System;
using System.Threading;
using Embedded.Boards.Drivers.Ov7670;
using Embedded.Boards.Emulation;
using Embedded.Boards.Frames;
using Embedded.Boards.Hardware;

namespace Embedded.Firmware.Cameras;

/// <summary>
/// `sim-ov7670:DIR[,rgb565|yuyv]`: the real OV7670 + FIFO driver bit-banging the emulated module. Before each capture the
/// sensor window is set to the upcoming image's size, so the sensor path changes nothing but the pixel format;
/// images larger than the sensor (640×480) or the FIFO (384 KiB) are framed smaller, keeping their aspect ratio
/// (and YUYV frames, which pair pixels, have an even width).
/// </summary>
internal sealed class SimulatedOv7670 : IFrameSource
{
    private readonly Ov7670Fifo _driver;
    private readonly SceneSet _scenes;
    private readonly PixelFormat _format;
    private (int w, int h) _size;

    public SimulatedOv7670(string directory, bool realTime, PixelFormat format = PixelFormat.Rgb565)
    {
        _scenes = SceneSet.FromDirectory(directory);
        Count = _scenes.Count;
        IClock clock = realTime ? SystemClock.Instance : new VirtualClock();
        Emulator = new Ov7670FifoEmulator(_scenes, clock);
        if (!realTime) Emulator.FramePeriod = TimeSpan.FromTicks(1);
        _format = format;
        _size = FitSize(_scenes.Peek().Image.Width, _scenes.Peek().Image.Height, format);
        _driver = new Ov7670Fifo(Emulator, Emulator, clock, new Ov7670Options { Format = format, Width = _size.w, Height = _size.h })
        {
            SourceName = () => Emulator.CurrentScene,
        };
    }

    public Ov7670FifoEmulator Emulator { get; }
    public int Count { get; }
    public string Name => "emulated " + _driver.Name;
    public void Start() => _driver.Start();

    public Frame Capture(TimeSpan timeout, CancellationToken cancellation = default)
    {
        var next = _scenes.Peek().Image;
        var size = FitSize(next.Width, next.Height, _format);
        if (size != _size) { _driver.Configure(size.w, size.h, cancellation); _size = size; }
        return _driver.Capture(timeout, cancellation);
    }

    public void Stop() => _driver.Stop();
    public void Dispose() => _driver.Dispose();

    /// <summary>The image's own size when the sensor and FIFO can hold it, else the largest same-aspect size that fits.</summary>
    internal static (int w, int h) FitSize(int width, int height, PixelFormat format)
    {
        double scale = Math.Min(1.0, Math.Min((double)Ov7670.ArrayWidth / width, (double)Ov7670.ArrayHeight / height));
        scale = Math.Min(scale, Math.Sqrt(393_216.0 / (2.0 * width * height)));
        var (w, h) = scale >= 1.0 ? (width, height) : (Math.Max(2, (int)(width * scale)), Math.Max(2, (int)(height * scale)));
        return format == PixelFormat.Yuyv ? (Math.Max(2, w & ~1), h) : (w, h);
    }
}
