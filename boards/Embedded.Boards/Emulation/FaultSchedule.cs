using System;

namespace Embedded.Boards.Emulation;

/// <summary>Which fault an emulator injects and how many more times (−1: every time), shared by both module emulators.</summary>
internal sealed class FaultSchedule<TFault> where TFault : struct, Enum
{
    private TFault _fault;
    private int _left;

    public void Inject(TFault fault, int count)
    {
        _fault = fault;
        _left = count;
    }

    /// <summary>Whether <paramref name="fault"/> happens now; <paramref name="consume"/> counts this occurrence.</summary>
    public bool Happens(TFault fault, bool consume = true)
    {
        if (!System.Collections.Generic.EqualityComparer<TFault>.Default.Equals(_fault, fault) || _left == 0) return false;
        if (consume && _left > 0) _left--;
        return true;
    }
}
