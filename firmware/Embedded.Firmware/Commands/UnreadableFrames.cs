using System;
using System.IO;
using Embedded.Boards.Cameras;
using Embedded.Imaging;

namespace Embedded.Firmware.Commands;

/// <summary>
/// Frames that cannot be decoded — an unreadable or corrupt file in a `files:` folder, a damaged MJPEG frame from a
/// USB camera — are skipped with one warning line each and counted, so one bad image does not end a run. Many in a
/// row mean the source is broken, not a frame: that ends the run as a camera error.
/// </summary>
internal sealed class UnreadableFrames
{
    /// <summary>Bad frames in a row that end a run.</summary>
    public const int MaxInARow = 50;

    private readonly TextWriter _warnings;
    private int _inARow;

    public UnreadableFrames(TextWriter warnings) => _warnings = warnings;

    public long Skipped { get; private set; }

    /// <summary>Records frame <paramref name="frame"/> as skipped; throws once <see cref="MaxInARow"/> were skipped in a row.</summary>
    public void Skip(long frame, string source, ImageFormatException problem)
    {
        Skipped++;
        _warnings.WriteLine($"emb-board: warning: frame {frame} ({(source.Length > 0 ? source : "camera")}) skipped: {problem.Message}");
        if (++_inARow >= MaxInARow) throw new CameraException($"{MaxInARow} frames in a row could not be decoded; the last: {problem.Message}", problem);
    }

    public void Decoded() => _inARow = 0;

    /// <summary>After a run: a run whose every frame was skipped is a failure (exit 2), not an empty success.</summary>
    public void CheckAnyDecoded(long frames)
    {
        if (frames > 0 && Skipped == frames) throw new ImageFormatException($"none of the {frames} frames could be decoded (see the warnings above)");
    }
}
