using System.Runtime.InteropServices;

namespace Embedded.Boards.V4L2.Interop;

/// <summary>
/// The few libc calls V4L2 needs. "libc" resolves to the C library on glibc and musl systems. Sizes that are
/// `unsigned long` / `off_t` / pointers in C are nint/nuint so the same code is right on 32-bit (linux-arm) and
/// 64-bit (linux-arm64, x64) processes.
/// </summary>
internal static unsafe partial class Libc
{
    private const string Library = "libc";

    public const int O_RDWR = 0x2;
    public const int O_NONBLOCK = 0x800;    // 04000: the same on x86, arm and arm64
    public const int O_CLOEXEC = 0x80000;   // 02000000

    public const int PROT_READ = 0x1, PROT_WRITE = 0x2;
    public const int MAP_SHARED = 0x1;
    public static readonly nint MAP_FAILED = -1;

    public const short POLLIN = 0x1, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20;

    public const int EINTR = 4, EIO = 5, ENXIO = 6, EAGAIN = 11, EACCES = 13, EBUSY = 16, ENODEV = 19, EINVAL = 22, ENOENT = 2, ERANGE = 34;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport(Library, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary>ioctl(fd, request, arg): variadic in C, but on the Linux ABIs .NET runs on a pointer argument passes the same way.</summary>
    [LibraryImport(Library, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, void* argument);

    [LibraryImport(Library, EntryPoint = "mmap", SetLastError = true)]
    public static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport(Library, EntryPoint = "munmap", SetLastError = true)]
    public static partial int Munmap(nint address, nuint length);

    [LibraryImport(Library, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);

    /// <summary>"ENODEV (No such device)" for messages.</summary>
    public static string Describe(int errno) => $"errno {errno}: {Marshal.GetPInvokeErrorMessage(errno)}";
}
