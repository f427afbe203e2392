using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Embedded.Boards.V4L2.Interop;

/// <summary>
/// The parts of linux/videodev2.h that capture needs, laid out as the kernel's uapi structs on both 32- and 64-bit
/// processes (checked against the C header by a test). Ioctl numbers are computed from the struct sizes, as the
/// header's _IOR/_IOW/_IOWR macros do, so they follow the layout: a 32-bit process uses the 32-bit time_t buffer
/// layout, which kernels accept through their compat path (CONFIG_COMPAT_32BIT_TIME).
/// </summary>
internal static unsafe class VideoDev2
{
    public const uint V4L2_BUF_TYPE_VIDEO_CAPTURE = 1;
    public const uint V4L2_MEMORY_MMAP = 1;
    public const uint V4L2_FIELD_ANY = 0;

    public const uint V4L2_CAP_VIDEO_CAPTURE = 0x00000001;
    public const uint V4L2_CAP_VIDEO_CAPTURE_MPLANE = 0x00001000;
    public const uint V4L2_CAP_STREAMING = 0x04000000;
    public const uint V4L2_CAP_DEVICE_CAPS = 0x80000000;

    public const uint V4L2_BUF_FLAG_ERROR = 0x00000040;

    [StructLayout(LayoutKind.Sequential)]
    public struct Capability
    {
        public fixed byte Driver[16];
        public fixed byte Card[32];
        public fixed byte BusInfo[32];
        public uint Version;
        public uint Capabilities;
        public uint DeviceCaps;
        public fixed uint Reserved[3];
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct FormatDescription
    {
        public uint Index;
        public uint Type;
        public uint Flags;
        public fixed byte Description[32];
        public uint PixelFormat;
        public uint MbusCode;
        public fixed uint Reserved[3];
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct PixFormat
    {
        public uint Width;
        public uint Height;
        public uint PixelFormat;
        public uint Field;
        public uint BytesPerLine;
        public uint SizeImage;
        public uint Colorspace;
        public uint Priv;
        public uint Flags;
        public uint YcbcrEncoding;
        public uint Quantization;
        public uint TransferFunction;
    }

    /// <summary>The 200-byte union of struct v4l2_format; its v4l2_window member holds pointers, hence pointer alignment.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 200)]
    public struct FormatUnion
    {
        [FieldOffset(0)] public PixFormat Pix;
        [FieldOffset(0)] public nint PointerAlignment;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct Format
    {
        public uint Type;
        public FormatUnion Fmt;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct RequestBuffers
    {
        public uint Count;
        public uint Type;
        public uint Memory;
        public uint Capabilities;
        public uint FlagsAndReserved;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct Buffer
    {
        public uint Index;
        public uint Type;
        public uint BytesUsed;
        public uint Flags;
        public uint Field;
        public nint TimestampSeconds;       // struct timeval: long tv_sec, tv_usec
        public nint TimestampMicroseconds;
        public fixed uint Timecode[4];      // struct v4l2_timecode: 16 bytes
        public uint Sequence;
        public uint Memory;
        public nint Offset;                 // union m { __u32 offset; unsigned long userptr; void *planes; __s32 fd; }
        public uint Length;
        public uint Reserved2;
        public uint RequestFd;
    }

    /// <summary>struct v4l2_control.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Control
    {
        public uint Id;
        public int Value;
    }

    private const uint IocWrite = 1, IocRead = 2;

    private static nuint Ioc(uint direction, uint number, int size) => (nuint)(direction << 30 | (uint)size << 16 | (uint)'V' << 8 | number);

    public static nuint VIDIOC_QUERYCAP => Ioc(IocRead, 0, Unsafe.SizeOf<Capability>());
    public static nuint VIDIOC_ENUM_FMT => Ioc(IocRead | IocWrite, 2, Unsafe.SizeOf<FormatDescription>());
    public static nuint VIDIOC_G_FMT => Ioc(IocRead | IocWrite, 4, Unsafe.SizeOf<Format>());
    public static nuint VIDIOC_S_FMT => Ioc(IocRead | IocWrite, 5, Unsafe.SizeOf<Format>());
    public static nuint VIDIOC_REQBUFS => Ioc(IocRead | IocWrite, 8, Unsafe.SizeOf<RequestBuffers>());
    public static nuint VIDIOC_QUERYBUF => Ioc(IocRead | IocWrite, 9, Unsafe.SizeOf<Buffer>());
    public static nuint VIDIOC_QBUF => Ioc(IocRead | IocWrite, 15, Unsafe.SizeOf<Buffer>());
    public static nuint VIDIOC_DQBUF => Ioc(IocRead | IocWrite, 17, Unsafe.SizeOf<Buffer>());
    public static nuint VIDIOC_STREAMON => Ioc(IocWrite, 18, sizeof(int));
    public static nuint VIDIOC_STREAMOFF => Ioc(IocWrite, 19, sizeof(int));
    public static nuint VIDIOC_S_CTRL => Ioc(IocRead | IocWrite, 28, Unsafe.SizeOf<Control>());
}
