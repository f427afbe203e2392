using System.Collections.Generic;
using Embedded.Runtime.Kernels;

namespace Embedded.Runtime.Execution;

/// <summary>
/// How an interpreter with several threads runs one inference as a single job: every thread walks the operator
/// list, runs its part of each split operator (the first thread alone runs the others), and waits for the rest at a
/// barrier only before an operator that could otherwise read bytes another thread is still writing, or overwrite
/// bytes another thread is still reading or writing (the memory plan reuses arena bytes).
/// <para>
/// Split kernels divide their outputs into whole pixels or rows by <see cref="PartRange"/>, so a chain of
/// pixel-wise operators (1×1 convolutions, the squeeze-excite product, the residual add) keeps every thread on its
/// own pixels with no barrier at all; a depthwise or strided convolution, which reads neighbouring rows, and an
/// operator the first thread runs alone need one. The schedule is fixed per model, kernel path and thread count.
/// </para>
/// </summary>
internal sealed class ParallelSchedule
{
    /// <summary>Per operator: whether every thread runs a part of it (otherwise the first thread runs it whole, or in two phases: <see cref="TwoPhase"/>).</summary>
    public bool[] Split { get; }
    /// <summary>Per operator: whether all threads wait for each other before it.</summary>
    public bool[] BarrierBefore { get; }
    /// <summary>
    /// Per operator: a pool run in two phases (<see cref="PreparedOperator.SumPart"/> on every thread, a barrier, then
    /// <see cref="PreparedOperator.FinishSums"/> on the first thread).
    /// </summary>
    public bool[] TwoPhase { get; }
    /// <summary>Per operator with a barrier: the earlier operator whose bytes it shares across threads (for diagnostics).</summary>
    public int[] BarrierCause { get; }
    public int Parts { get; }
    /// <summary>Barriers per inference (the wait for the last part at the end not counted).</summary>
    public int Barriers { get; }
    /// <summary>Stretches between barriers per inference: <see cref="Barriers"/> + 1.</summary>
    public int Stretches => Barriers + 1;
    /// <summary>
    /// Per operator: the stretch its parts run in, counting every barrier before it (a pool in two phases sums in this
    /// stretch and finishes in the next).
    /// </summary>
    public int[] Stretch { get; }
    /// <summary>False when no operator splits (nor sums in parts): the caller then runs the model alone.</summary>
    public bool UsesWorkers { get; }

    private ParallelSchedule(bool[] split, bool[] twoPhase, bool[] barrierBefore, int[] cause, int parts)
    {
        Split = split; TwoPhase = twoPhase; BarrierBefore = barrierBefore; BarrierCause = cause; Parts = parts;
        Stretch = new int[split.Length];
        for (int i = 0; i < split.Length; i++)
        {
            if (barrierBefore[i]) Barriers++;
            Stretch[i] = Barriers;
            if (twoPhase[i]) Barriers++;
        }
        for (int i = 0; i < split.Length; i++) UsesWorkers |= split[i] || twoPhase[i];
    }

    public static ParallelSchedule Build(IReadOnlyList<PreparedOperator> operators, KernelPath path, int parts)
    {
        var split = new bool[operators.Count];
        var twoPhase = new bool[operators.Count];
        var barrier = new bool[operators.Count];
        var cause = new int[operators.Count];
        // Accesses since the last barrier, with their operators (the start of the job is one: the caller has written the input).
        var pending = new List<(ArenaAccess Access, int Operator)>();
        var current = new List<ArenaAccess>();
        for (int i = 0; i < operators.Count; i++)
        {
            split[i] = parts > 1 && operators[i].SplitsInSchedule(path);
            twoPhase[i] = parts > 1 && !split[i] && operators[i].SumsInParts(path);
            current.Clear();
            if (twoPhase[i]) operators[i].DescribeSumAccesses(parts, current);
            else operators[i].DescribeAccesses(split[i], parts, current);
            cause[i] = Conflict(pending, current);
            if (cause[i] >= 0)
            {
                barrier[i] = true;
                pending.Clear();
            }
            foreach (var access in current) pending.Add((access, i));
            if (!twoPhase[i]) continue;
            // The barrier between the phases: the finish starts from a clean slate.
            pending.Clear();
            current.Clear();
            operators[i].DescribeFinishAccesses(current);
            foreach (var access in current) pending.Add((access, i));
        }
        return new ParallelSchedule(split, twoPhase, barrier, cause, parts);
    }

    /// <summary>The earlier operator one of whose accesses may not overlap in time with one of <paramref name="next"/>, or −1.</summary>
    private static int Conflict(List<(ArenaAccess Access, int Operator)> earlier, List<ArenaAccess> next)
    {
        foreach (var a in next)
            foreach (var (b, op) in earlier)
                if (!a.CanOverlapInTime(b)) return op;
        return -1;
    }
}
