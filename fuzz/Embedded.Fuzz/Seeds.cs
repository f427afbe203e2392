using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Embedded.Converter.Tests.Tflite;
using Embedded.Converter.Tflite;
using Embedded.Runtime.Building;
using Embedded.Runtime.Format;
using Embedded.Runtime.Model;

namespace Embedded.Fuzz;

/// <summary>
/// `emb-fuzz --seeds DIR`: the seed corpora that code can make — small .emb and .tflite models (the tests' one-operator
/// TFLite cases, a tiny synthetic MobileNetV3), V4L2 frames, option texts. Images and ONNX models come from
/// fuzz/make-seeds.sh (ImageMagick, python3-onnx). Seeds are small on purpose: AFL mutates every byte.
/// </summary>
internal static class Seeds
{
    public static void Write(string root)
    {
        void Put(string target, string name, byte[] bytes)
        {
            string dir = Path.Combine(root, target);
            Directory.CreateDirectory(dir);
            File.WriteAllBytes(Path.Combine(dir, name), bytes);
        }
        void Text(string target, params string[] texts)
        {
            for (int i = 0; i < texts.Length; i++) Put(target, $"seed-{i:D2}.txt", Encoding.UTF8.GetBytes(texts[i]));
        }

        foreach (var c in TfliteOperatorCases.All())
        {
            Put("tflite", c.Name + ".tflite", c.Model);
            var definition = TfliteImporter.Import(TfliteModel.Parse(c.Model, c.Name), new ModelMetadata { Name = c.Name }, TfliteKernels.Builtin);
            Put("emb", c.Name + ".emb", ModelWriter.Write(definition));
        }
        var tiny = SyntheticMobileNetV3.Build(new SyntheticMobileNetV3.Options
        {
            Resolution = 16, Classes = 5, StemChannels = 8, HeadChannels = 16, HiddenChannels = 16, Blocks = SyntheticMobileNetV3.TinyBlocks, Name = "tiny",
        });
        Put("emb", "tiny_mobilenet_v3.emb", ModelWriter.Write(tiny));
        var wide = SyntheticMobileNetV3.Build(new SyntheticMobileNetV3.Options
        {
            Resolution = 16, Classes = 5, StemChannels = 8, HeadChannels = 16, HiddenChannels = 16, Blocks = SyntheticMobileNetV3.TinyBlocks, Name = "tiny16", Wide = true,
        });
        Put("emb", "tiny_mobilenet_v3_int16.emb", ModelWriter.Write(wide));

        // V4L2: header (format, width, height, bytesperline, buffer length, bytesused) + frame.
        byte[] Frame(bool mjpeg, int width, int height, int bytesPerLine, int bufferLength, int bytesUsed, byte[] data)
        {
            var header = new byte[Targets.FrameTargets.HeaderBytes];
            header[0] = (byte)(mjpeg ? 1 : 0);
            BitConverter.TryWriteBytes(header.AsSpan(2), (ushort)width);
            BitConverter.TryWriteBytes(header.AsSpan(4), (ushort)height);
            BitConverter.TryWriteBytes(header.AsSpan(6), (ushort)bytesPerLine);
            BitConverter.TryWriteBytes(header.AsSpan(8), bufferLength);
            BitConverter.TryWriteBytes(header.AsSpan(12), bytesUsed);
            return header.Concat(data).ToArray();
        }
        var yuyv = Enumerable.Range(0, 8 * 6 * 2).Select(i => (byte)(i * 37)).ToArray();
        Put("v4l2-frame", "yuyv_8x6.bin", Frame(false, 8, 6, 16, yuyv.Length, yuyv.Length, yuyv));
        var padded = Enumerable.Range(0, 20 * 6).Select(i => (byte)(i * 11)).ToArray();
        Put("v4l2-frame", "yuyv_8x6_stride20.bin", Frame(false, 8, 6, 20, padded.Length, padded.Length, padded));
        string jpegDir = Path.Combine(root, "jpeg");
        if (Directory.Exists(jpegDir))
            foreach (var jpeg in Directory.GetFiles(jpegDir).OrderBy(f => f, StringComparer.Ordinal).Take(3))
            {
                var bytes = File.ReadAllBytes(jpeg);
                Put("v4l2-frame", "mjpeg_" + Path.GetFileNameWithoutExtension(jpeg) + ".bin", Frame(true, 16, 16, 0, bytes.Length + 64, bytes.Length, bytes));
            }

        Text("camera-spec", "files:/tmp/images", "sim-arducam:/tmp/images,realtime", "sim-ov7670:/tmp/images,yuyv",
            "v4l2:/dev/video0,640x480,mjpeg,buffers=4,exposure=300,wb=4600,brightness=10,contrast=5,saturation=3,gain=2",
            "libcamera:1280x720,mjpeg,fps=15,camera=0,shutter=10000,gain=2.5,awb=daylight,brightness=0.1,contrast=1.5",
            "arducam:spi=0.0,i2c=1,320x240,jpeg,clock=4000000,fifo=384k",
            "ov7670:i2c=1,320x240,yuyv,vsync=17,wrst=27,wen=22,rrst=23,oe=24,rclk=25,data=5/6/12/13/16/19/20/21,gpio=libgpiod,gpiochip=4");
        Text("on-rule", "person>0.6:gpio=17", "tench, Tinca tinca>0.25:gpio=27,release=0.2,hold=500,active=low", "#417>0.9:gpio=4,active=high");
        Text("display-spec", "lcd1602", "lcd2004:i2c=0,address=0x3f", "ssd1306:i2c=1,address=0x3D,height=32");
    }
}
