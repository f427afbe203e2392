namespace Embedded.Runtime.Execution;

/// <summary>Which threads touch an operator's bytes in the parallel schedule.</summary>
internal enum AccessThreads
{
    /// <summary>Only the first thread (the operator is not split).</summary>
    First,
    /// <summary>Part p of the threads touches the bytes [Boundaries[p], Boundaries[p + 1]) of the range.</summary>
    Parts,
    /// <summary>Any thread may touch any byte of the range (a split operator that reads neighbours or all of its input).</summary>
    Any,
}

/// <summary>
/// One arena byte range an operator reads or writes, and which threads touch which bytes of it: what
/// <see cref="ParallelSchedule"/> compares to decide where threads must wait for each other.
/// </summary>
internal readonly struct ArenaAccess
{
    /// <summary>
    /// A pseudo address for the threads' partial sums of a pool split over threads (they live in each thread's scratch, not the
    /// arena): so a pool's finish waits for every part's sums, and the next pool's parts for that finish.
    /// </summary>
    public const int PartialSums = -2;

    public int Start { get; }
    public int Length { get; }
    public bool Write { get; }
    public AccessThreads Threads { get; }
    /// <summary>For <see cref="AccessThreads.Parts"/>: byte offsets from <see cref="Start"/>, one more than the parts.</summary>
    public int[]? Boundaries { get; }

    public ArenaAccess(int start, int length, bool write, AccessThreads threads, int[]? boundaries = null)
    {
        Start = start; Length = length; Write = write; Threads = threads; Boundaries = boundaries;
    }

    public bool Overlaps(in ArenaAccess other) => Start < other.Start + other.Length && other.Start < Start + Length;

    /// <summary>
    /// True when the two may run on different threads without a barrier between them: they do not overlap, both only
    /// read, both belong to the first thread, or every byte they share is touched by the same part in both.
    /// </summary>
    public bool CanOverlapInTime(in ArenaAccess other)
    {
        if (!Overlaps(other) || (!Write && !other.Write)) return true;
        if (Threads == AccessThreads.First && other.Threads == AccessThreads.First) return true;
        return Threads == AccessThreads.Parts && other.Threads == AccessThreads.Parts
            && Start == other.Start && Length == other.Length && SameBoundaries(Boundaries!, other.Boundaries!);
    }

    private static bool SameBoundaries(int[] a, int[] b)
    {
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++) if (a[i] != b[i]) return false;
        return true;
    }
}
