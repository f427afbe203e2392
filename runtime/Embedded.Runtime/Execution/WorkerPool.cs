using System;
using System.Diagnostics;
using System.Threading;
using Embedded.Runtime.Kernels;

namespace Embedded.Runtime.Execution;

/// <summary>
/// A fixed set of worker threads owned by one interpreter: for each splittable operator the calling thread and the
/// workers each run one part (<see cref="PreparedOperator.InvokePart"/>), then the caller waits for all of them.
/// <para>
/// Operators follow each other within microseconds, so both sides spin first (the spin budget) and only then
/// sleep on the lock: during an inference a worker sees the next job while still spinning, and nobody pays a
/// futex wake-up per operator. Sleeping is announced in a counter with a full fence on both sides (the job's
/// generation and the sleeper count are each changed with Interlocked and then the other is read), so a job
/// published while a worker is going to sleep is never missed. Nothing here allocates per job.
/// </para>
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    /// <summary>
    /// How long a thread spins for the next job or the last part before sleeping: 200 µs, or none when there are more
    /// threads than cores (a spinning worker would then take the core the caller needs).
    /// </summary>
    private readonly long _spinBudget;

    private readonly Thread[] _threads;
    private readonly KernelScratch[] _scratch;
    private readonly object _gate = new();
    private int _generation;
    private int _pending;
    private int _sleepingWorkers;
    private int _callerSleeping;
    private volatile bool _stopping;
    private Exception? _failure;
    private long _allocated;

    // The current job, written before the generation advances (Interlocked.Increment publishes them).
    private PreparedOperator? _op;
    private byte[] _arena = Array.Empty<byte>();
    private KernelPath _path;

    public int Parts { get; }

    /// <summary>Managed bytes the workers allocated while running parts (tests check it stays 0).</summary>
    public long AllocatedBytes => Interlocked.Read(ref _allocated);

    public WorkerPool(int parts, Func<KernelScratch> scratch)
    {
        Parts = parts;
        _spinBudget = parts <= Environment.ProcessorCount ? Stopwatch.Frequency / 5000 : 0;
        _threads = new Thread[parts - 1];
        _scratch = new KernelScratch[parts - 1];
        for (int i = 0; i < _threads.Length; i++)
        {
            int worker = i;
            _scratch[i] = scratch();
            _threads[i] = new Thread(() => Work(worker)) { IsBackground = true, Name = $"emb-worker-{worker + 1}" };
            _threads[i].Start();
        }
    }

    /// <summary>Runs <paramref name="op"/> split into <see cref="Parts"/> parts; part 0 on the calling thread.</summary>
    public void Run(PreparedOperator op, byte[] arena, KernelPath path, KernelScratch callerScratch)
    {
        _op = op; _arena = arena; _path = path; _failure = null;
        Volatile.Write(ref _pending, _threads.Length);
        Interlocked.Increment(ref _generation);
        if (Volatile.Read(ref _sleepingWorkers) > 0)
            lock (_gate) Monitor.PulseAll(_gate);

        op.InvokePart(arena, path, callerScratch, 0, Parts);

        if (!SpinUntilAllDone())
        {
            lock (_gate)
            {
                Interlocked.Exchange(ref _callerSleeping, 1);
                while (Volatile.Read(ref _pending) > 0) Monitor.Wait(_gate);
                Interlocked.Exchange(ref _callerSleeping, 0);
            }
        }
        if (_failure is { } failure) throw new InvalidOperationException($"a worker thread failed in {op.Definition}", failure);
    }

    // The two spin loops are written out (no delegate): a closure would allocate on every operator.

    /// <summary>Spins up to the spin budget for every worker's part; false when one is still running.</summary>
    private bool SpinUntilAllDone()
    {
        long deadline = 0;
        while (Volatile.Read(ref _pending) != 0)
        {
            if (deadline == 0) deadline = Stopwatch.GetTimestamp() + _spinBudget;
            else if (Stopwatch.GetTimestamp() > deadline) return false;
            Thread.SpinWait(8);
        }
        return true;
    }

    /// <summary>Spins up to the spin budget for a job newer than <paramref name="seen"/> (or stop); false when none came.</summary>
    private bool SpinUntilNextJob(int seen)
    {
        long deadline = 0;
        while (Volatile.Read(ref _generation) == seen && !_stopping)
        {
            if (deadline == 0) deadline = Stopwatch.GetTimestamp() + _spinBudget;
            else if (Stopwatch.GetTimestamp() > deadline) return false;
            Thread.SpinWait(8);
        }
        return true;
    }

    private void Work(int worker)
    {
        int seen = 0;
        while (true)
        {
            if (!SpinUntilNextJob(seen))
            {
                lock (_gate)
                {
                    Interlocked.Increment(ref _sleepingWorkers);
                    while (Volatile.Read(ref _generation) == seen && !_stopping) Monitor.Wait(_gate);
                    Interlocked.Decrement(ref _sleepingWorkers);
                }
            }
            if (_stopping) return;
            seen = Volatile.Read(ref _generation);
            var op = _op!;
            long before = GC.GetAllocatedBytesForCurrentThread();
            try { op.InvokePart(_arena, _path, _scratch[worker], worker + 1, Parts); }
            catch (Exception e) { _failure = e; }
            Interlocked.Add(ref _allocated, GC.GetAllocatedBytesForCurrentThread() - before);
            if (Interlocked.Decrement(ref _pending) == 0 && Volatile.Read(ref _callerSleeping) != 0)
                lock (_gate) Monitor.PulseAll(_gate);
        }
    }

    public void Dispose()
    {
        _stopping = true;
        lock (_gate) Monitor.PulseAll(_gate);
        foreach (var thread in _threads) thread.Join();
    }
}
