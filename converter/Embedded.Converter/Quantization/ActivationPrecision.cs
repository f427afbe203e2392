namespace Embedded.Converter.Quantization;

/// <summary>How wide the activations of a converted model are.</summary>
public enum ActivationPrecision
{
    /// <summary>8 bits everywhere except the normalized input, the outputs and values named explicitly.</summary>
    Int8,
    /// <summary>16 bits everywhere a kernel takes them (TFLite's "16x8": int16 activations, int8 weights).</summary>
    Int16,
    /// <summary>8 bits, then 16 for the noisiest activations until the output SQNR reaches the target (<see cref="PrecisionSearch"/>).</summary>
    Auto,
}
