using System.Globalization;
using System.IO;

namespace Embedded.Boards.RaspberryPi;

/// <summary>Linux spidev's message limit: a longer SPI message fails with EMSGSIZE ("Message too long").</summary>
public static class Spidev
{
    /// <summary>The kernel's default <c>bufsiz</c>, and what is assumed when the module parameter cannot be read.</summary>
    public const int DefaultBufferBytes = 4096;

    public const string BufferSizePath = "/sys/module/spidev/parameters/bufsiz";

    /// <summary>
    /// The spidev module's <c>bufsiz</c> parameter (raised with <c>spidev.bufsiz=N</c> on the kernel command line) from
    /// <paramref name="path"/>, or <see cref="DefaultBufferBytes"/> when it is absent or unreadable.
    /// </summary>
    public static int BufferBytes(string path = BufferSizePath)
    {
        try
        {
            if (File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int bytes) && bytes > 1)
                return bytes;
        }
        catch (IOException) { }
        catch (System.UnauthorizedAccessException) { }
        return DefaultBufferBytes;
    }
}
