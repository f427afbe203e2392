using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Threading;

namespace Embedded.Converter.Cli.Bench;

/// <summary>
/// How much vector work N threads get done next to one thread, measured now: every thread runs the same fixed amount of
/// register-only SIMD multiplies (no memory, nothing shared). Two free cores give ×2.0; on a VM the two "cores" can be
/// one physical core's hyper-threads for minutes at a time, and then the multipliers are shared and the loop gets ×1.0.
/// Memory-bound code gains more from a sibling than this loop does, so it is a gauge of the machine, not a ceiling.
/// The second gauge, <see cref="LineTransferNanoseconds"/>, is what split work pays to hand bytes between cores.
/// </summary>
internal sealed class ParallelProbe : IDisposable
{
    private readonly Thread[] _helpers;
    private readonly SemaphoreSlim _start = new(0);
    private readonly CountdownEvent _done = new(1);
    private volatile bool _stopping;
    private int _ready, _go;
    private readonly int _rounds;

    /// <summary>A probe with <paramref name="maxThreads"/>−1 helper threads, each run lasting about <paramref name="unit"/> on one thread.</summary>
    public ParallelProbe(int maxThreads, TimeSpan unit)
    {
        if (maxThreads < 1) throw new ArgumentOutOfRangeException(nameof(maxThreads), maxThreads, "at least one thread");
        _rounds = Calibrate(unit);
        _helpers = new Thread[maxThreads - 1];
        for (int i = 0; i < _helpers.Length; i++)
        {
            _helpers[i] = new Thread(HelperLoop) { IsBackground = true, Name = $"emb bench probe {i + 1}" };
            _helpers[i].Start();
        }
    }

    /// <summary>
    /// Wall time (ms) for <paramref name="threads"/> threads to each finish one unit of work together. The clock starts
    /// once every helper is awake and spinning, so a slow wake-up (tens of µs on a VM) does not count as contention.
    /// </summary>
    public double Run(int threads)
    {
        if (threads < 1 || threads > _helpers.Length + 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, $"1..{_helpers.Length + 1} threads");
        long begin = Launch(threads - 1);
        Sink = Multiply(_rounds);
        if (threads > 1) _done.Wait();
        return (Stopwatch.GetTimestamp() - begin) * 1000.0 / Stopwatch.Frequency;
    }

    /// <summary>
    /// Nanoseconds for one cache line to move from one core to another: the first helper and the caller bounce a
    /// counter <paramref name="trips"/> times (each trip is two moves). Split kernels meet such lines at every barrier
    /// and where a part reads rows another thread wrote; on a VM it changes with where the host puts the vCPUs (the
    /// same die or not), and with it the two-thread latency, while the vector loop above stays at ×2.
    /// </summary>
    public double LineTransferNanoseconds(int trips = 2000)
    {
        if (_helpers.Length == 0) throw new InvalidOperationException("the probe has no second thread");
        if (trips < 1) throw new ArgumentOutOfRangeException(nameof(trips), trips, "at least one trip");
        Volatile.Write(ref Ball, 0);
        _pingTrips = trips;
        long begin = Launch(1);
        for (int i = 0; i < trips; i++)
        {
            // Odd values are the helper's to answer, even ones the caller's.
            Volatile.Write(ref Ball, 2 * i + 1);
            while (Volatile.Read(ref Ball) != 2 * i + 2) { }
        }
        long elapsed = Stopwatch.GetTimestamp() - begin;
        _done.Wait();
        _pingTrips = 0;
        return elapsed * 1e9 / Stopwatch.Frequency / (2.0 * trips);
    }

    /// <summary>Wakes <paramref name="helpers"/> helpers, waits until each is spinning, lets them go: the start time.</summary>
    private long Launch(int helpers)
    {
        _done.Reset(helpers);
        Volatile.Write(ref _ready, 0);
        Volatile.Write(ref _go, 0);
        if (helpers > 0) _start.Release(helpers);
        var spin = new SpinWait();
        while (Volatile.Read(ref _ready) < helpers) spin.SpinOnce(sleep1Threshold: -1);
        long begin = Stopwatch.GetTimestamp();
        Volatile.Write(ref _go, 1);
        return begin;
    }

    // The counter the two threads bounce, alone on its cache line; a non-zero trip count makes the helper answer instead of multiplying.
    private PaddedInt _paddedBall;
    private ref int Ball => ref _paddedBall.Value;
    private volatile int _pingTrips;

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Explicit, Size = 192)]
    private struct PaddedInt { [System.Runtime.InteropServices.FieldOffset(64)] public int Value; }

    /// <summary>The result of the last run, kept so the JIT cannot drop the work.</summary>
    public static int Sink;

    private void HelperLoop()
    {
        while (true)
        {
            _start.Wait();
            if (_stopping) return;
            Interlocked.Increment(ref _ready);
            var spin = new SpinWait();
            while (Volatile.Read(ref _go) == 0) spin.SpinOnce(sleep1Threshold: -1);
            int trips = _pingTrips;
            if (trips > 0)
                for (int i = 0; i < trips; i++)
                {
                    while (Volatile.Read(ref Ball) != 2 * i + 1) { }
                    Volatile.Write(ref Ball, 2 * i + 2);
                }
            else Sink = Multiply(_rounds);
            _done.Signal();
        }
    }

    /// <summary>Rounds of <see cref="Multiply"/> that take about <paramref name="unit"/> on one thread here.</summary>
    private static int Calibrate(TimeSpan unit)
    {
        const int trial = 20_000;
        Multiply(trial); // jit and warm the core
        double best = double.MaxValue;
        for (int i = 0; i < 5; i++)
        {
            long begin = Stopwatch.GetTimestamp();
            Multiply(trial);
            best = Math.Min(best, (Stopwatch.GetTimestamp() - begin) / (double)Stopwatch.Frequency);
        }
        return (int)Math.Clamp(trial * unit.TotalSeconds / Math.Max(best, 1e-9), 1_000, 100_000_000);
    }

    /// <summary>
    /// Eight independent chains of 32-bit vector multiplies: enough chains to keep the multipliers busy (throughput, not
    /// latency, bound), so a hyper-threaded sibling competing for them shows. Vector128 maps to SSE on x64 and NEON on Arm.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Multiply(int rounds)
    {
        var m = Vector128.Create(3, 5, 7, 9);
        Vector128<int> a = Vector128.Create(rounds), b = a + m, c = b + m, d = c + m, e = d + m, f = e + m, g = f + m, h = g + m;
        for (int i = 0; i < rounds; i++)
        {
            a *= m; b *= m; c *= m; d *= m; e *= m; f *= m; g *= m; h *= m;
        }
        return (a + b + c + d + e + f + g + h).ToScalar();
    }

    public void Dispose()
    {
        _stopping = true;
        if (_helpers.Length > 0) _start.Release(_helpers.Length);
        foreach (var helper in _helpers) helper.Join();
        _start.Dispose();
        _done.Dispose();
    }
}
