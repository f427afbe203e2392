using System;

namespace Embedded.Imaging;

/// <summary>An image file is corrupt, truncated or uses a feature the decoder does not support; the message says which and where.</summary>
public sealed class ImageFormatException : Exception
{
    public ImageFormatException(string message) : base(message) { }
}
