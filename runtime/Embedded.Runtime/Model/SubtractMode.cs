namespace Embedded.Runtime.Model;

/// <summary>
/// How an Add subtracts its second input. TFLite's builtin SUB negates the second multiplier, its reference SUB
/// (TFLite Micro) subtracts the scaled product; the two differ on rounding ties, so both are kept.
/// </summary>
public enum SubtractMode : byte
{
    /// <summary>Plain addition.</summary>
    None = 0,
    /// <summary>a·M₁ + b·(−M₂): the second multiplier negated.</summary>
    NegatedMultiplier = 1,
    /// <summary>a·M₁ − b·M₂: the scaled second input subtracted.</summary>
    SubtractProduct = 2,
}
