using System;
using System.Diagnostics;
using System.Threading;

namespace Embedded.Boards.Hardware;

/// <summary>
/// Time as drivers see it: how long since start, and waiting. Drivers never call Thread.Sleep or Stopwatch
/// directly, so emulators run on virtual time and tests of timeouts finish at once.
/// </summary>
public interface IClock
{
    TimeSpan Elapsed { get; }

    void Delay(TimeSpan duration, CancellationToken cancellation = default);
}

/// <summary>Real time: a Stopwatch and a cancellable wait.</summary>
public sealed class SystemClock : IClock
{
    private readonly Stopwatch _watch = Stopwatch.StartNew();

    public static SystemClock Instance { get; } = new();

    public TimeSpan Elapsed => _watch.Elapsed;

    public void Delay(TimeSpan duration, CancellationToken cancellation = default)
    {
        if (duration <= TimeSpan.Zero) { cancellation.ThrowIfCancellationRequested(); return; }
        if (cancellation.WaitHandle.WaitOne(duration)) cancellation.ThrowIfCancellationRequested();
    }
}

/// <summary>Virtual time that moves only when someone waits: emulators and tests share one.</summary>
public sealed class VirtualClock : IClock
{
    private long _ticks;

    public TimeSpan Elapsed => TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

    public void Delay(TimeSpan duration, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        if (duration > TimeSpan.Zero) Interlocked.Add(ref _ticks, duration.Ticks);
    }

    /// <summary>Moves time forward to <paramref name="moment"/> (never back).</summary>
    public void AdvanceTo(TimeSpan moment)
    {
        long now;
        while ((now = Interlocked.Read(ref _ticks)) < moment.Ticks && Interlocked.CompareExchange(ref _ticks, moment.Ticks, now) != now) { }
    }
}
