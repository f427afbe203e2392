using Embedded.Runtime.Kernels;

namespace Embedded.Runtime.Execution;

/// <summary>How an interpreter runs: which kernel path (default: the fastest the CPU supports) and how many threads.</summary>
public sealed class InterpreterOptions
{
    /// <summary>Force a kernel path (tests, selftest, benchmarks); null picks <see cref="KernelPaths.Best"/>.</summary>
    public KernelPath? Path { get; init; }

    /// <summary>
    /// Threads per inference (1..64): the caller plus Threads − 1 workers owned by the interpreter run each inference
    /// together — convolutions, depthwise convolutions, the squeeze-excite product, residual adds, pools and the
    /// classifier split their output pixels (or outputs) between them, and they meet only where one needs another's
    /// bytes (<see cref="ParallelSchedule"/>). Results are identical for any count; more threads than cores work but
    /// gain little or nothing (docs/performance.md). Dispose the interpreter to stop its workers.
    /// </summary>
    public int Threads { get; init; } = 1;
}
