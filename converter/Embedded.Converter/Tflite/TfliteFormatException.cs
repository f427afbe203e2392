using Embedded.Converter.Graph;

namespace Embedded.Converter.Tflite;

/// <summary>A .tflite file is corrupt or uses something the reader does not support; the message names the field and byte offset.</summary>
public sealed class TfliteFormatException : GraphException
{
    public TfliteFormatException(string message) : base(message) { }
}
