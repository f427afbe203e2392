using System;
using System.Threading;
using Embedded.Runtime.Kernels;

namespace Embedded.Runtime.Execution;

/// <summary>
/// A fixed set of worker threads owned by one interpreter: for each splittable operator the calling thread and the
/// workers each run one part (<see cref="PreparedOperator.InvokePart"/>), then the caller waits for all of them.
/// One lock, a job generation counter and a pending count: the job travels in fields, waiting is Monitor.Wait, so an
/// inference allocates nothing (the BCL's slim events allocate their lock object on the first blocking wait).
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    private readonly Thread[] _threads;
    private readonly KernelScratch[] _scratch;
    private readonly object _gate = new();
    private int _generation;
    private int _pending;
    private bool _stopping;
    private Exception? _failure;
    private long _allocated;

    // The current job, written under the lock before the generation advances.
    private PreparedOperator? _op;
    private byte[] _arena = Array.Empty<byte>();
    private KernelPath _path;

    public int Parts { get; }

    /// <summary>Managed bytes the workers allocated while running parts (tests check it stays 0).</summary>
    public long AllocatedBytes => Interlocked.Read(ref _allocated);

    public WorkerPool(int parts, Func<KernelScratch> scratch)
    {
        Parts = parts;
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
        lock (_gate)
        {
            _op = op; _arena = arena; _path = path; _failure = null;
            _pending = _threads.Length;
            _generation++;
            Monitor.PulseAll(_gate);
        }
        op.InvokePart(arena, path, callerScratch, 0, Parts);
        // Parts are short (tens to hundreds of microseconds): spin a little before sleeping on the lock.
        var spin = new SpinWait();
        while (Volatile.Read(ref _pending) > 0 && !spin.NextSpinWillYield) spin.SpinOnce();
        lock (_gate)
        {
            while (_pending > 0) Monitor.Wait(_gate);
        }
        if (_failure is { } failure) throw new InvalidOperationException($"a worker thread failed in {op.Definition}", failure);
    }

    private void Work(int worker)
    {
        int seen = 0;
        while (true)
        {
            PreparedOperator op;
            byte[] arena;
            KernelPath path;
            var spin = new SpinWait();
            while (Volatile.Read(ref _generation) == seen && !Volatile.Read(ref _stopping) && !spin.NextSpinWillYield) spin.SpinOnce();
            lock (_gate)
            {
                while (_generation == seen && !_stopping) Monitor.Wait(_gate);
                if (_stopping) return;
                seen = _generation;
                op = _op!; arena = _arena; path = _path;
            }
            long before = GC.GetAllocatedBytesForCurrentThread();
            Exception? error = null;
            try { op.InvokePart(arena, path, _scratch[worker], worker + 1, Parts); }
            catch (Exception e) { error = e; }
            Interlocked.Add(ref _allocated, GC.GetAllocatedBytesForCurrentThread() - before);
            lock (_gate)
            {
                if (error is not null) _failure = error;
                if (--_pending == 0) Monitor.PulseAll(_gate);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.PulseAll(_gate);
        }
        foreach (var thread in _threads) thread.Join();
    }
}
