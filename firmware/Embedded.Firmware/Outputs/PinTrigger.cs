using System;
using Embedded.Boards.Hardware;

namespace Embedded.Firmware.Outputs;

/// <summary>
/// One <see cref="TriggerRule"/> on one class's score, driving its pin: on when the score rises above the threshold,
/// off when it has fallen below the release level and the pin has been on for the hold time. The pin is set up as an
/// output at its inactive level at once, and written only when the state changes.
/// </summary>
public sealed class PinTrigger
{
    private readonly IGpioPins _pins;
    private TimeSpan _onSince;

    public PinTrigger(TriggerRule rule, int classIndex, IGpioPins pins)
    {
        Rule = rule ?? throw new ArgumentNullException(nameof(rule));
        ClassIndex = classIndex;
        _pins = pins ?? throw new ArgumentNullException(nameof(pins));
        _pins.SetPinMode(rule.Pin, PinMode.Output);
        _pins.Write(rule.Pin, !rule.ActiveHigh);
    }

    public TriggerRule Rule { get; }
    public int ClassIndex { get; }
    public bool Active { get; private set; }

    /// <summary>Takes the frame's score of the class at time <paramref name="now"/>; true when the pin changed.</summary>
    public bool Update(double score, TimeSpan now)
    {
        if (!Active && score > Rule.Threshold)
        {
            Active = true;
            _onSince = now;
            _pins.Write(Rule.Pin, Rule.ActiveHigh);
            return true;
        }
        if (Active && score < Rule.Release && now - _onSince >= Rule.Hold)
        {
            Active = false;
            _pins.Write(Rule.Pin, !Rule.ActiveHigh);
            return true;
        }
        return false;
    }

    /// <summary>Leaves the pin inactive (at the end of a run).</summary>
    public void Release()
    {
        Active = false;
        _pins.Write(Rule.Pin, !Rule.ActiveHigh);
    }
}
