using System;
using System.Threading;
using Embedded.Boards.Cameras;
using Embedded.Boards.Frames;
using Embedded.Boards.Hardware;

namespace Embedded.Boards.Drivers.Ov7670;

/// <summary>
/// OV7670 with an AL422B FIFO on GPIO: configured over SCCB, a frame is written into the FIFO between two VSYNC
/// pulses (WRST resets the write pointer, WEN enables writing) and read out by bit-banging: RRST resets the read
/// pointer, then each RCLK rising edge (OE low) puts the next byte on D0–D7. Every wait is bounded by the capture
/// timeout; a missing VSYNC is a <see cref="CameraTimeoutException"/>.
/// </summary>
public sealed class Ov7670Fifo : IFrameSource
{
    private readonly IGpioPins _gpio;
    private readonly SccbRegisters _sensor;
    private readonly IClock _clock;
    private readonly Ov7670Options _options;
    private readonly Ov7670Pins _pins;
    private readonly Frame _frame = new();
    private int _width, _height;
    private bool _started;

    public Ov7670Fifo(IGpioPins gpio, II2cDevice sccb, IClock clock, Ov7670Options? options = null)
    {
        _gpio = gpio ?? throw new ArgumentNullException(nameof(gpio));
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        _options = options ?? new Ov7670Options();
        _pins = _options.Pins;
        _pins.Validate();
        if (_options.Format is not (PixelFormat.Rgb565 or PixelFormat.Yuyv)) throw new ArgumentException($"the OV7670 driver captures RGB565 or YUYV, not {_options.Format}", nameof(options));
        CheckSize(_options.Width, _options.Height);
        _sensor = new SccbRegisters(sccb, clock, "OV7670");
        _width = _options.Width;
        _height = _options.Height;
    }

    public string Name => $"OV7670 + AL422B FIFO {_options.Format} {_width}×{_height}";

    /// <summary>The scene name frames carry (emulators set it; real cameras leave it empty).</summary>
    public Func<string>? SourceName { get; set; }

    public void Start() => Start(CancellationToken.None);

    public void Start(CancellationToken cancellation)
    {
        _gpio.SetPinMode(_pins.Vsync, PinMode.Input);
        foreach (int d in _pins.Data) _gpio.SetPinMode(d, PinMode.Input);
        foreach (int p in new[] { _pins.WriteReset, _pins.WriteEnable, _pins.ReadReset, _pins.OutputEnable, _pins.ReadClock }) _gpio.SetPinMode(p, PinMode.Output);
        _gpio.Write(_pins.WriteEnable, false);
        _gpio.Write(_pins.WriteReset, true);
        _gpio.Write(_pins.ReadReset, true);
        _gpio.Write(_pins.OutputEnable, true);
        _gpio.Write(_pins.ReadClock, false);

        byte pid = _sensor.Read(Ov7670.ProductId, cancellation), ver = _sensor.Read(Ov7670.Version, cancellation);
        if (pid != Ov7670.ExpectedProductId || ver != Ov7670.ExpectedVersion)
            throw new CameraException($"OV7670: the sensor at I2C 0x{Ov7670.Address:X2} reports chip id 0x{pid:X2}{ver:X2} (registers 0x0A/0x0B), not an OV7670 (0x7673)");
        _sensor.Write(Ov7670.Com7, Ov7670.Com7Reset, cancellation);
        _clock.Delay(TimeSpan.FromMilliseconds(100), cancellation);
        // PCLK = XCLK / 2: slow enough for the FIFO's write side.
        _sensor.Write(Ov7670.ClockControl, 0x01, cancellation);
        Configure(_width, _height, cancellation);
        _started = true;
    }

    /// <summary>Sets the output size (between captures): QVGA scaling for 320×240, else a centered full-resolution window.</summary>
    public void Configure(int width, int height, CancellationToken cancellation = default)
    {
        CheckSize(width, height);
        bool rgb = _options.Format == PixelFormat.Rgb565, qvga = width == 320 && height == 240;
        _sensor.Write(Ov7670.Com7, (byte)((rgb ? Ov7670.Com7Rgb : 0) | (qvga ? Ov7670.Com7Qvga : 0)), cancellation);
        _sensor.Write(Ov7670.Com15, rgb ? Ov7670.Com15Rgb565FullRange : (byte)0xC0, cancellation);
        _sensor.Write(Ov7670.Tslb, 0x04, cancellation);
        _sensor.WriteTable(qvga ? Ov7670.WindowTable(Ov7670.ArrayWidth, Ov7670.ArrayHeight) : Ov7670.WindowTable(width, height), cancellation);
        _width = width;
        _height = height;
    }

    public Frame Capture(TimeSpan timeout, CancellationToken cancellation = default)
    {
        if (!_started) throw new InvalidOperationException("call Start before Capture");
        var deadline = _clock.Elapsed + timeout;
        // Frame boundary, then one whole frame with the write pointer reset and writing enabled.
        WaitVsync(deadline, timeout, "the start of a frame", cancellation);
        _gpio.Write(_pins.WriteReset, false);
        _gpio.Write(_pins.WriteReset, true);
        _gpio.Write(_pins.WriteEnable, true);
        try
        {
            WaitVsync(deadline, timeout, "the end of the frame", cancellation);
        }
        finally
        {
            _gpio.Write(_pins.WriteEnable, false);
        }
        int length = 2 * _width * _height;
        var data = _frame.Reset(_options.Format, _width, _height, length, _clock.Elapsed, SourceName?.Invoke() ?? "");
        ReadFifo(data, cancellation);
        return _frame;
    }

    public void Stop()
    {
        if (_started) _gpio.Write(_pins.WriteEnable, false);
        _started = false;
    }

    public void Dispose() => Stop();

    private void WaitVsync(TimeSpan deadline, TimeSpan timeout, string what, CancellationToken cancellation)
    {
        var left = deadline - _clock.Elapsed;
        if (left <= TimeSpan.Zero || !_gpio.WaitForEdge(_pins.Vsync, PinEdge.Rising, left, cancellation))
            throw new CameraTimeoutException($"{Name}: no VSYNC on GPIO {_pins.Vsync} for {what} within {timeout.TotalMilliseconds:F0} ms; check the VSYNC wire, XCLK and power");
    }

    private void ReadFifo(Span<byte> data, CancellationToken cancellation)
    {
        _gpio.Write(_pins.ReadReset, false);
        _gpio.Write(_pins.ReadClock, true);
        _gpio.Write(_pins.ReadClock, false);
        _gpio.Write(_pins.ReadReset, true);
        _gpio.Write(_pins.OutputEnable, false);
        try
        {
            var d = _pins.Data;
            for (int i = 0; i < data.Length; i++)
            {
                if ((i & 0xFFF) == 0) cancellation.ThrowIfCancellationRequested();
                _gpio.Write(_pins.ReadClock, true);
                int value = 0;
                for (int bit = 0; bit < 8; bit++)
                    if (_gpio.Read(d[bit])) value |= 1 << bit;
                data[i] = (byte)value;
                _gpio.Write(_pins.ReadClock, false);
            }
        }
        finally
        {
            _gpio.Write(_pins.OutputEnable, true);
        }
    }

    private void CheckSize(int width, int height)
    {
        Ov7670.WindowTable(width, height);
        if (_options.Format == PixelFormat.Yuyv && width % 2 != 0) throw new ArgumentException($"YUYV frames need an even width, not {width}");
        if (2L * width * height > _options.FifoCapacity)
            throw new CameraException($"OV7670: a {width}×{height} frame is {2L * width * height} bytes, the AL422B FIFO holds {_options.FifoCapacity} (use 320×240 or a smaller window)");
    }
}
