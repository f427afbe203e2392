using System;
using System.IO;
using System.Linq;
using System.Threading;
using Embedded.Boards.Cameras;
using Embedded.Boards.Frames;
using Embedded.Imaging;

namespace Embedded.Firmware.Cameras;

/// <summary>
/// `files:DIR`: the folder's images in name order as frames, then from the start again. JPEG files pass through as
/// JPEG frames (decoded by the preprocessor, as a camera's JPEG would be); other formats arrive as RGB24.
/// </summary>
internal sealed class FileCamera : IFrameSource
{
    private readonly string[] _files;
    private readonly Frame _frame = new();
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private int _next;

    public FileCamera(string directory)
    {
        if (!Directory.Exists(directory)) throw new CameraException($"files camera: folder {directory} does not exist");
        _files = Directory.GetFiles(directory).Where(ImageLoader.IsImageFile).OrderBy(f => f, StringComparer.Ordinal).ToArray();
        if (_files.Length == 0) throw new CameraException($"files camera: no images (JPEG, PNG, PPM/PGM, BMP) in {directory}");
    }

    public string Name => $"files ({_files.Length} images)";
    public int Count => _files.Length;

    public void Start() { }

    public Frame Capture(TimeSpan timeout, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        string file = _files[_next];
        _next = (_next + 1) % _files.Length;
        string name = Path.GetFileName(file);
        byte[] bytes;
        // A file that cannot be read is a bad frame (skipped by the run loop), not a camera fault.
        try { bytes = File.ReadAllBytes(file); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new ImageFormatException($"{name}: cannot be read ({e.Message})"); }
        if (Imaging.Jpeg.JpegDecoder.IsJpeg(bytes))
        {
            bytes.CopyTo(_frame.Reset(PixelFormat.Jpeg, 0, 0, bytes.Length, _clock.Elapsed, name));
            return _frame;
        }
        RgbImage image;
        try { image = ImageLoader.Decode(bytes); }
        catch (ImageFormatException e) { throw new ImageFormatException($"{name}: {e.Message}"); }
        image.Pixels.CopyTo(_frame.Reset(PixelFormat.Rgb24, image.Width, image.Height, image.Pixels.Length, _clock.Elapsed, name));
        return _frame;
    }

    public void Stop() { }

    public void Dispose() { }
}
