#if NET
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace Embedded.Runtime.Kernels;

public static partial class GlobalAveragePool
{
    /// <summary>
    /// NEON: the int32 sums of eight channels over <paramref name="cells"/> pixels from <paramref name="column"/> (one
    /// 8-byte load a pixel, widened to int16 and added with SADDW/SADDW2 — exact, as the reference's int32 sums).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<int> Lower, Vector128<int> Upper) Sum8Neon(ref byte column, int cells, nint channels, bool signed)
    {
        Vector128<int> lower = default, upper = default;
        for (int i = 0; i < cells; i++)
        {
            var raw = Vector64.LoadUnsafe(ref Unsafe.Add(ref column, i * channels));
            var x = signed ? AdvSimd.SignExtendWideningLower(raw.AsSByte()) : AdvSimd.ZeroExtendWideningLower(raw).AsInt16();
            lower = AdvSimd.AddWideningLower(lower, x.GetLower());
            upper = AdvSimd.AddWideningUpper(upper, x);
        }
        return (lower, upper);
    }

    /// <summary>
    /// Channels [from, to) of image <paramref name="n"/> in blocks of eight: sums, minus H·W·z_in, the NEON stage; returns
    /// the first channel not done (the caller finishes the rest scalar).
    /// </summary>
    private static int BlocksNeon(ReadOnlySpan<byte> rows, bool signed, int cells, int channels, int from, int to, ReadOnlySpan<int> offsets, VectorOutputStage stage, QuantizedOutput output, int n)
    {
        if (rows.Length < (long)cells * channels || offsets.Length < to) throw new ArgumentException("Global average pool: the rows are shorter than their shape.", nameof(rows));
        ref byte x = ref MemoryMarshal.GetReference(rows);
        int c = from;
        for (; c + 8 <= to; c += 8)
        {
            var (lower, upper) = Sum8Neon(ref Unsafe.Add(ref x, c), cells, channels, signed);
            lower -= Vector128.Create(offsets.Slice(c, 4));
            upper -= Vector128.Create(offsets.Slice(c + 4, 4));
            OutputStageNeon.Store8(OutputStageNeon.Apply4(lower, stage, c), OutputStageNeon.Apply4(upper, stage, c + 4), output, n * channels + c, 8);
        }
        return c;
    }

    /// <summary>NEON partial sums of channels [0, channels rounded down to 8) for <see cref="SumPixels"/>; returns the channels done.</summary>
    private static int SumPixelsNeon(ReadOnlySpan<byte> cellsBytes, bool signed, int cells, int channels, Span<int> sums)
    {
        if (cellsBytes.Length < (long)cells * channels) throw new ArgumentException("Global average pool: the rows are shorter than their shape.", nameof(cellsBytes));
        ref byte x = ref MemoryMarshal.GetReference(cellsBytes);
        int c = 0;
        for (; c + 8 <= channels; c += 8)
        {
            var (lower, upper) = Sum8Neon(ref Unsafe.Add(ref x, c), cells, channels, signed);
            lower.CopyTo(sums.Slice(c, 4));
            upper.CopyTo(sums.Slice(c + 4, 4));
        }
        return c;
    }
}
#endif
