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
    private readonly string[] _names;
    private readonly Frame _frame = new();
    /// <summary>The file's bytes, kept across frames: a JPEG passes through without a fresh array per frame.</summary>
    private byte[] _bytes = Array.Empty<byte>();
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private int _next;

    public FileCamera(string directory)
    {
        if (!Directory.Exists(directory)) throw new CameraException($"files camera: folder {directory} does not exist");
        _files = Directory.GetFiles(directory).Where(ImageLoader.IsImageFile).OrderBy(f => f, StringComparer.Ordinal).ToArray();
        if (_files.Length == 0) throw new CameraException($"files camera: no images (JPEG, PNG, PPM/PGM, BMP) in {directory}");
        _names = Array.ConvertAll(_files, Path.GetFileName)!;
    }

    public string Name => $"files ({_files.Length} images)";
    public int Count => _files.Length;

    public void Start() { }

    public Frame Capture(TimeSpan timeout, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        string file = _files[_next], name = _names[_next];
        _next = (_next + 1) % _files.Length;
        int length;
        // A file that cannot be read is a bad frame (skipped by the run loop), not a camera fault.
        try { length = Read(file); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new ImageFormatException($"{name}: cannot be read ({e.Message})"); }
        var data = _bytes.AsSpan(0, length);
        if (Imaging.Jpeg.JpegDecoder.IsJpeg(data))
        {
            data.CopyTo(_frame.Reset(PixelFormat.Jpeg, 0, 0, length, _clock.Elapsed, name));
            return _frame;
        }
        var bytes = data.ToArray();
        RgbImage image;
        try { image = ImageLoader.Decode(bytes); }
        catch (ImageFormatException e) { throw new ImageFormatException($"{name}: {e.Message}"); }
        image.Pixels.CopyTo(_frame.Reset(PixelFormat.Rgb24, image.Width, image.Height, image.Pixels.Length, _clock.Elapsed, name));
        return _frame;
    }

    /// <summary>Reads <paramref name="file"/> into the kept buffer (grown when a file is larger); returns its length.</summary>
    private int Read(string file)
    {
        using var handle = File.OpenHandle(file);
        long size = RandomAccess.GetLength(handle);
        if (size > ImageLimits.MaxFileBytes) throw new IOException($"{size} bytes is more than an image file may hold ({ImageLimits.MaxFileBytes})");
        if (_bytes.Length < size) _bytes = new byte[size];
        int read = 0;
        while (read < size)
        {
            int n = RandomAccess.Read(handle, _bytes.AsSpan(read, (int)size - read), read);
            if (n == 0) break;
            read += n;
        }
        return read;
    }

    public void Stop() { }

    public void Dispose() { }
}
