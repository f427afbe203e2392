using System;
using Embedded.Runtime.Kernels;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Execution;

/// <summary>Sees each operator's output right after the operator ran (see <see cref="Interpreter.InvokeObserved"/>).</summary>
public delegate void OperatorObserver(int operatorIndex, TensorDefinition output, ReadOnlySpan<byte> outputBytes);

/// <summary>
/// Runs a model: one arena sized by the memory plan, allocated here once; <see cref="Invoke"/> runs the
/// operators in order and allocates nothing. Not thread-safe; use one per thread.
/// </summary>
public sealed class Interpreter : IDisposable
{
    private readonly EmbeddedModel _model;
    private readonly byte[] _arena;
    // The operators bound to this interpreter's arena layout, and every tensor's offset in it: the file's plan, or a
    // layout for several threads (ParallelArenaPlan).
    private readonly PreparedOperator[] _operators;
    private readonly int[] _offsets;
    private readonly Tensor[] _inputs;
    private readonly Tensor[] _outputs;

    private readonly KernelPath _path;
    private readonly KernelScratch _scratch;
    private readonly WorkerPool? _workers;
    private readonly ParallelSchedule? _schedule;

    internal Interpreter(EmbeddedModel model, InterpreterOptions options)
    {
        _model = model;
        _path = options.Path ?? KernelPaths.Best;
        if (!KernelPaths.IsSupported(_path)) throw new PlatformNotSupportedException($"kernel path {_path} is not supported on this CPU (available: {string.Join(", ", KernelPaths.Available)})");
        _scratch = model.CreateScratch();
        if (options.Threads < 1 || options.Threads > 64) throw new ArgumentOutOfRangeException(nameof(options), options.Threads, "Threads must be 1..64");
        ParallelArenaPlan? parallel = null;
        if (options.Threads > 1)
        {
            parallel = ParallelArenaPlan.TryBuild(model, _path, options.Threads);
            _schedule = parallel?.Schedule ?? ParallelSchedule.Build(model.Operators, _path, options.Threads);
            _workers = new WorkerPool(options.Threads, model.CreateScratch,
                _schedule.Stretches);
        }
        _operators = parallel?.Operators ?? model.Operators;
        _offsets = parallel?.Offsets ?? model.Definition.Plan.Offsets;
        _arena = new byte[parallel?.ArenaBytes ?? model.ArenaBytes];
        var definition = model.Definition;
        _inputs = new Tensor[definition.Inputs.Length];
        for (int i = 0; i < _inputs.Length; i++)
            _inputs[i] = new Tensor(definition.Tensors[definition.Inputs[i]], _arena, _offsets[definition.Inputs[i]]);
        _outputs = new Tensor[definition.Outputs.Length];
        for (int i = 0; i < _outputs.Length; i++)
            _outputs[i] = new Tensor(definition.Tensors[definition.Outputs[i]], _arena, _offsets[definition.Outputs[i]]);
    }

    public EmbeddedModel Model => _model;
    /// <summary>The kernel path this interpreter runs (every path gives the same bytes).</summary>
    public KernelPath Path => _path;
    public int Threads => _workers?.Parts ?? 1;
    internal long WorkerAllocatedBytes => _workers?.AllocatedBytes ?? 0;
    /// <summary>The shares the threads take of a scheduled inference (null with one thread).</summary>
    internal AdaptiveSplit? Split => _workers?.Split;
    /// <summary>The schedule of a multi-threaded interpreter (null with one thread).</summary>
    internal ParallelSchedule? Schedule => _schedule;
    public int ArenaBytes => _arena.Length;
    public int InputCount => _inputs.Length;
    public int OutputCount => _outputs.Length;

    /// <summary>
    /// Model input <paramref name="index"/>; write its bytes before every <see cref="Invoke"/>: the memory plan lets
    /// later tensors reuse the input's bytes once it has been consumed (it keeps the arena small).
    /// </summary>
    public Tensor Input(int index = 0) => _inputs[index];

    /// <summary>Model output <paramref name="index"/>; valid after <see cref="Invoke"/> until the next one.</summary>
    public Tensor Output(int index = 0) => _outputs[index];

    /// <summary>
    /// Runs every operator and calls <paramref name="afterOperator"/> with the operator index and the bytes of its
    /// output while they are still in the arena — for diagnostics (per-layer error tables), not for production.
    /// </summary>
    public void InvokeObserved(OperatorObserver afterOperator)
    {
        if (afterOperator is null) throw new ArgumentNullException(nameof(afterOperator));
        Span<byte> arena = _arena;
        var operators = _operators;
        var definition = _model.Definition;
        for (int i = 0; i < operators.Length; i++)
        {
            Run(operators[i], arena);
            int output = definition.Operators[i].Outputs[0];
            var tensor = definition.Tensors[output];
            afterOperator(i, tensor, arena.Slice(_offsets[output], tensor.ByteLength));
        }
    }

    /// <summary>
    /// Runs every operator once and adds each operator's elapsed <see cref="System.Diagnostics.Stopwatch"/> ticks to
    /// <paramref name="ticksPerOperator"/> (one slot per operator) — the per-operator breakdown of `emb bench`.
    /// </summary>
    public void InvokeProfiled(Span<long> ticksPerOperator)
    {
        var operators = _operators;
        if (ticksPerOperator.Length < operators.Length) throw new ArgumentException($"needs {operators.Length} slots, got {ticksPerOperator.Length}", nameof(ticksPerOperator));
        Span<byte> arena = _arena;
        for (int i = 0; i < operators.Length; i++)
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            Run(operators[i], arena);
            ticksPerOperator[i] += System.Diagnostics.Stopwatch.GetTimestamp() - start;
        }
    }

    /// <summary>
    /// Runs every operator once. Allocates nothing. With several threads the whole inference is one job for all of
    /// them (<see cref="ParallelSchedule"/>): each runs its part of every split operator and they wait for each other
    /// only at the schedule's barriers.
    /// </summary>
    public void Invoke()
    {
        if (_workers is not null && _schedule is { UsesWorkers: true })
        {
            _workers.RunSchedule(_operators, _schedule, _arena, _path, _scratch);
            return;
        }
        Span<byte> arena = _arena;
        var operators = _operators;
        for (int i = 0; i < operators.Length; i++)
            Run(operators[i], arena);
    }

    /// <summary>
    /// Runs the parallel schedule on the calling thread alone, stretch by stretch between barriers, each thread's
    /// parts of a stretch one thread after another in <paramref name="threadOrder"/>. A schedule that lets two
    /// threads share bytes without a barrier gives different bytes for different orders, every time: tests compare
    /// the orders instead of hoping a race shows. <paramref name="cuts"/> gives each thread a share as the adaptive split
    /// does: one more than the threads (from 0 to <see cref="AdaptiveSplit.FineParts"/>) for every stretch, or that many
    /// per stretch (<see cref="ParallelSchedule.Stretch"/>).
    /// </summary>
    internal void InvokeScheduleSerially(ReadOnlySpan<int> threadOrder, ReadOnlySpan<int> cuts = default)
    {
        if (_schedule is null) throw new InvalidOperationException("the interpreter has one thread");
        var operators = _operators;
        var scratch = new KernelScratch[_schedule.Parts];
        var sums = new int[_schedule.Parts][];
        for (int t = 0; t < scratch.Length; t++) { scratch[t] = _model.CreateScratch(); sums[t] = scratch[t].PartialSums; }
        int finish = -1;   // a two-phase pool whose finish opens the next stretch on the first thread
        int parts1 = _schedule.Parts + 1;
        if (!cuts.IsEmpty && cuts.Length != parts1 && cuts.Length != parts1 * _schedule.Stretches)
            throw new ArgumentException($"{cuts.Length} cuts for {_schedule.Parts} threads and {_schedule.Stretches} stretches", nameof(cuts));
        for (int start = 0; start < operators.Length;)
        {
            int end = start + 1;
            while (end < operators.Length && !_schedule.BarrierBefore[end] && !_schedule.TwoPhase[end - 1]) end++;
            foreach (int part in threadOrder)
            {
                if (part == 0 && finish >= 0) operators[finish].FinishSums(_arena, _path, sums);
                for (int i = start; i < end; i++)
                {
                    // Thread `part` takes fine parts [cuts[part], cuts[part + 1]) of its stretch when shares are given, else part `part` of Parts.
                    int at = cuts.Length > parts1 ? _schedule.Stretch[i] * parts1 : 0;
                    int first = cuts.IsEmpty ? part : cuts[at + part], parts = cuts.IsEmpty ? _schedule.Parts : AdaptiveSplit.FineParts, last = cuts.IsEmpty ? -1 : cuts[at + part + 1];
                    if (_schedule.TwoPhase[i]) operators[i].SumPart(_arena, _path, scratch[part], first, parts, last);
                    else if (_schedule.Split[i]) operators[i].InvokePart(_arena, _path, scratch[part], first, parts, last);
                    else if (part == 0) operators[i].Invoke(_arena, _path, scratch[part]);
                }
            }
            finish = _schedule.TwoPhase[end - 1] ? end - 1 : -1;
            // A finish followed by a barrier is a stretch of its own: every thread waits for it.
            if (finish >= 0 && end < operators.Length && _schedule.BarrierBefore[end]) { operators[finish].FinishSums(_arena, _path, sums); finish = -1; }
            start = end;
        }
        if (finish >= 0) operators[finish].FinishSums(_arena, _path, sums);
    }

    private void Run(PreparedOperator op, Span<byte> arena)
    {
        if (_workers is not null && op.CanSplit(_path)) _workers.Run(op, _arena, _path, _scratch);
        else op.Invoke(arena, _path, _scratch);
    }

    /// <summary>Stops the worker threads (when <see cref="InterpreterOptions.Threads"/> &gt; 1).</summary>
    public void Dispose() => _workers?.Dispose();
}
