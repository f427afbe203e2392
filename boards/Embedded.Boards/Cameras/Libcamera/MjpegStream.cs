using System;

namespace Embedded.Boards.Cameras.Libcamera;

/// <summary>
/// Where one JPEG ends in a stream of concatenated JPEGs (MJPEG on a pipe): segments are walked by their lengths up to
/// the scan, and in entropy-coded data a 0xFF is always followed by 0x00 or a restart marker, so the first other
/// marker there — EOI — ends the image.
/// </summary>
public static class MjpegStream
{
    /// <summary>
    /// The length of the JPEG that starts at <paramref name="data"/>[0] (with its EOI), or −1 when <paramref name="data"/>
    /// does not hold all of it yet. Throws <see cref="CameraException"/> when the bytes are not a JPEG.
    /// </summary>
    public static int CompleteLength(ReadOnlySpan<byte> data)
    {
        if (data.Length < 2) return -1;
        if (data[0] != 0xFF || data[1] != 0xD8) throw new CameraException($"MJPEG stream: a frame starts with 0x{data[0]:X2} 0x{data[1]:X2}, not a JPEG SOI marker");
        int at = 2;
        while (true)
        {
            if (at + 2 > data.Length) return -1;
            if (data[at] != 0xFF) throw new CameraException($"MJPEG stream: no marker at byte {at} of a frame");
            byte marker = data[at + 1];
            if (marker == 0xFF) { at++; continue; }                       // fill byte
            if (marker == 0xD9) return at + 2;
            if (at + 4 > data.Length) return -1;
            int length = data[at + 2] << 8 | data[at + 3];
            if (length < 2) throw new CameraException($"MJPEG stream: segment 0x{marker:X2} of length {length}");
            at += 2 + length;
            if (marker != 0xDA) continue;
            // Entropy-coded data: up to the next marker that is not stuffing (FF00) or a restart (FFD0–FFD7).
            while (true)
            {
                if (at + 1 >= data.Length) return -1;
                if (data[at] == 0xFF && data[at + 1] != 0x00 && (data[at + 1] < 0xD0 || data[at + 1] > 0xD7)) break;
                at++;
            }
        }
    }
}
