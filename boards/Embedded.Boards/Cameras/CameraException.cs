using System;

namespace Embedded.Boards.Cameras;

/// <summary>A camera failed: absent, wrong chip, bus errors past the retry budget, or a corrupt frame. The message says which device, register or step.</summary>
public class CameraException : Exception
{
    public CameraException(string message) : base(message) { }
    public CameraException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>A frame did not arrive within the timeout (capture never completed, no VSYNC).</summary>
public sealed class CameraTimeoutException : CameraException
{
    public CameraTimeoutException(string message) : base(message) { }
}

/// <summary>There are no more frames (a file camera reached the end of its images).</summary>
public sealed class EndOfFramesException : CameraException
{
    public EndOfFramesException(string message) : base(message) { }
}
