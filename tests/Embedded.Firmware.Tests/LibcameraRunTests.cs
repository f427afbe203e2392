using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using Embedded.Converter.Tests.Support;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace Embedded.Firmware.Tests;

/// <summary>`emb-board run --camera libcamera:…` against a fake rpicam-vid streaming MJPEG: each frame classified as the same image from a file.</summary>
[TestClass]
public sealed class LibcameraRunTests
{
    [TestMethod]
    public void LibcameraMjpegFrames_AreClassifiedLikeTheSameImagesFromFiles()
    {
        if (!OperatingSystem.IsLinux()) Assert.Inconclusive("the fake rpicam-vid is a POSIX shell script");
        string dir = Directory.CreateTempSubdirectory("emb-board-libcamera-").FullName;
        try
        {
            var files = Directory.GetFiles(SharedFixtures.Fixture("images", "imagenet-dev"), "*.JPEG").OrderBy(f => f, StringComparer.Ordinal).Take(6).ToArray();
            string folder = Directory.CreateDirectory(Path.Combine(dir, "images")).FullName;
            foreach (string f in files) File.Copy(f, Path.Combine(folder, Path.GetFileName(f)));
            string stream = Path.Combine(dir, "frames.mjpeg");
            File.WriteAllBytes(stream, files.SelectMany(File.ReadAllBytes).ToArray());
            string fake = Path.Combine(dir, "rpicam-vid");
            File.WriteAllText(fake, $"#!/bin/sh\ncat '{stream}'\nsleep 30\n");
            if (OperatingSystem.IsLinux()) File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            string model = Path.Combine(CameraAgreementTests.RepoRoot(), "firmware", "samples", "models", "mobilenet_v3_small_int8.emb");

            string[] Top(string camera)
            {
                var output = new StringWriter();
                var error = new StringWriter();
                Assert.AreEqual(0, Program.Run(new[] { "run", "--model", model, "--camera", camera, "--frames", files.Length.ToString(), "--json" }, output, error, CancellationToken.None), error.ToString());
                return output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
                    .Select(line => { using var json = JsonDocument.Parse(line); return json.RootElement.GetProperty("top").GetRawText(); }).ToArray();
            }
            var fromFiles = Top("files:" + folder);
            var fromCamera = Top($"libcamera:640x480,mjpeg,fps=10,awb=daylight,command={fake}");
            Assert.HasCount(files.Length, fromCamera);
            CollectionAssert.AreEqual(fromFiles, fromCamera, "labels and scores of every frame");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void BadLibcameraSpecs_AreClear()
    {
        string model = Path.Combine(CameraAgreementTests.RepoRoot(), "firmware", "samples", "models", "mobilenet_v3_small_int8.emb");
        foreach (var (spec, message) in new[]
        {
            ("libcamera:640x480,h264", "unknown option 'h264'"),
            ("libcamera:awb=purple", "awb=purple — one of auto"),
            ("libcamera:brightness=3", "brightness=3 is not a number in -1..1"),
            ("libcamera:641x480", "libcamera sizes are even"),
            ("libcamera:command=/no/such/rpicam-vid", "cannot run /no/such/rpicam-vid"),
        })
        {
            var error = new StringWriter();
            Assert.AreNotEqual(0, Program.Run(new[] { "run", "--model", model, "--camera", spec }, TextWriter.Null, error, CancellationToken.None), spec);
            StringAssert.Contains(error.ToString(), message, spec);
        }
    }
}
