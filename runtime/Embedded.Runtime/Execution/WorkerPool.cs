using System;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading;
using Embedded.Runtime.Kernels;

namespace Embedded.Runtime.Execution;

/// <summary>
/// A fixed set of worker threads owned by one interpreter. Two kinds of job: a whole inference along a
/// <see cref="ParallelSchedule"/> (<see cref="RunSchedule"/>: every thread walks the operators and the threads meet
/// only at the schedule's barriers), or one operator (<see cref="Run"/>: the caller and the workers each run one part,
/// then the caller waits; the profiled and observed invokes use it to see each operator on its own).
/// In a scheduled inference each thread takes its share of every split operator (<see cref="AdaptiveSplit"/>): every
/// few inferences the threads time their work between barriers and the shares move toward the faster thread.
/// <para>
/// Operators follow each other within microseconds, so every wait spins first (the spin budget) and only then
/// sleeps on the lock: during an inference a thread sees the next job or the barrier open while still spinning,
/// and nobody pays a futex wake-up per operator. Sleeping is announced in a counter with a full fence on both sides
/// (the awaited field and the sleeper count are each changed with Interlocked and then the other is read), so a
/// change made while a thread is going to sleep is never missed. Nothing here allocates per job.
/// </para>
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    /// <summary>How long a thread waits actively for the next job, a barrier or the last part before sleeping: 200 µs.</summary>
    private readonly long _spinBudget;

    /// <summary>
    /// More threads than cores: a waiting thread yields its core (the thread it waits for may need it) instead of
    /// spinning on it. Sleeping at once instead cost a futex wake-up per barrier: 3 threads on 2 cores ran V3-Small
    /// 2.5× slower than 1.
    /// </summary>
    private readonly bool _oversubscribed;

    private readonly Thread[] _threads;
    private readonly KernelScratch[] _scratch;
    // Every thread's partial sums of a pool split over threads, the caller's first (set per scheduled job).
    private readonly int[][] _partialSums;
    private readonly object _gate = new();
    private int _generation;
    private int _pending;
    private int _sleepers;
    private volatile bool _stopping;
    private long _allocated;

    // How much of each split operator every thread takes in a scheduled inference (per stretch between barriers), and
    // each thread's timed work per stretch.
    private AdaptiveSplit _split;
    private long[] _busy;

    // The barrier of a scheduled inference: arrivals so far and how many barriers have opened.
    private int _arrived;
    private int _barrierGeneration;
    private volatile bool _aborted;

    // The current job, written before the generation advances (Interlocked.Increment publishes them).
    private PreparedOperator? _op;
    private PreparedOperator[]? _operators;
    private ParallelSchedule? _schedule;
    private byte[] _arena = Array.Empty<byte>();
    private KernelPath _path;
    private Exception? _failure;
    private int _failedOperator;

    public int Parts { get; }

    /// <summary>The shares of a scheduled inference each thread takes now (see <see cref="AdaptiveSplit"/>).</summary>
    internal AdaptiveSplit Split => _split;

    /// <summary>Managed bytes the workers allocated while running parts (tests check it stays 0).</summary>
    public long AllocatedBytes => Interlocked.Read(ref _allocated);

    /// <summary>A pool of <paramref name="parts"/> threads (the caller's included) for schedules of <paramref name="stretches"/> stretches between barriers.</summary>
    public WorkerPool(int parts, Func<KernelScratch> scratch, int stretches = 1)
    {
        _split = new AdaptiveSplit(parts, stretches);
        _busy = new long[parts * stretches];
        Parts = parts;
        _spinBudget = Stopwatch.Frequency / 5000;
        _oversubscribed = parts > Environment.ProcessorCount;
        _threads = new Thread[parts - 1];
        _scratch = new KernelScratch[parts - 1];
        _partialSums = new int[parts][];
        for (int i = 0; i < _threads.Length; i++)
        {
            int worker = i;
            _scratch[i] = scratch();
            _partialSums[i + 1] = _scratch[i].PartialSums;
            _threads[i] = new Thread(() => Work(worker)) { IsBackground = true, Name = $"emb-worker-{worker + 1}" };
            _threads[i].Start();
        }
    }

    /// <summary>Runs <paramref name="op"/> split into <see cref="Parts"/> parts; part 0 on the calling thread.</summary>
    public void Run(PreparedOperator op, byte[] arena, KernelPath path, KernelScratch callerScratch)
    {
        _op = op; _operators = null; _schedule = null;
        Publish(arena, path);
        // The workers finish their parts even when the caller's throws: the next job must not overtake them.
        try { op.InvokePart(arena, path, callerScratch, 0, Parts); }
        finally { WaitForWorkers(); }
        if (_failure is { } failure) throw new InvalidOperationException($"a worker thread failed in {op.Definition}", failure);
    }

    /// <summary>
    /// Runs every operator of <paramref name="operators"/> along <paramref name="schedule"/>, the calling thread as part 0.
    /// An exception on any thread stops every thread at its next barrier and is thrown here once all have stopped.
    /// </summary>
    public void RunSchedule(PreparedOperator[] operators, ParallelSchedule schedule, byte[] arena, KernelPath path, KernelScratch callerScratch)
    {
        _op = null; _operators = operators; _schedule = schedule;
        _partialSums[0] = callerScratch.PartialSums;
        _arrived = 0; _aborted = false; _failedOperator = -1;
        if (_split.Stretches != schedule.Stretches)
        {
            // A schedule of another shape than the pool was made for (tests run several on one pool): shares of its own.
            _split = new AdaptiveSplit(Parts, schedule.Stretches);
            _busy = new long[Parts * schedule.Stretches];
        }
        _split.BeginJob();
        Publish(arena, path);
        RunSteps(0, callerScratch);
        WaitForWorkers();
        if (_split.Measuring && _failure is null) _split.Update(_busy);
        if (_failure is { } failure)
        {
            // The caller's own failure surfaces as the kernel threw it; a worker's names the operator it failed in.
            if (_failedOperator < 0) ExceptionDispatchInfo.Capture(failure).Throw();
            throw new InvalidOperationException($"a worker thread failed in {operators[_failedOperator].Definition}", failure);
        }
    }

    private void Publish(byte[] arena, KernelPath path)
    {
        _arena = arena; _path = path; _failure = null;
        Volatile.Write(ref _pending, _threads.Length);
        Interlocked.Increment(ref _generation);
        WakeSleepers();
    }

    /// <summary>
    /// One thread's walk through the schedule: its share of every split operator (fine parts [first, end) of
    /// <see cref="AdaptiveSplit.FineParts"/>), the others on part 0, barriers where placed. In a measured job it also
    /// adds up the time it worked in stretches where every thread had split work (until it arrived at the barrier).
    /// </summary>
    private void RunSteps(int part, KernelScratch scratch)
    {
        var operators = _operators!;
        var schedule = _schedule!;
        int barrier = Volatile.Read(ref _barrierGeneration);
        var split = _split;
        int stretch = 0, first = split.First(0, part), end = split.End(0, part);
        var timer = new StretchTimer(split.Measuring);
        int i = 0;
        try
        {
            for (; i < operators.Length; i++)
            {
                if (schedule.BarrierBefore[i])
                {
                    if (!Meet(ref barrier, ref timer, part, stretch)) return;
                    stretch = schedule.Stretch[i];
                    (first, end) = (split.First(stretch, part), split.End(stretch, part));
                }
                if (schedule.TwoPhase[i])
                {
                    operators[i].SumPart(_arena, _path, scratch, first, AdaptiveSplit.FineParts, end);
                    timer.Split = true;
                    if (!Meet(ref barrier, ref timer, part, stretch)) return;
                    stretch = schedule.Stretch[i] + 1;
                    (first, end) = (split.First(stretch, part), split.End(stretch, part));
                    if (part == 0) operators[i].FinishSums(_arena, _path, _partialSums);
                }
                else if (schedule.Split[i])
                {
                    operators[i].InvokePart(_arena, _path, scratch, first, AdaptiveSplit.FineParts, end);
                    timer.Split = true;
                }
                else if (part == 0) operators[i].Invoke(_arena, _path, scratch);
            }
            if (timer.On) _busy[stretch * Parts + part] = timer.Arrive();
        }
        catch (Exception e)
        {
            lock (_gate)
            {
                if (_failure is null) { _failure = e; _failedOperator = part == 0 ? -1 : i; }
                _aborted = true;
                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>A barrier ending stretch <paramref name="stretch"/>, timed in a measured job (<see cref="StretchTimer"/>).</summary>
    private bool Meet(ref int barrier, ref StretchTimer timer, int part, int stretch)
    {
        if (timer.On) _busy[stretch * Parts + part] = timer.Arrive();
        if (!Barrier(ref barrier)) return false;
        timer.Leave();
        return true;
    }

    /// <summary>A thread's work time in a stretch where it had split work: its arrival at the barrier minus the stretch's start (0 otherwise).</summary>
    private struct StretchTimer
    {
        public readonly bool On;
        private long _start;
        /// <summary>Whether this thread ran split work since the last barrier.</summary>
        public bool Split;

        public StretchTimer(bool on) { On = on; _start = on ? Stopwatch.GetTimestamp() : 0; Split = false; }

        public long Arrive() => Split ? Math.Max(1, Stopwatch.GetTimestamp() - _start) : 0;

        public void Leave()
        {
            if (On) _start = Stopwatch.GetTimestamp();
            Split = false;
        }
    }

    /// <summary>Waits until all <see cref="Parts"/> threads have arrived; false when the job was aborted meanwhile.</summary>
    private bool Barrier(ref int barrier)
    {
        int closed = barrier;
        barrier = closed + 1;
        if (Interlocked.Increment(ref _arrived) == Parts)
        {
            // The last to arrive resets the count before opening: nobody arrives at the next barrier before it opens.
            Volatile.Write(ref _arrived, 0);
            Interlocked.Exchange(ref _barrierGeneration, closed + 1);
            WakeSleepers();
            return !_aborted;
        }
        SpinThenSleepUntil(new BarrierOpened(closed));
        return !_aborted;
    }

    private void WakeSleepers()
    {
        if (Volatile.Read(ref _sleepers) > 0)
            lock (_gate) Monitor.PulseAll(_gate);
    }

    /// <summary>Something a thread waits for; a struct, so each wait compiles to its own loop and allocates nothing.</summary>
    private interface IAwaited
    {
        bool Reached(WorkerPool pool);
    }

    private readonly struct BarrierOpened : IAwaited
    {
        private readonly int _closed;
        public BarrierOpened(int closed) => _closed = closed;
        public bool Reached(WorkerPool pool) => Volatile.Read(ref pool._barrierGeneration) != _closed || pool._aborted;
    }

    private readonly struct WorkersDone : IAwaited
    {
        public bool Reached(WorkerPool pool) => Volatile.Read(ref pool._pending) == 0;
    }

    private readonly struct JobAfter : IAwaited
    {
        private readonly int _seen;
        public JobAfter(int seen) => _seen = seen;
        public bool Reached(WorkerPool pool) => Volatile.Read(ref pool._generation) != _seen || pool._stopping;
    }

    /// <summary>Spins up to the spin budget, then sleeps on the lock (announced in the sleeper count), until <paramref name="awaited"/> is reached.</summary>
    private void SpinThenSleepUntil<T>(T awaited) where T : struct, IAwaited
    {
        long deadline = 0;
        while (!awaited.Reached(this))
        {
            if (deadline == 0) deadline = Stopwatch.GetTimestamp() + _spinBudget;
            else if (Stopwatch.GetTimestamp() > deadline)
            {
                lock (_gate)
                {
                    Interlocked.Increment(ref _sleepers);
                    while (!awaited.Reached(this)) Monitor.Wait(_gate);
                    Interlocked.Decrement(ref _sleepers);
                }
                return;
            }
            if (_oversubscribed) Thread.Yield();
            else Thread.SpinWait(8);
        }
    }

    private void WaitForWorkers() => SpinThenSleepUntil(new WorkersDone());

    private void Work(int worker)
    {
        int seen = 0;
        while (true)
        {
            SpinThenSleepUntil(new JobAfter(seen));
            if (_stopping) return;
            seen = Volatile.Read(ref _generation);
            long before = GC.GetAllocatedBytesForCurrentThread();
            if (_operators is not null) RunSteps(worker + 1, _scratch[worker]);
            else
            {
                try { _op!.InvokePart(_arena, _path, _scratch[worker], worker + 1, Parts); }
                catch (Exception e) { lock (_gate) _failure ??= e; }
            }
            Interlocked.Add(ref _allocated, GC.GetAllocatedBytesForCurrentThread() - before);
            if (Interlocked.Decrement(ref _pending) == 0) WakeSleepers();
        }
    }

    public void Dispose()
    {
        _stopping = true;
        lock (_gate) Monitor.PulseAll(_gate);
        foreach (var thread in _threads) thread.Join();
    }
}
