#if NET
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Embedded.Runtime.Kernels;

/// <summary>Rounding steps of the float kernels on the portable 128-bit vectors.</summary>
internal static class VectorRounding
{
    /// <summary>
    /// MathF.Round(v, MidpointRounding.AwayFromZero) lane by lane: trunc(v) ± 1 where |v − trunc(v)| ≥ ½ (that
    /// difference is exact in float, and so is the sum for every |v| below 2^24; above it v is an integer already).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> HalfAwayFromZero(Vector128<float> v)
    {
        var whole = Vector128.Truncate(v);
        var away = Vector128.GreaterThanOrEqual(Vector128.Abs(v - whole), Vector128.Create(0.5f));
        var step = Vector128.ConditionalSelect(Vector128.LessThan(v, Vector128<float>.Zero), Vector128.Create(-1f), Vector128.Create(1f));
        return whole + (step & away);
    }
}
#endif
