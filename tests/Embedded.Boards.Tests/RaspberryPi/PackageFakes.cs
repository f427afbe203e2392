using System;
using System.Collections.Generic;
using System.Device.Gpio;
using System.Device.I2c;
using System.Device.Spi;
using System.IO;
using System.Threading;
using Embedded.Boards.Hardware;
using PinMode = System.Device.Gpio.PinMode;
using PinEdge = Embedded.Boards.Hardware.PinEdge;

namespace Embedded.Boards.Tests.RaspberryPi;

/// <summary>
/// System.Device.Spi's <see cref="SpiDevice"/> as Linux spidev behaves: a message longer than <c>bufsiz</c> fails
/// (EMSGSIZE, "Message too long"), as UnixSpiDevice reports it; the bytes come from an emulated module. Records every
/// message's length; <see cref="Unplugged"/> makes every transfer fail.
/// </summary>
internal sealed class SpidevFake : SpiDevice
{
    private readonly ISpiDevice _module;
    private readonly int _bufsiz;
    private readonly SpiConnectionSettings _settings;

    public SpidevFake(ISpiDevice module, int bufsiz, SpiConnectionSettings settings)
    {
        _module = module; _bufsiz = bufsiz; _settings = settings;
    }

    public List<int> MessageLengths { get; } = new();
    public bool Unplugged { get; set; }
    public override SpiConnectionSettings ConnectionSettings => _settings;

    private void Check(int length)
    {
        MessageLengths.Add(length);
        if (Unplugged) throw new IOException("Error 5 performing SPI data transfer (EIO).");
        if (length > _bufsiz) throw new IOException($"Error 90 performing SPI data transfer: Message too long ({length} > bufsiz {_bufsiz}).");
    }

    public override byte ReadByte() { Span<byte> one = stackalloc byte[1]; Read(one); return one[0]; }
    public override void Read(Span<byte> buffer) { Check(buffer.Length); _module.Read(buffer); }
    public override void WriteByte(byte value) => Write(new[] { value });
    public override void Write(ReadOnlySpan<byte> buffer) { Check(buffer.Length); _module.Write(buffer); }
    public override void TransferFullDuplex(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        if (writeBuffer.Length != readBuffer.Length) throw new ArgumentException("Parameters 'writeBuffer' and 'readBuffer' must have the same length.");
        Check(writeBuffer.Length);
        _module.TransferFullDuplex(writeBuffer, readBuffer);
    }
}

/// <summary>System.Device.I2c's <see cref="I2cDevice"/> over an emulated module (a NACK is the module's IOException).</summary>
internal sealed class I2cDevFake : I2cDevice
{
    private readonly II2cDevice _module;
    private readonly I2cConnectionSettings _settings;

    public I2cDevFake(II2cDevice module, I2cConnectionSettings settings) { _module = module; _settings = settings; }

    public List<string> Operations { get; } = new();
    public override I2cConnectionSettings ConnectionSettings => _settings;
    public override byte ReadByte() { Span<byte> one = stackalloc byte[1]; Read(one); return one[0]; }
    public override void Read(Span<byte> buffer) { Operations.Add($"R {buffer.Length}"); _module.Read(buffer); }
    public override void WriteByte(byte value) => Write(new[] { value });
    public override void Write(ReadOnlySpan<byte> buffer) { Operations.Add("W " + Convert.ToHexString(buffer)); _module.Write(buffer); }
    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer) { Operations.Add("WR " + Convert.ToHexString(writeBuffer)); _module.WriteRead(writeBuffer, readBuffer); }
}

/// <summary>
/// A <see cref="GpioDriver"/> whose pins are an emulated module's, for a real <see cref="GpioController"/>. Edge waits
/// run on the module's virtual clock for at most <see cref="EdgeWindow"/> (GpioController's wait takes only a token).
/// </summary>
internal sealed class EmulatedGpioDriver : GpioDriver
{
    private readonly IGpioPins _module;
    private readonly Dictionary<int, PinMode> _modes = new();

    public EmulatedGpioDriver(IGpioPins module) => _module = module;

    public TimeSpan EdgeWindow { get; set; } = TimeSpan.FromMilliseconds(200);
    public List<string> Events { get; } = new();

    protected override int PinCount => 28;
    protected override void OpenPin(int pinNumber) => Events.Add($"open {pinNumber}");
    protected override void ClosePin(int pinNumber) => Events.Add($"close {pinNumber}");

    protected override void SetPinMode(int pinNumber, PinMode mode)
    {
        _modes[pinNumber] = mode;
        _module.SetPinMode(pinNumber, mode switch
        {
            PinMode.Output => Boards.Hardware.PinMode.Output,
            PinMode.InputPullUp => Boards.Hardware.PinMode.InputPullUp,
            PinMode.InputPullDown => Boards.Hardware.PinMode.InputPullDown,
            _ => Boards.Hardware.PinMode.Input,
        });
    }

    protected override PinMode GetPinMode(int pinNumber) => _modes.TryGetValue(pinNumber, out var mode) ? mode : PinMode.Input;
    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) => mode is PinMode.Input or PinMode.Output or PinMode.InputPullUp or PinMode.InputPullDown;
    protected override PinValue Read(int pinNumber) => _module.Read(pinNumber) ? PinValue.High : PinValue.Low;
    protected override void Write(int pinNumber, PinValue value) { Events.Add($"{pinNumber}={(value == PinValue.High ? 1 : 0)}"); _module.Write(pinNumber, value == PinValue.High); }

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
    {
        Events.Add($"wait {pinNumber} {eventTypes}");
        bool seen = _module.WaitForEdge(pinNumber, eventTypes == PinEventTypes.Falling ? PinEdge.Falling : PinEdge.Rising, EdgeWindow, cancellationToken);
        return new WaitForEventResult { EventTypes = seen ? eventTypes : PinEventTypes.None, TimedOut = !seen };
    }

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback) =>
        throw new NotSupportedException("the emulated module reports edges to waits only");

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback) { }
}
