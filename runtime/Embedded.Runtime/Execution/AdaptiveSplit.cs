using System;

namespace Embedded.Runtime.Execution;

/// <summary>
/// How much of every split operator each thread of a scheduled inference takes: a run of <see cref="FineParts"/>
/// fine parts per thread, moved after measured inferences toward the threads that waited at barriers.
/// <para>
/// Why: with equal shares every stretch between barriers lasts as long as its slowest thread. On the dev VM one vCPU
/// ran 8 % slower than the other in quiet minutes and 40–70 % slower for minutes at a time; on a board, a core that also
/// serves the camera or the OS is slower the same way. Any share gives the same bytes (kernels are exact on any range of
/// pixels) and is as barrier-safe as the equal one: every pixel-wise operator of a stretch moves its boundary alike, so
/// a thread still reads only the pixels it wrote itself (ParallelScheduleTests runs the schedule with random shares).
/// </para>
/// </summary>
internal sealed class AdaptiveSplit
{
    /// <summary>Resolution of a share: the units of <see cref="Kernels.PartRange"/> a thread's run is counted in.</summary>
    public const int FineParts = 4096;

    /// <summary>Every how many inferences the threads time their waits (the timing costs ~70 clock reads per thread).</summary>
    public const int MeasureEvery = 4;

    // A share moves by at most this much per update, and stays within [MinShare, MaxShare]/parts: one disturbed
    // inference (a thread descheduled for a millisecond) cannot swing the split.
    private const double MaxStep = 0.02, MinShare = 0.4, MaxShare = 1.6, Smoothing = 0.25;

    private readonly double[] _shares;
    private readonly int[] _cuts;
    private int _jobs;

    public AdaptiveSplit(int parts)
    {
        _shares = new double[parts];
        _cuts = new int[parts + 1];
        for (int t = 0; t < parts; t++) _shares[t] = 1.0 / parts;
        Cut();
    }

    public int Parts => _shares.Length;

    /// <summary>Thread <paramref name="part"/> takes fine parts [First(part), End(part)).</summary>
    public int First(int part) => _cuts[part];
    public int End(int part) => _cuts[part + 1];

    /// <summary>The share of thread <paramref name="part"/> (for diagnostics and tests).</summary>
    public double Share(int part) => _shares[part];

    /// <summary>Whether this job's threads time their waits (set once per job by the caller, read by every thread).</summary>
    public bool Measuring { get; private set; }

    /// <summary>The caller, before publishing a job: decides whether it is measured.</summary>
    public void BeginJob() => Measuring = ++_jobs % MeasureEvery == 0;

    /// <summary>
    /// The caller, after every thread finished a measured job: <paramref name="busy"/>[t] is the time thread t spent
    /// working in the stretches where all threads had split work (the stretch time minus its waits). Each thread's
    /// rate is its share over its busy time; the shares move toward the rates.
    /// </summary>
    public void Update(ReadOnlySpan<long> busy)
    {
        if (busy.Length != _shares.Length) throw new ArgumentException($"{busy.Length} times for {_shares.Length} threads", nameof(busy));
        double total = 0;
        Span<double> rate = stackalloc double[_shares.Length];
        for (int t = 0; t < rate.Length; t++)
        {
            if (busy[t] <= 0) return;   // a thread that did no timed work: nothing to learn
            rate[t] = _shares[t] / busy[t];
            total += rate[t];
        }
        int n = _shares.Length;
        double sum = 0;
        for (int t = 0; t < n; t++)
        {
            double target = rate[t] / total;
            double next = _shares[t] + Math.Clamp(Smoothing * (target - _shares[t]), -MaxStep, MaxStep);
            _shares[t] = Math.Clamp(next, MinShare / n, MaxShare / n);
            sum += _shares[t];
        }
        for (int t = 0; t < n; t++) _shares[t] /= sum;
        Cut();
    }

    private void Cut()
    {
        double at = 0;
        _cuts[0] = 0;
        for (int t = 0; t < _shares.Length; t++)
        {
            at += _shares[t];
            _cuts[t + 1] = t + 1 == _shares.Length ? FineParts : Math.Max(_cuts[t], (int)Math.Round(at * FineParts));
        }
    }
}
