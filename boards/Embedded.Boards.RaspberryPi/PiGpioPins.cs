using System;
using System.Device.Gpio;
using System.Threading;
using Embedded.Boards.Hardware;
using BoardPinMode = Embedded.Boards.Hardware.PinMode;
using GpioPinMode = System.Device.Gpio.PinMode;

namespace Embedded.Boards.RaspberryPi;

/// <summary>
/// BCM-numbered pins through System.Device.Gpio's <see cref="GpioController"/> (over whichever GpioDriver it was made
/// with: the board's, or a fake in tests). Pins open on first use. Edge waits combine the timeout and the caller's
/// cancellation in one token, because GpioController.WaitForEvent takes either, not both.
/// </summary>
public sealed class PiGpioPins : IGpioPins, IDisposable
{
    private readonly GpioController _controller;

    public PiGpioPins(GpioController controller) => _controller = controller ?? throw new ArgumentNullException(nameof(controller));

    public void SetPinMode(int pin, BoardPinMode mode)
    {
        var gpioMode = mode switch
        {
            BoardPinMode.Input => GpioPinMode.Input,
            BoardPinMode.InputPullUp => GpioPinMode.InputPullUp,
            BoardPinMode.InputPullDown => GpioPinMode.InputPullDown,
            BoardPinMode.Output => GpioPinMode.Output,
            _ => throw new ArgumentOutOfRangeException(nameof(mode)),
        };
        if (_controller.IsPinOpen(pin)) _controller.SetPinMode(pin, gpioMode);
        else _controller.OpenPin(pin, gpioMode);
    }

    public bool Read(int pin) => _controller.Read(pin) == PinValue.High;

    public void Write(int pin, bool high) => _controller.Write(pin, high ? PinValue.High : PinValue.Low);

    public bool WaitForEdge(int pin, PinEdge edge, TimeSpan timeout, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        limit.CancelAfter(timeout);
        var result = _controller.WaitForEvent(pin, edge == PinEdge.Rising ? PinEventTypes.Rising : PinEventTypes.Falling, limit.Token);
        cancellation.ThrowIfCancellationRequested();
        return !result.TimedOut;
    }

    public void Dispose() => _controller.Dispose();
}
