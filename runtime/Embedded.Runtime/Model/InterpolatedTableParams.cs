using Embedded.Runtime.Format;

namespace Embedded.Runtime.Model;

/// <summary>
/// Elementwise function of an int16 tensor as 513 samples 2^<see cref="Shift"/> input steps apart, centred on 0 and
/// interpolated linearly, extrapolated from the end segments beyond them (the int16 counterpart of
/// <see cref="TableLookupParams"/>: 65536 exact entries would not fit a small board). Sample i is the int16 output
/// for input (i − 256)·2^Shift; Shift 7 spans all of int16, smaller shifts sample the calibrated range more finely.
/// </summary>
public sealed class InterpolatedTableParams : OperatorParams
{
    public const int Entries = 513;
    public const int MaxShift = 7;

    public int Shift { get; init; } = MaxShift;
    /// <summary>513 int16 output values (stored as int32).</summary>
    public required int[] Samples { get; init; }

    internal override void Write(BinarySink sink)
    {
        sink.WriteByte((byte)Shift);
        sink.WriteInt32Array(Samples);
    }

    internal static InterpolatedTableParams Read(BinaryCursor c)
    {
        int shift = c.ReadByte("shift");
        if (shift > MaxShift) throw c.Error("shift", $"{shift} exceeds {MaxShift}");
        return new() { Shift = shift, Samples = c.ReadInt32Array("samples", Entries) };
    }
}
