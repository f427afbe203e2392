using Embedded.Runtime.Kernels;

namespace Embedded.Runtime.Execution;

/// <summary>How an interpreter runs: which kernel path (default: the fastest the CPU supports).</summary>
public sealed class InterpreterOptions
{
    /// <summary>Force a kernel path (tests, selftest, benchmarks); null picks <see cref="KernelPaths.Best"/>.</summary>
    public KernelPath? Path { get; init; }
}
