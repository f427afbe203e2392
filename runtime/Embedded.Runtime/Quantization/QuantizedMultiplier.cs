using System;

namespace Embedded.Runtime.Quantization;

/// <summary>
/// A positive real multiplier encoded as <c>Multiplier · 2^(Shift − 31)</c> with Multiplier in [2^30, 2^31)
/// (or zero), the encoding TFLite's QuantizeMultiplier produces. Shift &gt; 0 is a left shift. Unnormalized
/// positive multipliers are allowed too: TFLite Micro's MEAN divides a normalized one by the cell count.
/// </summary>
public readonly struct QuantizedMultiplier : IEquatable<QuantizedMultiplier>
{
    public const int MinShift = -31;
    public const int MaxShift = 30;

    public int Multiplier { get; }
    public int Shift { get; }

    public QuantizedMultiplier(int multiplier, int shift)
    {
        Multiplier = multiplier;
        Shift = shift;
    }

    /// <summary>The real value this encoding stands for.</summary>
    public double ToDouble() => Multiplier * Math.Pow(2.0, Shift - 31);

    /// <summary>True when the pair is a well-formed encoding (what the model reader accepts).</summary>
    public bool IsValid =>
        (Multiplier == 0 && Shift == 0) ||
        (Multiplier > 0 && Shift >= MinShift && Shift <= MaxShift);

    /// <summary>
    /// Encodes <paramref name="real"/> the way TFLite's QuantizeMultiplier does: frexp, round the
    /// 31-bit mantissa half away from zero, renormalize when rounding reaches 2^31, flush tiny values to 0.
    /// </summary>
    public static QuantizedMultiplier FromDouble(double real)
    {
        if (double.IsNaN(real) || double.IsInfinity(real) || real < 0)
            throw new ArgumentOutOfRangeException(nameof(real), real, "a requantization multiplier must be finite and non-negative");
        if (real == 0)
            return new QuantizedMultiplier(0, 0);

        double mantissa = Frexp(real, out int exponent);
        long q = (long)Math.Round(mantissa * (1L << 31), MidpointRounding.AwayFromZero);
        if (q == 1L << 31)
        {
            q /= 2;
            exponent++;
        }
        if (exponent < MinShift)
            return new QuantizedMultiplier(0, 0);
        if (exponent > MaxShift)
            throw new ArgumentOutOfRangeException(nameof(real), real, "multiplier too large for a 32-bit fixed-point encoding");
        return new QuantizedMultiplier((int)q, exponent);
    }

    /// <summary>real = mantissa · 2^exponent with mantissa in [0.5, 1).</summary>
    internal static double Frexp(double value, out int exponent)
    {
        exponent = 0;
        if (value == 0) return 0;
        // Math.ILogB is not in netstandard2.1; scale by powers of two instead (exact in binary floating point).
        double m = value;
        while (m >= 1.0) { m *= 0.5; exponent++; }
        while (m < 0.5) { m *= 2.0; exponent--; }
        return m;
    }

    public bool Equals(QuantizedMultiplier other) => Multiplier == other.Multiplier && Shift == other.Shift;
    public override bool Equals(object? obj) => obj is QuantizedMultiplier other && Equals(other);
    public override int GetHashCode() => (Multiplier * 397) ^ Shift;
    public override string ToString() => $"{Multiplier}·2^({Shift}−31) ≈ {ToDouble():G6}";
}
