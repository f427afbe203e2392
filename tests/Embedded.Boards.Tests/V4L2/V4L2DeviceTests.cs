using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.Versioning;
using Embedded.Boards.Cameras;
using Embedded.Boards.V4L2;
using Embedded.Boards.V4L2.Interop;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Boards.Tests.V4L2;

/// <summary>
/// The real libc path: struct layouts and ioctl numbers against linux/videodev2.h compiled by gcc, and the system
/// calls on device files that exist on any Linux machine (no camera needed).
/// </summary>
[TestClass]
public sealed class V4L2DeviceTests
{
    private const string Probe = """
        #include <stdio.h>
        #include <stddef.h>
        #include <linux/videodev2.h>
        int main(void) {
          printf("cap=%zu fmtdesc=%zu fmt=%zu pix=%zu reqbufs=%zu buf=%zu\n", sizeof(struct v4l2_capability), sizeof(struct v4l2_fmtdesc),
                 sizeof(struct v4l2_format), sizeof(struct v4l2_pix_format), sizeof(struct v4l2_requestbuffers), sizeof(struct v4l2_buffer));
          printf("buf.timestamp=%zu buf.sequence=%zu buf.m=%zu buf.length=%zu fmt.fmt=%zu\n", offsetof(struct v4l2_buffer, timestamp),
                 offsetof(struct v4l2_buffer, sequence), offsetof(struct v4l2_buffer, m), offsetof(struct v4l2_buffer, length), offsetof(struct v4l2_format, fmt));
          printf("QUERYCAP=%lx ENUM_FMT=%lx G_FMT=%lx S_FMT=%lx REQBUFS=%lx QUERYBUF=%lx QBUF=%lx DQBUF=%lx STREAMON=%lx STREAMOFF=%lx\n",
                 (unsigned long)VIDIOC_QUERYCAP, (unsigned long)VIDIOC_ENUM_FMT, (unsigned long)VIDIOC_G_FMT, (unsigned long)VIDIOC_S_FMT,
                 (unsigned long)VIDIOC_REQBUFS, (unsigned long)VIDIOC_QUERYBUF, (unsigned long)VIDIOC_QBUF, (unsigned long)VIDIOC_DQBUF,
                 (unsigned long)VIDIOC_STREAMON, (unsigned long)VIDIOC_STREAMOFF);
          printf("ctrl=%zu S_CTRL=%lx BRIGHTNESS=%x CONTRAST=%x SATURATION=%x AWB=%x GAIN=%x WB_TEMP=%x EXPOSURE_AUTO=%x EXPOSURE_ABS=%x MANUAL=%d APERTURE=%d\n",
                 sizeof(struct v4l2_control), (unsigned long)VIDIOC_S_CTRL, V4L2_CID_BRIGHTNESS, V4L2_CID_CONTRAST, V4L2_CID_SATURATION,
                 V4L2_CID_AUTO_WHITE_BALANCE, V4L2_CID_GAIN, V4L2_CID_WHITE_BALANCE_TEMPERATURE, V4L2_CID_EXPOSURE_AUTO, V4L2_CID_EXPOSURE_ABSOLUTE,
                 V4L2_EXPOSURE_MANUAL, V4L2_EXPOSURE_APERTURE_PRIORITY);
          return 0;
        }
        """;

    [TestMethod]
    public unsafe void LayoutsAndIoctlNumbers_MatchTheKernelHeader()
    {
        if (!OperatingSystem.IsLinux()) Assert.Inconclusive("the kernel header check runs on Linux");
        string dir = Directory.CreateTempSubdirectory("v4l2-probe").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "probe.c"), Probe);
            Run("gcc", $"-o {dir}/probe {dir}/probe.c", "gcc and linux/videodev2.h (Debian: gcc, linux-libc-dev) are needed for this check");
            string printed = Run(Path.Combine(dir, "probe"), "", "the probe did not run");
            var values = printed.Split(new[] { ' ', '\n' }, StringSplitOptions.RemoveEmptyEntries).Select(kv => kv.Split('=')).ToDictionary(kv => kv[0], kv => kv[1]);

            string mine = $"cap={sizeof(VideoDev2.Capability)} fmtdesc={sizeof(VideoDev2.FormatDescription)} fmt={sizeof(VideoDev2.Format)} " +
                $"pix={sizeof(VideoDev2.PixFormat)} reqbufs={sizeof(VideoDev2.RequestBuffers)} buf={sizeof(VideoDev2.Buffer)} " +
                $"buf.timestamp={Offset<VideoDev2.Buffer>("TimestampSeconds")} buf.sequence={Offset<VideoDev2.Buffer>("Sequence")} " +
                $"buf.m={Offset<VideoDev2.Buffer>("Offset")} buf.length={Offset<VideoDev2.Buffer>("Length")} fmt.fmt={Offset<VideoDev2.Format>("Fmt")} " +
                $"QUERYCAP={VideoDev2.VIDIOC_QUERYCAP:x} ENUM_FMT={VideoDev2.VIDIOC_ENUM_FMT:x} G_FMT={VideoDev2.VIDIOC_G_FMT:x} S_FMT={VideoDev2.VIDIOC_S_FMT:x} " +
                $"REQBUFS={VideoDev2.VIDIOC_REQBUFS:x} QUERYBUF={VideoDev2.VIDIOC_QUERYBUF:x} QBUF={VideoDev2.VIDIOC_QBUF:x} DQBUF={VideoDev2.VIDIOC_DQBUF:x} " +
                $"STREAMON={VideoDev2.VIDIOC_STREAMON:x} STREAMOFF={VideoDev2.VIDIOC_STREAMOFF:x} " +
                $"ctrl={sizeof(VideoDev2.Control)} S_CTRL={VideoDev2.VIDIOC_S_CTRL:x} BRIGHTNESS={V4L2Control.Brightness:x} CONTRAST={V4L2Control.Contrast:x} " +
                $"SATURATION={V4L2Control.Saturation:x} AWB={V4L2Control.AutoWhiteBalance:x} GAIN={V4L2Control.Gain:x} WB_TEMP={V4L2Control.WhiteBalanceTemperature:x} " +
                $"EXPOSURE_AUTO={V4L2Control.ExposureAuto:x} EXPOSURE_ABS={V4L2Control.ExposureAbsolute:x} MANUAL={V4L2Control.ExposureManual} APERTURE={V4L2Control.ExposureAperturePriority}";
            var ours = mine.Split(' ').Select(kv => kv.Split('=')).ToDictionary(kv => kv[0], kv => kv[1]);
            Assert.AreEqual(values.Count, ours.Count, printed);
            foreach (var (name, value) in values) Assert.AreEqual(value, ours[name], $"{name}: videodev2.h says {value}, the interop says {ours[name]}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static int Offset<T>(string field) => (int)System.Runtime.InteropServices.Marshal.OffsetOf<T>(field);

    private static string Run(string program, string arguments, string why)
    {
        Process process;
        try
        {
            process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new AssertFailedException($"{why}: {e.Message}");
        }
        string output = process.StandardOutput.ReadToEnd(), error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.AreEqual(0, process.ExitCode, $"{program} {arguments}: {error}");
        return output;
    }

    [TestMethod]
    [SupportedOSPlatform("linux")]
    public void MissingDevice_SaysSo()
    {
        var error = Assert.ThrowsExactly<CameraException>(() => new V4L2Device("/dev/video-does-not-exist"));
        StringAssert.Contains(error.Message, "/dev/video-does-not-exist: cannot open");
        StringAssert.Contains(error.Message, "no such device file");
    }

    [TestMethod]
    [SupportedOSPlatform("linux")]
    public void DeviceThatIsNotACamera_FailsItsFirstIoctlClearly()
    {
        using var device = new V4L2Device("/dev/null");
        var error = Assert.ThrowsExactly<CameraException>(() => device.QueryCapability());
        StringAssert.Contains(error.Message, "/dev/null: VIDIOC_QUERYCAP failed (errno 25");
        using var camera = new V4L2Camera(new V4L2Device("/dev/null"), Hardware.SystemClock.Instance);
        Assert.ThrowsExactly<CameraException>(() => camera.Start());
    }
}
