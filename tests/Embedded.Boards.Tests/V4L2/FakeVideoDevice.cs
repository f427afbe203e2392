using System;
using System.Collections.Generic;
using Embedded.Boards.Cameras;
using Embedded.Boards.Hardware;
using Embedded.Boards.V4L2;

namespace Embedded.Boards.Tests.V4L2;

/// <summary>
/// A V4L2 driver in memory: records every call, keeps the incoming/outgoing buffer queues the way the kernel does,
/// and fills a queued buffer with the next pending frame when the camera polls. Misuse (queueing a buffer twice,
/// reading an unmapped one) throws, so a driver bug fails the test.
/// </summary>
internal sealed class FakeVideoDevice : IVideoDevice
{
    private readonly VirtualClock _clock;
    private byte[][] _buffers = Array.Empty<byte[]>();
    private readonly bool[] _mapped = new bool[32];
    private readonly List<int> _incoming = new();
    private readonly Queue<DequeuedBuffer> _outgoing = new();
    private uint _sequence;
    private bool _streaming;

    public FakeVideoDevice(VirtualClock clock) => _clock = clock;

    public string Path => "/dev/video9";
    public List<string> Calls { get; } = new();
    /// <summary>Off for allocation measurements: recording builds strings.</summary>
    public bool Record { get; set; } = true;

    private void Call(string what, int number = -1) { if (Record) Calls.Add(number < 0 ? what : $"{what} {number}"); }
    public VideoCapability Capability { get; set; } = new("uvcvideo", "Fake UVC Camera", "usb-0000:01:00.0-1.2", 0x04000001);
    public List<FourCC> Formats { get; } = new() { FourCC.Yuyv, FourCC.Mjpeg };
    /// <summary>What S_FMT makes of a request (default: accepts it, tightly packed).</summary>
    public Func<VideoFormat, VideoFormat> Negotiate { get; set; } = f => f with { BytesPerLine = f.PixelFormat == FourCC.Yuyv ? 2 * f.Width : 0 };
    public int BufferLength { get; set; } = 1 << 20;
    public int GrantedBuffers { get; set; } = -1;
    /// <summary>Frames the sensor will deliver, one per poll, with the flags the driver sets.</summary>
    public Queue<(byte[] data, uint flags)> Pending { get; } = new();
    /// <summary>When set, the next poll fails the way an unplugged UVC camera does.</summary>
    public bool Unplugged { get; set; }
    public bool Disposed { get; private set; }

    public VideoCapability QueryCapability() { Call("QUERYCAP"); return Capability; }

    public IReadOnlyList<FourCC> EnumerateFormats() { Call("ENUM_FMT"); return Formats; }

    public VideoFormat SetFormat(VideoFormat requested)
    {
        if (Record) Call($"S_FMT {requested}");
        return Negotiate(requested);
    }

    /// <summary>Control ids the fake camera refuses (EINVAL).</summary>
    public HashSet<uint> MissingControls { get; } = new();

    public void SetControl(V4L2Control control)
    {
        Call($"S_CTRL 0x{control.Id:X8}={control.Value}");
        if (MissingControls.Contains(control.Id)) throw new CameraException($"{Path}: {control.Option}: this camera has no such control");
    }

    public int RequestBuffers(int count)
    {
        Call("REQBUFS", count);
        if (_streaming) throw new CameraException("REQBUFS while streaming (EBUSY)");
        int granted = count == 0 ? 0 : GrantedBuffers >= 0 ? GrantedBuffers : count;
        _buffers = new byte[granted][];
        for (int i = 0; i < granted; i++) _buffers[i] = new byte[BufferLength];
        _incoming.Clear();
        _outgoing.Clear();
        return granted;
    }

    public void MapBuffer(int index) { Call("MMAP", index); _mapped[index] = true; }

    public ReadOnlySpan<byte> Buffer(int index) => _mapped[index] ? _buffers[index] : throw new InvalidOperationException($"buffer {index} is not mapped");

    public void UnmapBuffers() { Call("MUNMAP"); Array.Clear(_mapped); }

    public void Queue(int index)
    {
        Call("QBUF", index);
        if (_incoming.Contains(index)) throw new InvalidOperationException($"buffer {index} queued twice");
        _incoming.Add(index);
    }

    public bool WaitForFrame(TimeSpan timeout)
    {
        if (Unplugged) throw new CameraException($"{Path}: poll reported an error (revents 0x18) — the camera stopped streaming or was unplugged");
        if (!_streaming) throw new InvalidOperationException("poll before STREAMON");
        if (_outgoing.Count > 0) return true;
        if (Pending.Count > 0 && _incoming.Count > 0)
        {
            var (data, flags) = Pending.Dequeue();
            int index = _incoming[0];
            _incoming.RemoveAt(0);
            data.CopyTo(_buffers[index], 0);
            _outgoing.Enqueue(new DequeuedBuffer(index, data.Length, flags, _sequence++));
            return true;
        }
        _clock.Delay(timeout);
        return false;
    }

    public bool TryDequeue(out DequeuedBuffer buffer)
    {
        Call("DQBUF");
        return _outgoing.TryDequeue(out buffer);
    }

    public void StreamOn() { Call("STREAMON"); _streaming = true; }

    public void StreamOff() { Call("STREAMOFF"); _streaming = false; _incoming.Clear(); _outgoing.Clear(); }

    public void Dispose() => Disposed = true;
}
