using System;

namespace Embedded.Tests.Support;

/// <summary>
/// Allocation checks that a busy test host cannot fail: the bytes one round of calls allocates on this thread, the
/// least of three rounds. An allocation on the measured path shows in every round, while the runtime's one-off work
/// (tiered JIT promotions, on-stack replacement) lands in one round at most.
/// </summary>
internal static class Allocations
{
    public static long SteadyState(Action call, int callsPerRound = 5) =>
        SteadyState(call, GC.GetAllocatedBytesForCurrentThread, callsPerRound);

    /// <param name="allocatedBytes">The running total to watch (e.g. this thread's plus a worker pool's).</param>
    public static long SteadyState(Action call, Func<long> allocatedBytes, int callsPerRound = 5)
    {
        long least = long.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            long before = allocatedBytes();
            for (int i = 0; i < callsPerRound; i++) call();
            least = Math.Min(least, allocatedBytes() - before);
        }
        return least;
    }
}
