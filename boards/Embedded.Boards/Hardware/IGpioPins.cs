using System;
using System.Threading;

namespace Embedded.Boards.Hardware;

public enum PinMode { Input, InputPullUp, InputPullDown, Output }

public enum PinEdge { Rising, Falling }

/// <summary>
/// The GPIO pins a driver uses, numbered as the board numbers them (BCM numbers on a Raspberry Pi), as
/// System.Device.Gpio.GpioController exposes them.
/// </summary>
public interface IGpioPins
{
    void SetPinMode(int pin, PinMode mode);

    bool Read(int pin);

    void Write(int pin, bool high);

    /// <summary>
    /// Waits until <paramref name="pin"/> makes the given edge. Returns false when <paramref name="timeout"/> passes
    /// first; throws <see cref="OperationCanceledException"/> when <paramref name="cancellation"/> fires.
    /// </summary>
    bool WaitForEdge(int pin, PinEdge edge, TimeSpan timeout, CancellationToken cancellation);
}
