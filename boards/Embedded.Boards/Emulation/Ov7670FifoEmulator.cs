using System;
using System.IO;
using System.Threading;
using Embedded.Boards.Drivers.Ov7670;
using Embedded.Boards.Frames;
using Embedded.Boards.Hardware;
using Embedded.Imaging;

namespace Embedded.Boards.Emulation;

/// <summary>
/// An OV7670 + AL422B FIFO module on GPIO and SCCB. VSYNC rises every <see cref="FramePeriod"/> on the shared clock;
/// a frame whose whole period passes with WEN high after a WRST pulse is written into the FIFO: the next scene,
/// scaled (Pillow bilinear) to the window the registers describe (halved in QVGA mode), as RGB565 high byte first
/// or YUYV, cut at the FIFO's capacity. RRST and RCLK (with OE low) read it back byte by byte on D0–D7.
/// </summary>
public sealed class Ov7670FifoEmulator : IGpioPins, II2cDevice
{
    private readonly SceneSet _scenes;
    private readonly IClock _clock;
    private readonly Ov7670Pins _pins;
    private readonly byte[] _registers = new byte[256];
    private readonly bool[] _levels = new bool[64];
    private byte[] _fifo = Array.Empty<byte>();
    private int _written, _readPointer;
    private byte _output;
    private byte _pointer;
    private bool _writeReset;
    private TimeSpan _writeEnabledAt = TimeSpan.MaxValue;
    private readonly FaultSchedule<Ov7670Fault> _faults = new();

    public Ov7670FifoEmulator(SceneSet scenes, IClock clock, Ov7670Pins? pins = null)
    {
        _scenes = scenes ?? throw new ArgumentNullException(nameof(scenes));
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        _pins = pins ?? new Ov7670Pins();
        _pins.Validate();
        Reset();
    }

    public int Address => Ov7670.Address;
    public TimeSpan FramePeriod { get; set; } = TimeSpan.FromTicks(TimeSpan.TicksPerSecond / 30);
    public int FifoCapacity { get; set; } = 393_216;
    public string CurrentScene { get; private set; } = "";
    public int FramesWritten { get; private set; }

    public void Inject(Ov7670Fault fault, int count = -1) => _faults.Inject(fault, count);

    private bool Faulty(Ov7670Fault fault, bool consume = true) => _faults.Happens(fault, consume);

    // ---- GPIO ----

    public void SetPinMode(int pin, PinMode mode) => Level(pin);

    public bool Read(int pin)
    {
        int bit = Array.IndexOf(_pins.Data, pin);
        if (bit >= 0) return !Level(_pins.OutputEnable) && ((_output >> bit) & 1) != 0;
        return Level(pin);
    }

    public void Write(int pin, bool high)
    {
        bool was = Level(pin);
        _levels[pin] = high;
        if (pin == _pins.WriteReset && !high) _writeReset = true;
        if (pin == _pins.WriteEnable && high && !was) _writeEnabledAt = _clock.Elapsed;
        if (pin == _pins.WriteEnable && !high) _writeEnabledAt = TimeSpan.MaxValue;
        if (pin == _pins.ReadClock && high && !was)
        {
            if (!Level(_pins.ReadReset)) { _readPointer = 0; return; }
            if (!Level(_pins.OutputEnable)) _output = _readPointer < _written ? _fifo[_readPointer++] : (byte)0xFF;
        }
    }

    public bool WaitForEdge(int pin, PinEdge edge, TimeSpan timeout, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        var now = _clock.Elapsed;
        bool silent = pin != _pins.Vsync || edge != PinEdge.Rising || Faulty(Ov7670Fault.Unplugged, consume: false) || Faulty(Ov7670Fault.NoVsync);
        long periods = now.Ticks / FramePeriod.Ticks + 1;
        var next = TimeSpan.FromTicks(periods * FramePeriod.Ticks);
        if (silent || next - now > timeout)
        {
            _clock.Delay(timeout, cancellation);
            return false;
        }
        _clock.Delay(next - now, cancellation);
        // WEN held over the whole frame that just ended, after a write reset: the frame is in the FIFO.
        if (Level(_pins.WriteEnable) && _writeReset && _writeEnabledAt <= next - FramePeriod) WriteFrame();
        return true;
    }

    private bool Level(int pin)
    {
        if ((uint)pin >= (uint)_levels.Length) throw new ArgumentOutOfRangeException(nameof(pin), $"GPIO {pin} does not exist on the emulated header");
        return _levels[pin];
    }

    private void WriteFrame()
    {
        _writeReset = false;
        FramesWritten++;
        var scene = _scenes.Next();
        CurrentScene = scene.Name;
        var (w, h) = Ov7670.WindowSize(_registers);
        if ((_registers[Ov7670.Com7] & Ov7670.Com7Qvga) != 0) { w /= 2; h /= 2; }
        var image = scene.Image;
        var scaled = image.Width == w && image.Height == h ? image : Resampler.ResizeBilinear(image, w, h);
        int length = 2 * w * h;
        if (_fifo.Length < length) _fifo = new byte[length];
        if ((_registers[Ov7670.Com7] & Ov7670.Com7Rgb) != 0) PixelConversion.FromRgb24ToRgb565(scaled.Pixels, _fifo);
        else ToYuyv(scaled.Pixels, w, h, _fifo);
        _written = Math.Min(length, FifoCapacity);
    }

    /// <summary>RGB → YUYV (JFIF full range, chroma of each pixel pair averaged).</summary>
    private static void ToYuyv(byte[] rgb, int width, int height, byte[] yuyv)
    {
        for (int p = 0; p < width * height; p += 2)
        {
            double y0 = Luma(rgb, p), y1 = Luma(rgb, p + 1);
            double r = (rgb[3 * p] + rgb[3 * p + 3]) / 2.0, g = (rgb[3 * p + 1] + rgb[3 * p + 4]) / 2.0, b = (rgb[3 * p + 2] + rgb[3 * p + 5]) / 2.0;
            yuyv[2 * p] = Byte(y0);
            yuyv[2 * p + 1] = Byte(-0.168736 * r - 0.331264 * g + 0.5 * b + 128);
            yuyv[2 * p + 2] = Byte(y1);
            yuyv[2 * p + 3] = Byte(0.5 * r - 0.418688 * g - 0.081312 * b + 128);
        }
    }

    private static double Luma(byte[] rgb, int p) => 0.299 * rgb[3 * p] + 0.587 * rgb[3 * p + 1] + 0.114 * rgb[3 * p + 2];
    private static byte Byte(double v) => (byte)Math.Clamp(Math.Round(v), 0, 255);

    // ---- SCCB ----

    void II2cDevice.Write(ReadOnlySpan<byte> buffer)
    {
        Acknowledge();
        if (buffer.Length == 0) return;
        _pointer = buffer[0];
        if (buffer.Length < 2) return;
        if (buffer[0] == Ov7670.Com7 && (buffer[1] & Ov7670.Com7Reset) != 0) { Reset(); return; }
        if (buffer[0] is Ov7670.ProductId or Ov7670.Version) return;
        _registers[buffer[0]] = buffer[1];
    }

    void II2cDevice.Read(Span<byte> buffer)
    {
        Acknowledge();
        for (int i = 0; i < buffer.Length; i++)
            buffer[i] = Faulty(Ov7670Fault.WrongChipId, consume: false) && _pointer is Ov7670.ProductId or Ov7670.Version
                ? (_pointer == Ov7670.ProductId ? (byte)0x26 : (byte)0x42)
                : _registers[_pointer];
    }

    public void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        ((II2cDevice)this).Write(writeBuffer);
        ((II2cDevice)this).Read(readBuffer);
    }

    private void Acknowledge()
    {
        if (Faulty(Ov7670Fault.Unplugged, consume: false) || Faulty(Ov7670Fault.I2cNack))
            throw new IOException($"I2C address 0x{Ov7670.Address:X2}: no acknowledge");
    }

    private void Reset()
    {
        Array.Clear(_registers, 0, _registers.Length);
        _registers[Ov7670.ProductId] = Ov7670.ExpectedProductId;
        _registers[Ov7670.Version] = Ov7670.ExpectedVersion;
        var vga = Ov7670.WindowTable(Ov7670.ArrayWidth, Ov7670.ArrayHeight);
        for (int i = 0; i < vga.Length; i += 2) _registers[vga[i]] = vga[i + 1];
    }
}
