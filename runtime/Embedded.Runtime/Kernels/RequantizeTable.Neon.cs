#if NET
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace Embedded.Runtime.Kernels;

public static partial class Quantize
{
    /// <summary>
    /// The periodic requantization (<see cref="RequantizeTable.Periodic"/>) on NEON, for channel counts dividing 12 (an RGB
    /// image: 3): lanes 4k..4k + 3 of a 48-element period then have the constants of block k mod 3, so three blocks of
    /// constants stay in registers. Sixteen bytes are widened to four int32 vectors, less the input zero points, through
    /// the NEON stage and narrowed (the values are clamped to the output type already).
    /// </summary>
    private static void PeriodicNeon(ref byte x, bool signed, RequantizeTable table, ref byte output, bool int16, int periods)
    {
        var stage = table.Periodic!;
        if (OutputStageNeon.IsRightShiftOnly(stage)) PeriodicNeon<OutputStageNeon.RightShift>(ref x, signed, table, ref output, int16, periods);
        else PeriodicNeon<OutputStageNeon.Lanes>(ref x, signed, table, ref output, int16, periods);
    }

    /// <summary>Whether <see cref="PeriodicNeon"/> applies: a periodic stage the NEON stage computes, and 12 % C == 0.</summary>
    private static bool PeriodicNeonReady(RequantizeTable table) =>
        table.Periodic is { NeonReady: true } stage && OutputStageNeon.IsPlain(stage) && 12 % table.Channels == 0;

    private static void PeriodicNeon<TStage>(ref byte x, bool signed, RequantizeTable table, ref byte output, bool int16, int periods)
        where TStage : struct, OutputStageNeon.IBlock4<TStage>
    {
        var stage = table.Periodic!;
        var s0 = TStage.For(stage, 0); var s1 = TStage.For(stage, 4); var s2 = TStage.For(stage, 8);
        ref int zeros = ref MemoryMarshal.GetArrayDataReference(table.PeriodicInputZeroPoints);
        var z0 = Vector128.LoadUnsafe(ref zeros); var z1 = Vector128.LoadUnsafe(ref zeros, 4); var z2 = Vector128.LoadUnsafe(ref zeros, 8);
        int size = int16 ? 2 : 1;
        for (int i = 0; i < periods; i++)
        {
            nint at = (nint)i * RequantizeTable.Period;
            ref byte from = ref Unsafe.Add(ref x, at);
            ref byte to = ref Unsafe.Add(ref output, at * size);
            // Blocks 0–3, 4–7 and 8–11 of the period: constants k mod 3.
            Sixteen(ref from, signed, s0, s1, s2, s0, z0, z1, z2, z0, ref to, int16);
            Sixteen(ref Unsafe.Add(ref from, 16), signed, s1, s2, s0, s1, z1, z2, z0, z1, ref Unsafe.Add(ref to, 16 * size), int16);
            Sixteen(ref Unsafe.Add(ref from, 32), signed, s2, s0, s1, s2, z2, z0, z1, z2, ref Unsafe.Add(ref to, 32 * size), int16);
        }
    }

    /// <summary>Sixteen elements: widened, less the input zero points, requantized by four blocks, stored narrowed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Sixteen<TStage>(ref byte x, bool signed, TStage a, TStage b, TStage c, TStage d,
        Vector128<int> za, Vector128<int> zb, Vector128<int> zc, Vector128<int> zd, ref byte output, bool int16)
        where TStage : struct, OutputStageNeon.IBlock4<TStage>
    {
        var raw = Vector128.LoadUnsafe(ref x);
        Vector128<short> lower, upper;
        if (signed) { upper = AdvSimd.SignExtendWideningUpper(raw.AsSByte()); lower = AdvSimd.SignExtendWideningLower(raw.AsSByte().GetLower()); }
        else { upper = AdvSimd.ZeroExtendWideningUpper(raw).AsInt16(); lower = AdvSimd.ZeroExtendWideningLower(raw.GetLower()).AsInt16(); }
        var y0 = a.Apply(AdvSimd.SignExtendWideningLower(lower.GetLower()) - za);
        var y1 = b.Apply(AdvSimd.SignExtendWideningUpper(lower) - zb);
        var y2 = c.Apply(AdvSimd.SignExtendWideningLower(upper.GetLower()) - zc);
        var y3 = d.Apply(AdvSimd.SignExtendWideningUpper(upper) - zd);
        var w01 = AdvSimd.ExtractNarrowingSaturateUpper(AdvSimd.ExtractNarrowingSaturateLower(y0), y1);
        var w23 = AdvSimd.ExtractNarrowingSaturateUpper(AdvSimd.ExtractNarrowingSaturateLower(y2), y3);
        if (int16)
        {
            w01.StoreUnsafe(ref Unsafe.As<byte, short>(ref output));
            w23.StoreUnsafe(ref Unsafe.As<byte, short>(ref output), 8);
        }
        else
        {
            // Clamped to the 8-bit output type already: XTN keeps each value's byte.
            AdvSimd.ExtractNarrowingUpper(AdvSimd.ExtractNarrowingLower(w01), w23).AsByte().StoreUnsafe(ref output);
        }
    }
}
#endif
