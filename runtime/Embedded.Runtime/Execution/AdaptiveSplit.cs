using System;

namespace Embedded.Runtime.Execution;

/// <summary>
/// How much of every split operator each thread of a scheduled inference takes: per stretch between barriers, a run of
/// <see cref="FineParts"/> fine parts per thread, moved after measured inferences toward the thread that arrived
/// first at the stretch's barrier. Per stretch, because the operators differ (a part with the stem's padded top row is
/// slower than the other) and so do the threads (a slower vCPU is slower everywhere).
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

    private readonly int _parts;
    private readonly double[] _shares;   // [stretch · parts + part]
    private readonly int[] _cuts;        // [stretch · (parts + 1) + part]
    private int _jobs;

    public AdaptiveSplit(int parts, int stretches = 1)
    {
        if (parts < 1 || stretches < 1) throw new ArgumentOutOfRangeException(nameof(parts), $"{parts} threads, {stretches} stretches");
        _parts = parts;
        _shares = new double[parts * stretches];
        _cuts = new int[(parts + 1) * stretches];
        for (int i = 0; i < _shares.Length; i++) _shares[i] = 1.0 / parts;
        for (int k = 0; k < stretches; k++) Cut(k);
    }

    public int Stretches => _shares.Length / _parts;

    /// <summary>In stretch <paramref name="stretch"/>, thread <paramref name="part"/> takes fine parts [First, End).</summary>
    public int First(int stretch, int part) => _cuts[stretch * (_parts + 1) + part];
    public int End(int stretch, int part) => _cuts[stretch * (_parts + 1) + part + 1];

    /// <summary>The share of thread <paramref name="part"/> in stretch <paramref name="stretch"/> (for diagnostics and tests).</summary>
    public double Share(int stretch, int part) => _shares[stretch * _parts + part];

    /// <summary>Whether this job's threads time their waits (set once per job by the caller, read by every thread).</summary>
    public bool Measuring { get; private set; }

    /// <summary>The caller, before publishing a job: decides whether it is measured.</summary>
    public void BeginJob() => Measuring = ++_jobs % MeasureEvery == 0;

    /// <summary>
    /// The caller, after every thread finished a measured job: <paramref name="busy"/>[stretch · parts + t] is the time
    /// thread t worked in that stretch before arriving at its barrier (0: no split work there). Each thread's rate is its
    /// share over its busy time; a stretch's shares move toward its rates.
    /// </summary>
    public void Update(ReadOnlySpan<long> busy)
    {
        if (busy.Length != _shares.Length) throw new ArgumentException($"{busy.Length} times for {_shares.Length} thread stretches", nameof(busy));
        for (int k = 0; k < Stretches; k++) Update(k, busy.Slice(k * _parts, _parts));
    }

    private void Update(int stretch, ReadOnlySpan<long> busy)
    {
        var shares = _shares.AsSpan(stretch * _parts, _parts);
        double total = 0;
        Span<double> rate = stackalloc double[_parts];
        for (int t = 0; t < rate.Length; t++)
        {
            if (busy[t] <= 0) return;   // a thread that did no timed work here: nothing to learn
            rate[t] = shares[t] / busy[t];
            total += rate[t];
        }
        int n = _parts;
        double sum = 0;
        for (int t = 0; t < n; t++)
        {
            double target = rate[t] / total;
            double next = shares[t] + Math.Clamp(Smoothing * (target - shares[t]), -MaxStep, MaxStep);
            shares[t] = Math.Clamp(next, MinShare / n, MaxShare / n);
            sum += shares[t];
        }
        for (int t = 0; t < n; t++) shares[t] /= sum;
        Cut(stretch);
    }

    private void Cut(int stretch)
    {
        var shares = _shares.AsSpan(stretch * _parts, _parts);
        var cuts = _cuts.AsSpan(stretch * (_parts + 1), _parts + 1);
        double at = 0;
        cuts[0] = 0;
        for (int t = 0; t < shares.Length; t++)
        {
            at += shares[t];
            cuts[t + 1] = t + 1 == shares.Length ? FineParts : Math.Max(cuts[t], (int)Math.Round(at * FineParts));
        }
    }
}
