using System;
using System.Threading;

namespace Embedded.Boards.Frames;

/// <summary>
/// A camera or anything that yields frames. <see cref="Capture"/> blocks at most <paramref name="timeout"/> and then
/// throws <see cref="Cameras.CameraTimeoutException"/>; hardware faults surface as
/// <see cref="Cameras.CameraException"/> after the driver's own bounded retries. Never hangs.
/// </summary>
public interface IFrameSource : IDisposable
{
    /// <summary>A short description for logs ("ArduCam Mini 2MP (OV2640) JPEG 320×240").</summary>
    string Name { get; }

    /// <summary>Checks the device and configures it; throws <see cref="Cameras.CameraException"/> if it is absent or wrong.</summary>
    void Start();

    /// <summary>The next frame, in a Frame the source reuses (valid until the next call).</summary>
    Frame Capture(TimeSpan timeout, CancellationToken cancellation = default);

    void Stop();
}
