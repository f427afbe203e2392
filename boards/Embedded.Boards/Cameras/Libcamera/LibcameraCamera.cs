using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;
using Embedded.Boards.Frames;

namespace Embedded.Boards.Cameras.Libcamera;

/// <summary>
/// A CSI camera through libcamera: <c>rpicam-vid</c> (or <c>libcamera-vid</c>) runs as a child process writing raw
/// YUV 4:2:0 frames or MJPEG to its stdout, read here into buffers kept across frames (nothing allocated per frame).
/// A stall longer than the capture timeout stops the program and is a <see cref="CameraTimeoutException"/>; a program
/// that exits is started again, and one that keeps exiting before a frame is reported with its exit code and last
/// error lines. Camera Module 2/3 on Bookworm deliver no usable frames through plain V4L2: this is their path.
/// </summary>
public sealed class LibcameraCamera : IFrameSource
{
    private const int ErrorLines = 6;

    private readonly LibcameraOptions _options;
    private readonly string _command;
    private readonly Frame _frame = new();
    private readonly byte[] _buffer;
    private readonly Queue<string> _errors = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Timer _watchdog;
    private Process? _process;
    private Stream? _stdout;
    private int _buffered;
    private int _restarts;
    private long _deadlineTicks;
    private CancellationToken _cancellation;
    private volatile bool _stalled;

    public LibcameraCamera(LibcameraOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        if (options.Format is not (PixelFormat.Yuv420 or PixelFormat.Jpeg)) throw new ArgumentException($"libcamera frames are yuv420 or mjpeg, not {options.Format}", nameof(options));
        if (options.Width < 2 || options.Height < 2 || options.Width > 4608 || options.Height > 3456)
            throw new ArgumentOutOfRangeException(nameof(options), $"{options.Width}×{options.Height} is outside 2×2..4608×3456");
        if (options.FramesPerSecond < 1 || options.FramesPerSecond > 240) throw new ArgumentOutOfRangeException(nameof(options), $"{options.FramesPerSecond} fps is outside 1..240");
        _command = options.Command ?? FindOnPath("rpicam-vid") ?? FindOnPath("libcamera-vid")
            ?? throw new CameraException("libcamera: neither rpicam-vid nor libcamera-vid is installed (sudo apt install rpicam-apps)");
        long raw = PixelFormats.FrameBytes(PixelFormat.Yuv420, options.Width, options.Height);
        // MJPEG: room for a frame as large as its raw planes plus the start of the next one.
        _buffer = new byte[options.Format == PixelFormat.Jpeg ? checked((int)(2 * raw + 65536)) : checked((int)raw)];
        _watchdog = new Timer(_ => Watch(), null, Timeout.Infinite, Timeout.Infinite);
    }

    public string Name => $"libcamera ({Path.GetFileName(_command)}) {(_options.Format == PixelFormat.Jpeg ? "MJPEG" : "YUV420")} {_options.Width}×{_options.Height}";

    /// <summary>How often the program has been started again after exiting.</summary>
    public int Restarts => _restarts;

    public void Start() => Launch();

    public Frame Capture(TimeSpan timeout, CancellationToken cancellation = default)
    {
        if (_process is null) Launch();
        int failures = 0;
        _cancellation = cancellation;
        Interlocked.Exchange(ref _deadlineTicks, _clock.Elapsed.Ticks + timeout.Ticks);
        _stalled = false;
        _watchdog.Change(20, 20);
        try
        {
            while (true)
            {
                cancellation.ThrowIfCancellationRequested();
                if (_options.Format == PixelFormat.Jpeg ? TryReadJpeg() : TryReadRaw()) return _frame;
                if (_stalled)
                {
                    cancellation.ThrowIfCancellationRequested();
                    throw new CameraTimeoutException($"{Name}: no frame within {timeout.TotalMilliseconds:F0} ms — {Path.GetFileName(_command)} stalled and was stopped{Tail()}");
                }
                // End of stream: the program exited. Start it again, within the restart budget.
                int code = Exited();
                if (++failures > _options.MaxRestarts)
                    throw new CameraException($"{Name}: {Path.GetFileName(_command)} exited with code {code} {failures} times without a frame{Tail()}");
                _restarts++;
                Launch();
            }
        }
        finally
        {
            _watchdog.Change(Timeout.Infinite, Timeout.Infinite);
        }
    }

    /// <summary>One YUV 4:2:0 frame: exactly its planes' bytes. False at the end of the stream.</summary>
    private bool TryReadRaw()
    {
        int length = _buffer.Length;
        while (_buffered < length)
        {
            int n = Read(_buffer, _buffered, length - _buffered);
            if (n == 0) { _buffered = 0; return false; }
            _buffered += n;
        }
        _buffered = 0;
        _buffer.AsSpan(0, length).CopyTo(_frame.Reset(PixelFormat.Yuv420, _options.Width, _options.Height, length, _clock.Elapsed, ""));
        return true;
    }

    /// <summary>One JPEG of the MJPEG stream; what follows it stays buffered for the next frame. False at the end of the stream.</summary>
    private bool TryReadJpeg()
    {
        while (true)
        {
            int length = _buffered > 0 ? MjpegStream.CompleteLength(_buffer.AsSpan(0, _buffered)) : -1;
            if (length > 0)
            {
                _buffer.AsSpan(0, length).CopyTo(_frame.Reset(PixelFormat.Jpeg, 0, 0, length, _clock.Elapsed, ""));
                Buffer.BlockCopy(_buffer, length, _buffer, 0, _buffered - length);
                _buffered -= length;
                return true;
            }
            if (_buffered == _buffer.Length) throw new CameraException($"{Name}: an MJPEG frame exceeds {_buffer.Length} bytes");
            int n = Read(_buffer, _buffered, _buffer.Length - _buffered);
            if (n == 0) { _buffered = 0; return false; }
            _buffered += n;
        }
    }

    private int Read(byte[] buffer, int offset, int count)
    {
        try
        {
            return _stdout!.Read(buffer, offset, count);
        }
        catch (IOException) when (_stalled) { return 0; }
        catch (ObjectDisposedException) when (_stalled) { return 0; }
    }

    /// <summary>The watchdog: past the deadline, or cancelled, the program is stopped so that the blocked read returns.</summary>
    private void Watch()
    {
        if (_clock.Elapsed.Ticks < Interlocked.Read(ref _deadlineTicks) && !_cancellation.IsCancellationRequested) return;
        _stalled = true;
        Kill();
    }

    private void Launch()
    {
        Kill();
        _buffered = 0;
        var start = new ProcessStartInfo(_command)
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = false, CreateNoWindow = true,
        };
        foreach (string argument in _options.Arguments()) start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new CameraException($"libcamera: {_command} did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new CameraException($"libcamera: cannot run {_command}: {e.Message} (install rpicam-apps: sudo apt install rpicam-apps)", e);
        }
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not { Length: > 0 } line) return;
            lock (_errors)
            {
                _errors.Enqueue(line);
                while (_errors.Count > ErrorLines) _errors.Dequeue();
            }
        };
        process.BeginErrorReadLine();
        _process = process;
        _stdout = process.StandardOutput.BaseStream;
    }

    /// <summary>The exit code of the program that just closed its output (−1 if it does not exit within a second).</summary>
    private int Exited()
    {
        var process = _process!;
        if (!process.WaitForExit(1000)) { Kill(); return -1; }
        process.WaitForExit();   // drains the error lines
        return process.ExitCode;
    }

    private string Tail()
    {
        lock (_errors) return _errors.Count == 0 ? "" : "; it said: " + string.Join(" | ", _errors);
    }

    private void Kill()
    {
        var process = _process;
        if (process is null) return;
        try
        {
            // The whole tree: a child that inherited the pipe (a wrapper script's) would keep the read blocked.
#if NET
            if (!process.HasExited) process.Kill(entireProcessTree: true);
#else
            if (!process.HasExited) process.Kill();
#endif
        }
        catch (InvalidOperationException) { }
        catch (System.ComponentModel.Win32Exception) { }
    }

    public void Stop()
    {
        Kill();
        _process?.WaitForExit(2000);
        _process?.Dispose();
        _process = null;
        _stdout = null;
    }

    public void Dispose()
    {
        _watchdog.Dispose();
        Stop();
    }

    private static string? FindOnPath(string program)
    {
        foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            if (directory.Length == 0) continue;
            string candidate = Path.Combine(directory, program);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
