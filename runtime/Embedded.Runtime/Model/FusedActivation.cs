namespace Embedded.Runtime.Model;

/// <summary>
/// The activation a conv / FC output stage evaluates on the int32 accumulator before its single
/// requantization (docs/quantization.md). Values are part of the .emb format.
/// </summary>
public enum FusedActivation : byte
{
    /// <summary>Requantize, then clamp (the clamps may still express a range limit).</summary>
    None = 0,
    /// <summary>Clamp below at the output zero point.</summary>
    Relu = 1,
    /// <summary>Clamp to the quantized [0, 6].</summary>
    Relu6 = 2,
    /// <summary>clamp(x/6 + 1/2, 0, 1): Q22 gate from the accumulator, then requantized.</summary>
    HardSigmoid = 3,
    /// <summary>x · clamp(x/6 + 1/2, 0, 1): accumulator times the Q22 gate, then requantized.</summary>
    HardSwish = 4,
}
