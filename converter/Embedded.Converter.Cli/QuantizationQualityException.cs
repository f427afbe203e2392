using System;

namespace Embedded.Converter.Cli;

/// <summary>`emb convert --strict`: the quantized model's output drifts too far from the float model's (a user error, exit 2).</summary>
internal sealed class QuantizationQualityException : Exception
{
    public QuantizationQualityException(string message) : base(message) { }
}
