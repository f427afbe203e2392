using System;
using System.Threading;
using Embedded.Boards.Cameras;
using Embedded.Boards.Frames;
using Embedded.Boards.Hardware;

namespace Embedded.Boards.Drivers.ArduCam;

/// <summary>
/// ArduCAM Mini 2MP (Plus): an OV2640 configured over SCCB, frames captured by the ArduChip into its FIFO and read
/// over SPI. Start checks the SPI wiring (test register) and the sensor (chip id 0x26/0x41–0x42), resets and
/// configures it; Capture clears the done flag, starts a capture, polls for done within the timeout, checks the
/// FIFO length, burst-reads the frame and (JPEG) checks its SOI/EOI markers — a short or corrupt frame is
/// captured again up to <see cref="ArduCamOptions.CaptureAttempts"/> times, then reported.
/// </summary>
public sealed class ArduCamMini2MP : IFrameSource
{
    private readonly ISpiDevice _spi;
    private readonly SccbRegisters _sensor;
    private readonly IClock _clock;
    private readonly ArduCamOptions _options;
    private readonly Frame _frame = new();
    private readonly byte[] _command = new byte[2], _reply = new byte[2];
    private readonly byte[] _burstWrite, _burstRead;
    // Data bytes per burst: the command byte and its data go in one transfer, within the bus's limit.
    private readonly int _burstBytes;
    private bool _started;

    public ArduCamMini2MP(ISpiDevice spi, II2cDevice sccb, IClock clock, ArduCamOptions? options = null)
    {
        _spi = spi ?? throw new ArgumentNullException(nameof(spi));
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        _options = options ?? new ArduCamOptions();
        if (_options.Format is not (PixelFormat.Jpeg or PixelFormat.Rgb565)) throw new ArgumentException($"the ArduCam driver captures JPEG or RGB565, not {_options.Format}", nameof(options));
        Ov2640.DspTable(true, _options.Width, _options.Height);   // validates the size
        if (_options.BurstBytes < 1 || _options.FifoCapacity < 1 || _options.FifoCapacity > ArduChip.MaxFifoLength + 1)
            throw new ArgumentOutOfRangeException(nameof(options), "burst size and FIFO capacity must be positive (FIFO at most 8 MiB)");
        if (_options.Format == PixelFormat.Rgb565 && 2L * _options.Width * _options.Height > _options.FifoCapacity)
            throw new ArgumentException($"an RGB565 {_options.Width}×{_options.Height} frame ({2L * _options.Width * _options.Height} bytes) does not fit the {_options.FifoCapacity}-byte FIFO", nameof(options));
        _sensor = new SccbRegisters(sccb, clock, "OV2640");
        if (spi.MaxTransferBytes < 2) throw new ArgumentException($"the SPI bus moves at most {spi.MaxTransferBytes} bytes per transfer; a burst read needs 2", nameof(spi));
        _burstBytes = Math.Min(_options.BurstBytes, spi.MaxTransferBytes - 1);
        _burstWrite = new byte[_burstBytes + 1];
        _burstWrite[0] = ArduChip.BurstFifoRead;
        _burstRead = new byte[_burstBytes + 1];
    }

    public string Name => $"ArduCam Mini 2MP (OV2640) {_options.Format} {_options.Width}×{_options.Height}";

    /// <summary>The scene name frames carry (emulators set it; real cameras leave it empty).</summary>
    public Func<string>? SourceName { get; set; }

    public void Start() => Start(CancellationToken.None);

    public void Start(CancellationToken cancellation)
    {
        CheckSpi(cancellation);
        CheckChipId(cancellation);
        _sensor.Write(Ov2640.BankSelect, Ov2640.BankSensor, cancellation);
        _sensor.Write(Ov2640.Com7, Ov2640.Com7Reset, cancellation);
        _clock.Delay(TimeSpan.FromMilliseconds(100), cancellation);   // the datasheet asks for 1 ms; ArduCAM waits 100
        _sensor.Write(Ov2640.ClockControl, 0x00, cancellation);
        _sensor.Write(Ov2640.Com7, 0x00, cancellation);                 // UXGA array: the DSP scales to the output size
        _sensor.Write(Ov2640.BankSelect, Ov2640.BankDsp, cancellation);
        _sensor.WriteTable(Ov2640.DspTable(_options.Format == PixelFormat.Jpeg, _options.Width, _options.Height), cancellation);
        WriteRegister(ArduChip.CaptureControl, 0x00);                   // one frame per capture
        WriteRegister(ArduChip.Fifo, ArduChip.FifoClear);
        _started = true;
    }

    public Frame Capture(TimeSpan timeout, CancellationToken cancellation = default)
    {
        if (!_started) throw new InvalidOperationException("call Start before Capture");
        CameraException? last = null;
        for (int attempt = 1; attempt <= _options.CaptureAttempts; attempt++)
        {
            try
            {
                CaptureOnce(timeout, cancellation);
                return _frame;
            }
            catch (CameraTimeoutException) { throw; }
            catch (CameraException e) { last = e; }   // short or corrupt frame: capture again
        }
        throw new CameraException($"{Name}: {_options.CaptureAttempts} captures failed; last: {last!.Message}", last);
    }

    public void Stop()
    {
        if (_started) WriteRegister(ArduChip.Fifo, ArduChip.FifoClear);
        _started = false;
    }

    public void Dispose() => _started = false;

    private void CaptureOnce(TimeSpan timeout, CancellationToken cancellation)
    {
        WriteRegister(ArduChip.Fifo, ArduChip.FifoClear);
        WriteRegister(ArduChip.Fifo, ArduChip.FifoStart);
        var deadline = _clock.Elapsed + timeout;
        while ((ReadRegister(ArduChip.Status) & ArduChip.CaptureDone) == 0)
        {
            if (_clock.Elapsed >= deadline)
                throw new CameraTimeoutException($"{Name}: capture not done after {timeout.TotalMilliseconds:F0} ms (ArduChip status 0x41 bit 3 never set); check the sensor's power and the PCLK/VSYNC lines");
            _clock.Delay(_options.PollInterval, cancellation);
        }
        int length = ReadRegister(ArduChip.FifoSize1) | ReadRegister(ArduChip.FifoSize2) << 8 | (ReadRegister(ArduChip.FifoSize3) & 0x7F) << 16;
        if (length == 0) throw new CameraException($"{Name}: the FIFO is empty after a capture (length registers 0x42–0x44 read 0)");
        // A full (or saturated 23-bit) length means the frame did not fit and its end was lost.
        if (length >= Math.Min(_options.FifoCapacity, ArduChip.MaxFifoLength)) throw new CameraException($"{Name}: FIFO overflow: {length} bytes reported, the FIFO holds {_options.FifoCapacity}");
        int expected = _options.Format == PixelFormat.Rgb565 ? 2 * _options.Width * _options.Height : 0;
        if (expected > 0 && length < expected) throw new CameraException($"{Name}: short frame: the FIFO holds {length} bytes, an RGB565 {_options.Width}×{_options.Height} frame needs {expected}");
        string source = SourceName?.Invoke() ?? "";
        var data = _options.Format == PixelFormat.Jpeg
            ? _frame.Reset(PixelFormat.Jpeg, 0, 0, length, _clock.Elapsed, source)
            : _frame.Reset(PixelFormat.Rgb565, _options.Width, _options.Height, expected, _clock.Elapsed, source);
        ReadFifo(data, cancellation);
        WriteRegister(ArduChip.Fifo, ArduChip.FifoClear);
        if (_options.Format == PixelFormat.Jpeg) _frame.Truncate(JpegLength(data));
    }

    /// <summary>
    /// Burst reads: each transfer sends the burst command and clocks in up to BurstBytes data bytes after it, the whole
    /// message within the bus's MaxTransferBytes (a 4096-byte burst is a 4097-byte message, which spidev refuses).
    /// </summary>
    private void ReadFifo(Span<byte> data, CancellationToken cancellation)
    {
        for (int at = 0; at < data.Length; at += _burstBytes)
        {
            cancellation.ThrowIfCancellationRequested();
            int n = Math.Min(_burstBytes, data.Length - at);
            Transfer(_burstWrite.AsSpan(0, n + 1), _burstRead.AsSpan(0, n + 1), "burst-reading the FIFO");
            _burstRead.AsSpan(1, n).CopyTo(data.Slice(at));
        }
    }

    /// <summary>The JPEG's length up to its EOI marker; a frame without SOI or EOI is corrupt.</summary>
    private int JpegLength(ReadOnlySpan<byte> data)
    {
        if (data.Length < 4 || data[0] != 0xFF || data[1] != 0xD8)
            throw new CameraException($"{Name}: corrupt JPEG frame: no SOI marker (starts {(data.Length > 1 ? $"0x{data[0]:X2} 0x{data[1]:X2}" : "empty")})");
        for (int i = data.Length - 2; i >= 2; i--)
            if (data[i] == 0xFF && data[i + 1] == 0xD9) return i + 2;
        throw new CameraException($"{Name}: corrupt JPEG frame: no EOI marker in {data.Length} bytes");
    }

    private void CheckSpi(CancellationToken cancellation)
    {
        byte seen = 0;
        for (int attempt = 0; attempt < _options.ProbeAttempts; attempt++)
        {
            WriteRegister(ArduChip.Test1, 0x55);
            seen = ReadRegister(ArduChip.Test1);
            if (seen == 0x55) return;
            _clock.Delay(TimeSpan.FromMilliseconds(10), cancellation);
        }
        throw new CameraException($"ArduCam: SPI check failed: wrote 0x55 to test register 0x00, read 0x{seen:X2} ({_options.ProbeAttempts} attempts); check MOSI/MISO/SCK/CS wiring and power");
    }

    private void CheckChipId(CancellationToken cancellation)
    {
        _sensor.Write(Ov2640.BankSelect, Ov2640.BankSensor, cancellation);
        byte high = _sensor.Read(Ov2640.ProductIdHigh, cancellation), low = _sensor.Read(Ov2640.ProductIdLow, cancellation);
        if (high != Ov2640.ExpectedIdHigh || !Ov2640.IsKnownIdLow(low))
            throw new CameraException($"ArduCam: the sensor at I2C 0x{Ov2640.Address:X2} reports chip id 0x{high:X2}{low:X2} (registers 0x0A/0x0B), not an OV2640 (0x2641/0x2642)");
    }

    private void WriteRegister(byte register, byte value)
    {
        _command[0] = (byte)(ArduChip.WriteFlag | register);
        _command[1] = value;
        Transfer(_command, _reply, $"writing ArduChip register 0x{register:X2}");
    }

    private byte ReadRegister(byte register)
    {
        _command[0] = (byte)(register & 0x7F);
        _command[1] = 0;
        Transfer(_command, _reply, $"reading ArduChip register 0x{register:X2}");
        return _reply[1];
    }

    private void Transfer(ReadOnlySpan<byte> write, Span<byte> read, string what)
    {
        try
        {
            _spi.TransferFullDuplex(write, read);
        }
        catch (System.IO.IOException e)
        {
            throw new CameraException($"ArduCam: SPI failed {what}: {e.Message}", e);
        }
    }
}
