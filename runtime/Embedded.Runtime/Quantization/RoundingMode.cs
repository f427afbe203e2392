namespace Embedded.Runtime.Quantization;

/// <summary>
/// How a 32-bit accumulator is scaled by a fixed-point multiplier. Values are part of the .emb format.
/// </summary>
public enum RoundingMode : byte
{
    /// <summary>TFLite reference: SaturatingRoundingDoublingHighMul then RoundingDivideByPOT (two roundings).</summary>
    DoubleRounding = 0,

    /// <summary>TFLITE_SINGLE_ROUNDING / ruy: one 64-bit product, one round-half-up shift.</summary>
    SingleRounding = 1,
}
