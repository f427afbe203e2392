using System;
using System.Collections.Generic;
using Embedded.Converter.Calibration;
using Embedded.Runtime.Model;
using Embedded.Runtime.Quantization;

namespace Embedded.Converter.Quantization;

/// <summary>Choices of the quantizer; the defaults are the recipe measured in docs/quantization.md.</summary>
public sealed class QuantizerOptions
{
    public RangeMethod Method { get; init; } = RangeMethod.Percentile;
    /// <summary>Scale per channel every activation whose readers are all depthwise convolutions (they absorb it for free).</summary>
    public bool PerChannelDepthwiseInputs { get; init; } = true;
    /// <summary>Float values to keep in 16 bits (besides the normalized input and the model outputs).</summary>
    public ISet<string> Int16Values { get; init; } = new HashSet<string>();
    public RoundingMode Rounding { get; init; } = RoundingMode.DoubleRounding;
    /// <summary>Clip each output channel's weights where the squared quantization error is least (instead of at max |w|).</summary>
    public bool MseWeightClipping { get; init; }
    public ModelMetadata Metadata { get; init; } = new();
    /// <summary>Post-processing appended to an SSD head's two raw outputs (null: the outputs stay as they are).</summary>
    public DetectionHead? Detection { get; init; }
}
