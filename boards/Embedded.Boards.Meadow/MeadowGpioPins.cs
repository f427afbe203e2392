using System;
using System.Collections.Generic;
using System.Threading;
using Embedded.Boards.Hardware;
using Meadow.Hardware;
using BoardPinMode = Embedded.Boards.Hardware.PinMode;

namespace Embedded.Boards.Meadow;

/// <summary>
/// Numbered pins on a Meadow board (the app maps numbers to IPin: 0–15 → D00–D15). Outputs are output ports; inputs
/// are interrupt ports on both edges, so one port serves reads and edge waits — an edge sets an event the waiting
/// thread checks against the level it wanted.
/// </summary>
internal sealed class MeadowGpioPins : IGpioPins, IDisposable
{
    private readonly Func<int, IPin> _pin;
    private readonly Dictionary<int, IDigitalOutputPort> _outputs = new();
    private readonly Dictionary<int, (IDigitalInterruptPort port, AutoResetEvent edge)> _inputs = new();

    public MeadowGpioPins(Func<int, IPin> pin) => _pin = pin;

    public void SetPinMode(int pin, BoardPinMode mode)
    {
        Close(pin);
        if (mode == BoardPinMode.Output)
        {
            _outputs[pin] = _pin(pin).CreateDigitalOutputPort(false);
            return;
        }
        var resistor = mode switch
        {
            BoardPinMode.InputPullUp => ResistorMode.InternalPullUp,
            BoardPinMode.InputPullDown => ResistorMode.InternalPullDown,
            _ => ResistorMode.Disabled,
        };
        var port = _pin(pin).CreateDigitalInterruptPort(InterruptMode.EdgeBoth, resistor);
        var edge = new AutoResetEvent(false);
        port.Changed += (_, _) => edge.Set();
        _inputs[pin] = (port, edge);
    }

    public bool Read(int pin) => _inputs.TryGetValue(pin, out var input) ? input.port.State
        : throw new InvalidOperationException($"pin {pin} is not an input");

    public void Write(int pin, bool high)
    {
        if (!_outputs.TryGetValue(pin, out var output)) throw new InvalidOperationException($"pin {pin} is not an output");
        output.State = high;
    }

    public bool WaitForEdge(int pin, PinEdge edge, TimeSpan timeout, CancellationToken cancellation)
    {
        if (!_inputs.TryGetValue(pin, out var input)) throw new InvalidOperationException($"pin {pin} is not an input");
        bool wanted = edge == PinEdge.Rising;
        var deadline = DateTime.UtcNow + timeout;
        input.edge.Reset();
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) return false;
            int signalled = WaitHandle.WaitAny(new[] { input.edge, cancellation.WaitHandle }, left);
            if (signalled == 1) cancellation.ThrowIfCancellationRequested();
            if (signalled == 0 && input.port.State == wanted) return true;
        }
    }

    private void Close(int pin)
    {
        if (_outputs.TryGetValue(pin, out var output)) { output.Dispose(); _outputs.Remove(pin); }
        if (_inputs.TryGetValue(pin, out var input)) { input.port.Dispose(); input.edge.Dispose(); _inputs.Remove(pin); }
    }

    public void Dispose()
    {
        foreach (int pin in new List<int>(_outputs.Keys)) Close(pin);
        foreach (int pin in new List<int>(_inputs.Keys)) Close(pin);
    }
}
