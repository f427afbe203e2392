namespace Embedded.Runtime.Kernels;

/// <summary>
/// How every splittable kernel divides its work over threads: part p of n gets units [units·p/n, units·(p+1)/n).
/// Element-wise kernels count whole pixels (a pixel's channels never straddle two parts), so an operator's parts
/// line up with the parts of the operator that produced its input, and the parallel schedule
/// (<see cref="Execution.ParallelSchedule"/>) can let each thread run on without a barrier in between.
/// </summary>
public static class PartRange
{
    /// <summary>The first unit of part <paramref name="part"/> of <paramref name="parts"/>.</summary>
    public static int Begin(int units, int part, int parts) => (int)((long)units * part / parts);

    /// <summary>The units [Begin, End) of part <paramref name="part"/> of <paramref name="parts"/>.</summary>
    public static (int Begin, int End) Of(int units, int part, int parts) => (Begin(units, part, parts), Begin(units, part + 1, parts));

    /// <summary>
    /// The units of parts [<paramref name="part"/>, <paramref name="partEnd"/>) of <paramref name="parts"/> (a negative end:
    /// part alone). A thread given a run of fine parts takes a share other than 1/N (the adaptive split of
    /// <see cref="Execution.WorkerPool"/>); for any run, consecutive runs tile the units as single parts do.
    /// </summary>
    public static (int Begin, int End) Of(int units, int part, int parts, int partEnd) =>
        (Begin(units, part, parts), Begin(units, partEnd < 0 ? part + 1 : partEnd, parts));

    /// <summary>
    /// The elements of part <paramref name="part"/> for an element-wise kernel over <paramref name="count"/> elements
    /// of <paramref name="channels"/> per pixel: whole pixels (a count that is not whole pixels splits by element).
    /// </summary>
    public static (int Begin, int End) OfElements(int count, int channels, int part, int parts, int partEnd = -1)
    {
        int unit = channels > 0 && count % channels == 0 ? channels : 1;
        return (Begin(count / unit, part, parts) * unit, Begin(count / unit, partEnd < 0 ? part + 1 : partEnd, parts) * unit);
    }
}
