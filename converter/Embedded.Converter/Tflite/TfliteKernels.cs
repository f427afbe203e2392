namespace Embedded.Converter.Tflite;

/// <summary>
/// Which TFLite kernels an imported model reproduces bit for bit. They disagree on requantization rounding and on
/// the algorithms of SOFTMAX, MEAN, MUL's multiplier and SUB (docs/tflite.md).
/// </summary>
public enum TfliteKernels
{
    /// <summary>The TFLite interpreter's builtin kernels (what `tflite_runtime`/`tf.lite.Interpreter` run without XNNPACK).</summary>
    Builtin,
    /// <summary>TensorFlow Lite Micro's reference kernels.</summary>
    Micro,
}
