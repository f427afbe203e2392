using Embedded.Runtime.Kernels;

namespace Embedded.Runtime.Execution;

/// <summary>How an interpreter runs: which kernel path (default: the fastest the CPU supports) and how many threads.</summary>
public sealed class InterpreterOptions
{
    /// <summary>Force a kernel path (tests, selftest, benchmarks); null picks <see cref="KernelPaths.Best"/>.</summary>
    public KernelPath? Path { get; init; }

    /// <summary>
    /// Threads per inference (1..64): convolutions, depthwise convolutions and squeeze-excite products split their
    /// output over this many threads (the caller plus Threads − 1 workers owned by the interpreter). Results are
    /// identical for any count. Dispose the interpreter to stop its workers.
    /// </summary>
    public int Threads { get; init; } = 1;
}
