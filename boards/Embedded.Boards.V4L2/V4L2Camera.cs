using System;
using System.Linq;
using System.Threading;
using Embedded.Boards.Cameras;
using Embedded.Boards.Frames;
using Embedded.Boards.Hardware;
using Embedded.Imaging.Jpeg;

namespace Embedded.Boards.V4L2;

/// <summary>
/// A V4L2 camera as a frame source: negotiates YUYV or MJPEG, streams from mmap'd buffers, copies each frame into
/// the reused <see cref="Frame"/> (dropping row padding) and hands the buffer straight back to the driver. Frames the
/// driver flags as broken, short YUYV frames and MJPEG frames without a JPEG header are skipped, up to
/// <see cref="V4L2CameraOptions.MaxBadFrames"/> in a row.
/// </summary>
public sealed class V4L2Camera : IFrameSource
{
    private readonly IVideoDevice _device;
    private readonly IClock _clock;
    private readonly V4L2CameraOptions _options;
    private readonly Frame _frame = new();
    private VideoFormat _format;
    private int _buffers;
    private bool _streaming;

    public V4L2Camera(IVideoDevice device, IClock clock, V4L2CameraOptions? options = null)
    {
        _device = device ?? throw new ArgumentNullException(nameof(device));
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        _options = options ?? new V4L2CameraOptions();
        if (_options.Width < 1 || _options.Height < 1 || _options.Width > 16384 || _options.Height > 16384)
            throw new ArgumentException($"V4L2 size {_options.Width}×{_options.Height} is outside 1..16384", nameof(options));
        if (_options.Format is not (null or PixelFormat.Yuyv or PixelFormat.Jpeg))
            throw new ArgumentException($"V4L2 capture takes YUYV or MJPEG, not {_options.Format}", nameof(options));
        if (_options.Buffers < 1 || _options.Buffers > 32) throw new ArgumentException("V4L2 buffers must be 1..32", nameof(options));
    }

    public string Name { get; private set; } = "V4L2";

    /// <summary>The format the driver agreed to (valid after <see cref="Start"/>).</summary>
    public VideoFormat Format => _format;

    public void Start()
    {
        if (_streaming) return;
        var capability = _device.QueryCapability();
        if ((capability.Capabilities & Interop.VideoDev2.V4L2_CAP_VIDEO_CAPTURE) == 0 || (capability.Capabilities & Interop.VideoDev2.V4L2_CAP_STREAMING) == 0)
        {
            string planar = (capability.Capabilities & Interop.VideoDev2.V4L2_CAP_VIDEO_CAPTURE_MPLANE) != 0 ? " (it is a multi-planar device, which this driver does not handle)" : "";
            throw new CameraException($"{_device.Path} ({capability.Card}, {capability.Driver}) is not a single-planar video capture device with streaming I/O, capabilities 0x{capability.Capabilities:X8}{planar}");
        }
        var offered = _device.EnumerateFormats();
        FourCC wanted = _options.Format switch
        {
            PixelFormat.Yuyv => FourCC.Yuyv,
            PixelFormat.Jpeg => offered.Contains(FourCC.Mjpeg) || !offered.Contains(FourCC.Jpeg) ? FourCC.Mjpeg : FourCC.Jpeg,
            _ => offered.Contains(FourCC.Yuyv) ? FourCC.Yuyv : offered.Contains(FourCC.Mjpeg) ? FourCC.Mjpeg : FourCC.Jpeg,
        };
        if (!offered.Contains(wanted))
            throw new CameraException($"{_device.Path} ({capability.Card}) does not offer {wanted}; it offers {(offered.Count == 0 ? "nothing" : string.Join(", ", offered))}");

        _format = _device.SetFormat(new VideoFormat(_options.Width, _options.Height, wanted));
        CheckFormat(wanted);
        foreach (var control in _options.Controls) _device.SetControl(control);
        _buffers = _device.RequestBuffers(_options.Buffers);
        if (_buffers < 1) throw new CameraException($"{_device.Path}: the driver granted no capture buffers");
        try
        {
            for (int i = 0; i < _buffers; i++) _device.MapBuffer(i);
            for (int i = 0; i < _buffers; i++) _device.Queue(i);
            _device.StreamOn();
        }
        catch
        {
            Release();
            throw;
        }
        _streaming = true;
        Name = $"V4L2 {_device.Path} ({capability.Card}) {_format}";
    }

    private void CheckFormat(FourCC wanted)
    {
        var f = _format;
        if (f.PixelFormat != wanted) throw new CameraException($"{_device.Path}: asked for {wanted}, the driver set {f.PixelFormat}");
        if (f.Width < 1 || f.Height < 1 || f.Width > 16384 || f.Height > 16384) throw new CameraException($"{_device.Path}: the driver set an implausible size {f.Width}×{f.Height}");
        if (f.PixelFormat == FourCC.Yuyv)
        {
            // bytesperline 0 means "tightly packed"; anything shorter than a row is a driver bug we must not read past.
            int line = f.BytesPerLine == 0 ? 2 * f.Width : f.BytesPerLine;
            if (line < 2 * f.Width || (long)line * f.Height > int.MaxValue) throw new CameraException($"{_device.Path}: YUYV {f.Width}×{f.Height} with {f.BytesPerLine} bytes per line is inconsistent");
            _format = f with { BytesPerLine = line };
        }
    }

    public Frame Capture(TimeSpan timeout, CancellationToken cancellation = default)
    {
        if (!_streaming) throw new InvalidOperationException("Start the camera before capturing");
        var deadline = _clock.Elapsed + timeout;
        int bad = 0;
        string lastProblem = "";
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            var remaining = deadline - _clock.Elapsed;
            if (remaining <= TimeSpan.Zero)
                throw new CameraTimeoutException($"{_device.Path}: no frame within {timeout.TotalMilliseconds:F0} ms{(bad > 0 ? $" ({bad} unusable: {lastProblem})" : "")}");
            if (!_device.WaitForFrame(remaining < _options.PollSlice ? remaining : _options.PollSlice)) continue;
            if (!_device.TryDequeue(out var buffer)) continue;
            if ((uint)buffer.Index >= (uint)_buffers) throw new CameraException($"{_device.Path}: the driver returned buffer {buffer.Index} of {_buffers}");
            string? problem;
            try
            {
                problem = Copy(buffer);
            }
            finally
            {
                _device.Queue(buffer.Index);
            }
            if (problem is null) return _frame;
            lastProblem = problem;
            if (++bad > _options.MaxBadFrames) throw new CameraException($"{_device.Path}: {bad} unusable frames in a row, the last: {problem}");
        }
    }

    /// <summary>Copies a dequeued buffer into the frame; returns why the frame is unusable, or null.</summary>
    private string? Copy(DequeuedBuffer buffer)
    {
        if ((buffer.Flags & Interop.VideoDev2.V4L2_BUF_FLAG_ERROR) != 0) return $"frame {buffer.Sequence} flagged as corrupted by the driver";
        var memory = _device.Buffer(buffer.Index);
        if (buffer.BytesUsed < 0 || buffer.BytesUsed > memory.Length) return $"frame {buffer.Sequence} claims {buffer.BytesUsed} bytes in a {memory.Length}-byte buffer";
        var data = memory.Slice(0, buffer.BytesUsed);
        var f = _format;
        if (f.PixelFormat.IsJpeg)
        {
            if (!JpegDecoder.IsJpeg(data)) return $"frame {buffer.Sequence} ({data.Length} bytes) does not start with a JPEG header";
            data.CopyTo(_frame.Reset(PixelFormat.Jpeg, f.Width, f.Height, data.Length, _clock.Elapsed, _device.Path));
            return null;
        }
        int row = 2 * f.Width;
        long needed = (long)f.BytesPerLine * (f.Height - 1) + row;
        if (data.Length < needed) return $"frame {buffer.Sequence} is short: {data.Length} bytes of {needed}";
        var target = _frame.Reset(PixelFormat.Yuyv, f.Width, f.Height, row * f.Height, _clock.Elapsed, _device.Path);
        if (f.BytesPerLine == row) data.Slice(0, target.Length).CopyTo(target);
        else for (int y = 0; y < f.Height; y++) data.Slice(y * f.BytesPerLine, row).CopyTo(target.Slice(y * row, row));
        return null;
    }

    public void Stop()
    {
        if (!_streaming) return;
        _streaming = false;
        try { _device.StreamOff(); }
        finally { Release(); }
    }

    private void Release()
    {
        _device.UnmapBuffers();
        // Freeing the buffers lets the next Start set another format; a device that is gone cannot, and need not.
        try { _device.RequestBuffers(0); } catch (CameraException) { }
    }

    public void Dispose()
    {
        try { Stop(); }
        catch (CameraException) { /* unplugged: nothing left to stop */ }
        finally { _device.Dispose(); }
    }
}
