using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using Embedded.Boards.Cameras;
using Embedded.Boards.Frames;
using Embedded.Boards.Hardware;
using Embedded.Boards.V4L2;

namespace Embedded.Fuzz.Targets;

/// <summary>
/// The V4L2 camera path with the driver's answers taken from the input: a 16-byte header — format (bit 0: MJPEG else
/// YUYV), width, height, bytesperline, the buffer length and bytesused the driver reports — then the frame's bytes.
/// The frame goes through <see cref="V4L2Camera"/> and <see cref="FramePreprocessor"/> into a 96×96 model input, as
/// emb-board's loop does. A misbehaving driver or a corrupt frame must end in a CameraException or an
/// ImageFormatException, never anything else.
/// </summary>
public static class FrameTargets
{
    public const int HeaderBytes = 16;

    internal static void V4L2(byte[] input)
    {
        if (input.Length < HeaderBytes) return;
        var header = input.AsSpan(0, HeaderBytes);
        bool mjpeg = (header[0] & 1) != 0;
        var format = new VideoFormat(BinaryPrimitives.ReadUInt16LittleEndian(header.Slice(2)), BinaryPrimitives.ReadUInt16LittleEndian(header.Slice(4)),
            mjpeg ? FourCC.Mjpeg : FourCC.Yuyv, BinaryPrimitives.ReadUInt16LittleEndian(header.Slice(6)));
        int bufferLength = BinaryPrimitives.ReadInt32LittleEndian(header.Slice(8)) & 0x3FFFFF; // a driver's buffer: up to 4 MB
        int bytesUsed = BinaryPrimitives.ReadInt32LittleEndian(header.Slice(12));
        var device = new ScriptedDevice(format, bufferLength, bytesUsed, input.AsSpan(HeaderBytes).ToArray());
        // The user asks for 320×240 (options are checked by the spec parser); the driver answers with the input's format.
        using var camera = new V4L2Camera(device, new VirtualClock(), new V4L2CameraOptions { Width = 320, Height = 240, Format = mjpeg ? PixelFormat.Jpeg : PixelFormat.Yuyv, Buffers = 1 });
        camera.Start();
        var frame = camera.Capture(TimeSpan.FromSeconds(1));
        new FramePreprocessor(96, 96).Prepare(frame, new byte[96 * 96 * 3]);
    }

    /// <summary>A V4L2 driver that answers with the fuzzer's format and one buffer holding the fuzzer's frame.</summary>
    private sealed class ScriptedDevice : IVideoDevice
    {
        private readonly VideoFormat _format;
        private readonly byte[] _buffer;
        private readonly int _bytesUsed;

        public ScriptedDevice(VideoFormat format, int bufferLength, int bytesUsed, byte[] frame)
        {
            _format = format;
            _buffer = new byte[Math.Max(bufferLength, 0)];
            frame.AsSpan(0, Math.Min(frame.Length, _buffer.Length)).CopyTo(_buffer);
            _bytesUsed = bytesUsed;
        }

        public string Path => "/dev/video-fuzz";
        public VideoCapability QueryCapability() => new("fuzz", "Fuzz Camera", "fuzz", 0x04000001);
        public IReadOnlyList<FourCC> EnumerateFormats() => new[] { FourCC.Yuyv, FourCC.Mjpeg };
        public VideoFormat SetFormat(VideoFormat requested) => _format;
        public void SetControl(V4L2Control control) { }
        public int RequestBuffers(int count) => count == 0 ? 0 : 1;
        public void MapBuffer(int index) { }
        public ReadOnlySpan<byte> Buffer(int index) => _buffer;
        public void UnmapBuffers() { }
        public void Queue(int index) { }
        public bool WaitForFrame(TimeSpan timeout) => true;
        public bool TryDequeue(out DequeuedBuffer buffer) { buffer = new DequeuedBuffer(0, _bytesUsed, 0, 0); return true; }
        public void StreamOn() { }
        public void StreamOff() { }
        public void Dispose() { }
    }
}
