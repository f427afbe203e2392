using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;
using Embedded.Boards.Cameras;
using Embedded.Boards.V4L2.Interop;

namespace Embedded.Boards.V4L2;

/// <summary>
/// A /dev/videoN capture device through libc: non-blocking open, ioctls, mmap'd buffers, poll. Every failure is a
/// <see cref="CameraException"/> naming the device, the call and errno, with a hint for the usual causes.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed unsafe class V4L2Device : IVideoDevice
{
    private const int MaxBuffers = 32;
    private readonly (nint address, nuint length)[] _mapped = new (nint, nuint)[MaxBuffers];
    private int _fd;

    public V4L2Device(string path)
    {
        Path = path ?? throw new ArgumentNullException(nameof(path));
        if (!OperatingSystem.IsLinux()) throw new CameraException($"{path}: V4L2 capture needs Linux (this is {RuntimeInformation.OSDescription})");
        _fd = Libc.Open(path, Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
        if (_fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            string hint = errno switch
            {
                Libc.ENOENT => " — no such device file; `v4l2-ctl --list-devices` lists the cameras",
                Libc.EACCES => " — permission denied; add the user to the 'video' group",
                Libc.EBUSY => " — the camera is in use by another program",
                Libc.ENODEV or Libc.ENXIO => " — the device is gone (unplugged?)",
                _ => "",
            };
            throw new CameraException($"{path}: cannot open ({Libc.Describe(errno)}){hint}");
        }
    }

    public string Path { get; }

    private void Ioctl(nuint request, void* argument, string name)
    {
        while (Libc.Ioctl(Open(), request, argument) < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno == Libc.EINTR) continue;
            throw Failure(name, errno);
        }
    }

    private CameraException Failure(string call, int errno) => new(errno is Libc.ENODEV or Libc.ENXIO or Libc.EIO
        ? $"{Path}: {call} failed ({Libc.Describe(errno)}) — the camera stopped answering or was unplugged"
        : $"{Path}: {call} failed ({Libc.Describe(errno)})");

    private int Open() => _fd >= 0 ? _fd : throw new ObjectDisposedException(Path);

    public VideoCapability QueryCapability()
    {
        VideoDev2.Capability cap;
        Ioctl(VideoDev2.VIDIOC_QUERYCAP, &cap, "VIDIOC_QUERYCAP");
        uint caps = (cap.Capabilities & VideoDev2.V4L2_CAP_DEVICE_CAPS) != 0 ? cap.DeviceCaps : cap.Capabilities;
        return new VideoCapability(Text(cap.Driver, 16), Text(cap.Card, 32), Text(cap.BusInfo, 32), caps);
    }

    private static string Text(byte* bytes, int capacity)
    {
        int length = 0;
        while (length < capacity && bytes[length] != 0) length++;
        return Encoding.UTF8.GetString(bytes, length);
    }

    public IReadOnlyList<FourCC> EnumerateFormats()
    {
        var formats = new List<FourCC>();
        for (uint index = 0; index < 256; index++)
        {
            var description = new VideoDev2.FormatDescription { Index = index, Type = VideoDev2.V4L2_BUF_TYPE_VIDEO_CAPTURE };
            if (Libc.Ioctl(Open(), VideoDev2.VIDIOC_ENUM_FMT, &description) < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Libc.EINVAL) break; // the end of the list
                if (errno == Libc.EINTR) { index--; continue; }
                throw Failure("VIDIOC_ENUM_FMT", errno);
            }
            formats.Add(new FourCC(description.PixelFormat));
        }
        return formats;
    }

    public VideoFormat SetFormat(VideoFormat requested)
    {
        var format = new VideoDev2.Format { Type = VideoDev2.V4L2_BUF_TYPE_VIDEO_CAPTURE };
        format.Fmt.Pix.Width = (uint)requested.Width;
        format.Fmt.Pix.Height = (uint)requested.Height;
        format.Fmt.Pix.PixelFormat = requested.PixelFormat.Value;
        format.Fmt.Pix.Field = VideoDev2.V4L2_FIELD_ANY;
        Ioctl(VideoDev2.VIDIOC_S_FMT, &format, $"VIDIOC_S_FMT {requested}");
        var pix = format.Fmt.Pix;
        return new VideoFormat(Clamp(pix.Width), Clamp(pix.Height), new FourCC(pix.PixelFormat), Clamp(pix.BytesPerLine), Clamp(pix.SizeImage));
    }

    // Driver-reported sizes go into int fields; anything beyond int range is nonsense the camera rejects later.
    private static int Clamp(uint value) => value > int.MaxValue ? int.MaxValue : (int)value;

    public void SetControl(V4L2Control control)
    {
        var request = new VideoDev2.Control { Id = control.Id, Value = control.Value };
        while (Libc.Ioctl(Open(), VideoDev2.VIDIOC_S_CTRL, &request) < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno == Libc.EINTR) continue;
            throw errno switch
            {
                Libc.EINVAL => new CameraException($"{Path}: {control.Option}: this camera has no such control, or not in this mode (v4l2-ctl -d {Path} --list-ctrls lists them)"),
                Libc.ERANGE => new CameraException($"{Path}: {control.Option}: outside the control's range (v4l2-ctl -d {Path} --list-ctrls shows it)"),
                Libc.EACCES => new CameraException($"{Path}: {control.Option}: the control is read-only or inactive (set its automatic mode off first)"),
                _ => Failure($"VIDIOC_S_CTRL {control.Option}", errno),
            };
        }
    }

    public int RequestBuffers(int count)
    {
        if (count < 0 || count > MaxBuffers) throw new ArgumentOutOfRangeException(nameof(count), $"0..{MaxBuffers} buffers");
        var request = new VideoDev2.RequestBuffers { Count = (uint)count, Type = VideoDev2.V4L2_BUF_TYPE_VIDEO_CAPTURE, Memory = VideoDev2.V4L2_MEMORY_MMAP };
        Ioctl(VideoDev2.VIDIOC_REQBUFS, &request, $"VIDIOC_REQBUFS {count}");
        return (int)Math.Min(request.Count, MaxBuffers);
    }

    public void MapBuffer(int index)
    {
        if ((uint)index >= MaxBuffers) throw new ArgumentOutOfRangeException(nameof(index));
        var buffer = new VideoDev2.Buffer { Index = (uint)index, Type = VideoDev2.V4L2_BUF_TYPE_VIDEO_CAPTURE, Memory = VideoDev2.V4L2_MEMORY_MMAP };
        Ioctl(VideoDev2.VIDIOC_QUERYBUF, &buffer, $"VIDIOC_QUERYBUF {index}");
        if (buffer.Length == 0 || buffer.Length > 256u * 1024 * 1024) throw new CameraException($"{Path}: buffer {index} has an implausible length {buffer.Length}");
        nint address = Libc.Mmap(0, buffer.Length, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED, Open(), buffer.Offset);
        if (address == Libc.MAP_FAILED) throw Failure($"mmap of buffer {index} ({buffer.Length} bytes)", Marshal.GetLastPInvokeError());
        _mapped[index] = (address, buffer.Length);
    }

    public ReadOnlySpan<byte> Buffer(int index)
    {
        if ((uint)index >= MaxBuffers || _mapped[index].address == 0) throw new CameraException($"{Path}: the driver returned buffer {index}, which is not mapped");
        return new ReadOnlySpan<byte>((void*)_mapped[index].address, (int)_mapped[index].length);
    }

    public void UnmapBuffers()
    {
        for (int i = 0; i < MaxBuffers; i++)
        {
            if (_mapped[i].address == 0) continue;
            Libc.Munmap(_mapped[i].address, _mapped[i].length);
            _mapped[i] = default;
        }
    }

    public void Queue(int index)
    {
        var buffer = new VideoDev2.Buffer { Index = (uint)index, Type = VideoDev2.V4L2_BUF_TYPE_VIDEO_CAPTURE, Memory = VideoDev2.V4L2_MEMORY_MMAP };
        Ioctl(VideoDev2.VIDIOC_QBUF, &buffer, $"VIDIOC_QBUF {index}");
    }

    public bool WaitForFrame(TimeSpan timeout)
    {
        var fds = new Libc.PollFd { Fd = Open(), Events = Libc.POLLIN };
        int milliseconds = (int)Math.Clamp(Math.Ceiling(timeout.TotalMilliseconds), 0, int.MaxValue);
        int ready = Libc.Poll(&fds, 1, milliseconds);
        if (ready < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno == Libc.EINTR) return false;
            throw Failure("poll", errno);
        }
        if (ready == 0) return false;
        // A UVC camera pulled from its port wakes poll with POLLERR/POLLHUP and no data.
        if ((fds.Revents & (Libc.POLLERR | Libc.POLLHUP | Libc.POLLNVAL)) != 0 && (fds.Revents & Libc.POLLIN) == 0)
            throw new CameraException($"{Path}: poll reported an error (revents 0x{fds.Revents:X}) — the camera stopped streaming or was unplugged");
        return (fds.Revents & Libc.POLLIN) != 0;
    }

    public bool TryDequeue(out DequeuedBuffer dequeued)
    {
        var buffer = new VideoDev2.Buffer { Type = VideoDev2.V4L2_BUF_TYPE_VIDEO_CAPTURE, Memory = VideoDev2.V4L2_MEMORY_MMAP };
        while (Libc.Ioctl(Open(), VideoDev2.VIDIOC_DQBUF, &buffer) < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno == Libc.EINTR) continue;
            dequeued = default;
            if (errno == Libc.EAGAIN) return false;
            throw Failure("VIDIOC_DQBUF", errno);
        }
        dequeued = new DequeuedBuffer((int)buffer.Index, Clamp(buffer.BytesUsed), buffer.Flags, buffer.Sequence);
        return true;
    }

    public void StreamOn()
    {
        int type = (int)VideoDev2.V4L2_BUF_TYPE_VIDEO_CAPTURE;
        Ioctl(VideoDev2.VIDIOC_STREAMON, &type, "VIDIOC_STREAMON");
    }

    public void StreamOff()
    {
        int type = (int)VideoDev2.V4L2_BUF_TYPE_VIDEO_CAPTURE;
        Ioctl(VideoDev2.VIDIOC_STREAMOFF, &type, "VIDIOC_STREAMOFF");
    }

    public void Dispose()
    {
        if (_fd < 0) return;
        UnmapBuffers();
        Libc.Close(_fd);
        _fd = -1;
    }
}
