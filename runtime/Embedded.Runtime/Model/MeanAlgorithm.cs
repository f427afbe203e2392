namespace Embedded.Runtime.Model;

/// <summary>How a global average pool (MEAN over H and W) turns the sum into an output; TFLite's kernels differ.</summary>
public enum MeanAlgorithm : byte
{
    /// <summary>zp_out + M·(Σx − H·W·zp_in): exact zero-point handling (our converter; TFLite Micro's QuantizedMeanOrSum).</summary>
    Requantize = 0,
    /// <summary>M·Σx + bias with a bias rounded in float (TFLite's optimized 4-D mean).</summary>
    TfliteBias = 1,
    /// <summary>Σx / (H·W) truncated towards zero, for equal input and output quantization (TFLite Micro's integer mean).</summary>
    TruncatedMean = 2,
}
