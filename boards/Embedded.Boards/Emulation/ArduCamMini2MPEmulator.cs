using System;
using System.IO;
using Embedded.Boards.Drivers.ArduCam;
using Embedded.Boards.Frames;
using Embedded.Boards.Hardware;
using Embedded.Imaging;

namespace Embedded.Boards.Emulation;

/// <summary>
/// An ArduCAM Mini 2MP Plus on the bus: the ArduChip's SPI registers and FIFO, and the OV2640's two SCCB register
/// banks. A capture takes <see cref="CaptureTime"/> on the shared clock and fills the FIFO with the next scene as the
/// DSP is configured: JPEG mode serves the scene's own JPEG file (this emulator has no JPEG encoder, so the JPEG
/// keeps the scene's size), RGB565 mode scales the scene to ZMOW×ZMOH (Pillow bilinear) and sends it high byte first.
/// Faults are injected with <see cref="Inject"/>.
/// </summary>
public sealed class ArduCamMini2MPEmulator : ISpiDevice, II2cDevice
{
    private readonly SceneSet _scenes;
    private readonly IClock _clock;
    private readonly byte[][] _banks = { new byte[256], new byte[256] };
    private readonly byte[] _chip = new byte[256];
    private byte[] _fifo = Array.Empty<byte>();
    private int _fifoLength, _readPointer;
    private byte _pointer;
    private TimeSpan _doneAt = TimeSpan.MaxValue;
    private readonly FaultSchedule<ArduCamFault> _faults = new();

    public ArduCamMini2MPEmulator(SceneSet scenes, IClock clock)
    {
        _scenes = scenes ?? throw new ArgumentNullException(nameof(scenes));
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        ResetSensor();
        _chip[ArduChip.Version] = 0x73;
    }

    public int Address => Ov2640.Address;
    /// <summary>The emulated bus has no message limit (the Pi's spidev does: boards/Embedded.Boards.RaspberryPi).</summary>
    public int MaxTransferBytes { get; set; } = int.MaxValue;
    public TimeSpan CaptureTime { get; set; } = TimeSpan.FromMilliseconds(40);
    public int FifoCapacity { get; set; } = 8 * 1024 * 1024;
    /// <summary>The scene of the last capture.</summary>
    public string CurrentScene { get; private set; } = "";
    public int Captures { get; private set; }

    /// <summary>Makes the next <paramref name="count"/> occurrences of <paramref name="fault"/> happen (−1: always).</summary>
    public void Inject(ArduCamFault fault, int count = -1) => _faults.Inject(fault, count);

    private bool Faulty(ArduCamFault fault, bool consume = true) => _faults.Happens(fault, consume);

    // ---- SPI: the ArduChip ----

    public void TransferFullDuplex(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        if (writeBuffer.Length != readBuffer.Length) throw new ArgumentException("full-duplex buffers differ in length");
        readBuffer.Clear();
        if (writeBuffer.Length == 0 || Faulty(ArduCamFault.Unplugged, consume: false)) return;
        byte command = writeBuffer[0];
        if (command == ArduChip.BurstFifoRead)
        {
            for (int i = 1; i < readBuffer.Length; i++) readBuffer[i] = NextFifoByte();
            return;
        }
        if (command == ArduChip.SingleFifoRead)
        {
            if (readBuffer.Length > 1) readBuffer[1] = NextFifoByte();
            return;
        }
        if ((command & ArduChip.WriteFlag) != 0)
        {
            if (writeBuffer.Length > 1) WriteChip((byte)(command & 0x7F), writeBuffer[1]);
            return;
        }
        if (readBuffer.Length > 1) readBuffer[1] = ReadChip(command);
    }

    public void Write(ReadOnlySpan<byte> buffer)
    {
        // The MISO bytes of a write go nowhere; a kept buffer takes them (a soak run must not measure the emulator's garbage).
        if (_ignored.Length < buffer.Length) _ignored = new byte[buffer.Length];
        TransferFullDuplex(buffer, _ignored.AsSpan(0, buffer.Length));
    }

    private byte[] _ignored = Array.Empty<byte>();

    public void Read(Span<byte> buffer) => buffer.Clear();

    private byte NextFifoByte() => _readPointer < _fifoLength ? _fifo[_readPointer++] : (byte)0;

    private void WriteChip(byte register, byte value)
    {
        if (register == ArduChip.Fifo)
        {
            if ((value & ArduChip.FifoClear) != 0) _doneAt = TimeSpan.MaxValue;
            if ((value & ArduChip.FifoReadPointerReset) != 0) _readPointer = 0;
            if ((value & ArduChip.FifoStart) != 0) StartCapture();
            return;
        }
        _chip[register] = value;
    }

    private byte ReadChip(byte register)
    {
        switch (register)
        {
            case ArduChip.Status:
                return (byte)(_clock.Elapsed >= _doneAt ? ArduChip.CaptureDone : 0);
            case ArduChip.FifoSize1: return (byte)ReportedLength;
            case ArduChip.FifoSize2: return (byte)(ReportedLength >> 8);
            case ArduChip.FifoSize3: return (byte)((ReportedLength >> 16) & 0x7F);
            default: return _chip[register];
        }
    }

    private int ReportedLength { get; set; }

    private void StartCapture()
    {
        Captures++;
        _readPointer = 0;
        var scene = _scenes.Next();
        CurrentScene = scene.Name;
        FillFifo(scene);
        ReportedLength = _fifoLength;
        _doneAt = _clock.Elapsed + CaptureTime;
        if (Faulty(ArduCamFault.CaptureNeverCompletes)) _doneAt = TimeSpan.MaxValue - TimeSpan.FromTicks(1);
        else if (Faulty(ArduCamFault.FifoOverflow)) ReportedLength = ArduChip.MaxFifoLength;
        else if (Faulty(ArduCamFault.ShortRead)) { _fifoLength /= 2; ReportedLength = _fifoLength; }
        else if (Faulty(ArduCamFault.CorruptJpeg)) _fifo.AsSpan(0, Math.Min(16, _fifoLength)).Clear();
    }

    private void FillFifo(Scene scene)
    {
        var dsp = _banks[Ov2640.BankDsp];
        _fifoLength = 0;
        if ((dsp[Ov2640.DspBypass] & 0x01) != 0) return;   // raw sensor data is not emulated: nothing arrives
        if ((dsp[Ov2640.ImageMode] & Ov2640.ImageModeJpeg) != 0)
        {
            var jpeg = scene.Jpeg ?? throw new InvalidOperationException($"scene {scene.Name} is not a JPEG: the emulated JPEG mode serves JPEG files only");
            // The ArduChip counts a few bytes past the encoder's EOI; drivers cut at EOI.
            Store(jpeg, padding: 3);
            return;
        }
        int w = 4 * (dsp[Ov2640.OutputWidth] | (dsp[Ov2640.OutputSizeHigh] & 0x03) << 8);
        int h = 4 * (dsp[Ov2640.OutputHeight] | ((dsp[Ov2640.OutputSizeHigh] >> 2) & 0x01) << 8);
        if (w == 0 || h == 0) return;
        var image = scene.Image;
        var scaled = image.Width == w && image.Height == h ? image : Resampler.ResizeBilinear(image, w, h);
        int length = Math.Min(2 * w * h, FifoCapacity);
        if (_fifo.Length < 2 * w * h) _fifo = new byte[2 * w * h];
        PixelConversion.FromRgb24ToRgb565(scaled.Pixels, _fifo);
        _fifoLength = length;
    }

    private void Store(byte[] data, int padding)
    {
        int length = Math.Min(data.Length + padding, FifoCapacity);
        if (_fifo.Length < length) _fifo = new byte[length];
        data.AsSpan(0, Math.Min(data.Length, length)).CopyTo(_fifo);
        _fifo.AsSpan(Math.Min(data.Length, length), length - Math.Min(data.Length, length)).Clear();
        _fifoLength = length;
    }

    // ---- I2C/SCCB: the OV2640 ----

    void II2cDevice.Write(ReadOnlySpan<byte> buffer)
    {
        Acknowledge();
        if (buffer.Length == 0) return;
        _pointer = buffer[0];
        if (buffer.Length > 1) WriteSensor(buffer[0], buffer[1]);
    }

    void II2cDevice.Read(Span<byte> buffer)
    {
        Acknowledge();
        for (int i = 0; i < buffer.Length; i++) buffer[i] = ReadSensor(_pointer);
    }

    public void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        ((II2cDevice)this).Write(writeBuffer);
        ((II2cDevice)this).Read(readBuffer);
    }

    private void Acknowledge()
    {
        if (Faulty(ArduCamFault.Unplugged, consume: false) || Faulty(ArduCamFault.I2cNack))
            throw new IOException($"I2C address 0x{Ov2640.Address:X2}: no acknowledge");
    }

    private byte Bank => (byte)(_banks[0][Ov2640.BankSelect] & 0x01);

    private void WriteSensor(byte register, byte value)
    {
        if (register == Ov2640.BankSelect) { _banks[0][register] = _banks[1][register] = value; return; }
        if (Bank == Ov2640.BankSensor && register == Ov2640.Com7 && (value & Ov2640.Com7Reset) != 0) { ResetSensor(); return; }
        if (Bank == Ov2640.BankSensor && register is Ov2640.ProductIdHigh or Ov2640.ProductIdLow) return;   // read only
        _banks[Bank][register] = value;
    }

    private byte ReadSensor(byte register)
    {
        if (Bank == Ov2640.BankSensor && register == Ov2640.ProductIdHigh && Faulty(ArduCamFault.WrongChipId, consume: false)) return 0x76;
        if (Bank == Ov2640.BankSensor && register == Ov2640.ProductIdLow && Faulty(ArduCamFault.WrongChipId, consume: false)) return 0x73;
        return _banks[Bank][register];
    }

    private void ResetSensor()
    {
        byte bank = _banks[0][Ov2640.BankSelect];
        Array.Clear(_banks[0], 0, 256);
        Array.Clear(_banks[1], 0, 256);
        _banks[0][Ov2640.BankSelect] = _banks[1][Ov2640.BankSelect] = bank;
        _banks[Ov2640.BankSensor][Ov2640.ProductIdHigh] = Ov2640.ExpectedIdHigh;
        _banks[Ov2640.BankSensor][Ov2640.ProductIdLow] = 0x42;
        // After reset the DSP outputs UXGA YUV; the driver configures what it wants.
        _banks[Ov2640.BankDsp][Ov2640.OutputWidth] = 1600 / 4 & 0xFF;
        _banks[Ov2640.BankDsp][Ov2640.OutputHeight] = 1200 / 4 & 0xFF;
        _banks[Ov2640.BankDsp][Ov2640.OutputSizeHigh] = (1600 / 4 >> 8) | ((1200 / 4 >> 8) << 2);
    }
}
