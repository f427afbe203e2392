using System;
using Embedded.Runtime.Model;
using Embedded.Runtime.Quantization;
#if NET
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
#endif

namespace Embedded.Runtime.Kernels;

/// <summary>
/// An integer → integer requantization of an 8-bit input (e.g. the exact input normalization u8 → int16) as one
/// 256-entry table per channel, filled at load with the reference's own arithmetic, so applying it is one lookup per
/// element on every path (TFLite does the same for 8-bit element-wise functions).
/// </summary>
public sealed class RequantizeTable
{
    /// <summary>Channels above this keep the reference kernel (the table would outgrow the work it saves).</summary>
    public const int MaxChannels = 1024;

    public int Channels { get; }
    /// <summary>Output value of input byte b on channel c at [c·256 + b].</summary>
    public int[] Values { get; }

    /// <summary>Elements per period of <see cref="Periodic"/>: three 16-lane vectors.</summary>
    public const int Period = 48;

    /// <summary>
    /// The same requantization as a vector stage over <see cref="Period"/> lanes (lane i is channel i mod C), for the
    /// AVX-512 path when C divides 48 (an RGB image: 3) and the rounding is gemmlowp's; null otherwise. Zero points are
    /// the output's plus the offset; <see cref="PeriodicInputZeroPoints"/> are subtracted first.
    /// </summary>
    public VectorOutputStage? Periodic { get; private set; }
    public int[] PeriodicInputZeroPoints { get; private set; } = Array.Empty<int>();

    private RequantizeTable(int channels, int[] values)
    {
        Channels = channels; Values = values;
    }

    public static RequantizeTable? TryCreate(TensorDefinition input, TensorDefinition output, QuantizeParams p)
    {
        if (input.Type is not (ElementType.Int8 or ElementType.UInt8) || output.Quantization is null || input.Quantization is null) return null;
        int channels = output.Rank == 0 ? 1 : output.Shape[output.Rank - 1];
        if (channels < 1 || channels > MaxChannels) return null;
        int min = output.Type.MinValue(), max = output.Type.MaxValue();
        var values = new int[channels * 256];
        for (int c = 0; c < channels; c++)
        {
            var m = PerChannel.Pick(p.Multipliers, c);
            int offset = p.Offsets.Length == 0 ? 0 : PerChannel.Pick(p.Offsets, c);
            int inputZero = input.Quantization.ZeroPoints[input.Quantization.Count == 1 ? 0 : c];
            int outputZero = output.Quantization.ZeroPoints[output.Quantization.Count == 1 ? 0 : c];
            for (int b = 0; b < 256; b++)
            {
                int x = input.Type == ElementType.Int8 ? (sbyte)b : b;
                long q = outputZero + (long)offset + FixedPoint.MultiplyByQuantizedMultiplier(x - inputZero, m.Multiplier, m.Shift, p.Rounding);
                values[c * 256 + b] = PerChannel.Clamp(q, min, max);
            }
        }
        var table = new RequantizeTable(channels, values);
        if (Period % channels == 0 && p.Rounding == RoundingMode.DoubleRounding)
        {
            var multipliers = new QuantizedMultiplier[Period];
            var zeroPoints = new int[Period];
            table.PeriodicInputZeroPoints = new int[Period];
            for (int i = 0; i < Period; i++)
            {
                int c = i % channels;
                multipliers[i] = PerChannel.Pick(p.Multipliers, c);
                zeroPoints[i] = output.Quantization.ZeroPoints[output.Quantization.Count == 1 ? 0 : c] + (p.Offsets.Length == 0 ? 0 : PerChannel.Pick(p.Offsets, c));
                table.PeriodicInputZeroPoints[i] = input.Quantization.ZeroPoints[input.Quantization.Count == 1 ? 0 : c];
            }
            table.Periodic = VectorOutputStage.TryCreate(multipliers, p.Rounding, new[] { min }, new[] { max }, Period, zeroPoints);
        }
        return table;
    }
}

public static partial class Quantize
{
    /// <summary>
    /// Table requantization over the whole pixels of part <paramref name="part"/> of <paramref name="parts"/> (<see cref="PartRange"/>); false on the reference path (the
    /// reference kernel then runs).
    /// </summary>
    public static bool TryFast(KernelPath path, QuantizedInput input, QuantizedOutput output, RequantizeTable table, int part = 0, int parts = 1, int partEnd = -1)
    {
        if (path == KernelPath.Reference) return false;
        int count = output.Bytes.Length / output.Type.SizeInBytes();
        if (input.Bytes.Length < count) throw new ArgumentException("Requantize input is shorter than its output.", nameof(input));
        var (begin, end) = PartRange.OfElements(count, output.Channels, part, parts, partEnd);
        var x = input.Bytes;
#if NET
        bool avx512 = path.UsesAvx512() && table.Periodic is not null, neon = path.UsesNeon() && PeriodicNeonReady(table);
        if ((avx512 || neon) && output.Type is ElementType.Int8 or ElementType.UInt8 or ElementType.Int16)
        {
            // Whole periods from the first multiple of 48 on, on 16 lanes; the elements before and after by table.
            int first = Math.Min(end, (begin + RequantizeTable.Period - 1) / RequantizeTable.Period * RequantizeTable.Period);
            int periods = (end - first) / RequantizeTable.Period;
            if (periods > 0)
            {
                // Slices check the periods lie inside the input and the output.
                ref byte from = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x.Slice(first, periods * RequantizeTable.Period));
                ref byte to = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(output.Bytes.Slice(first * output.Type.SizeInBytes(), periods * RequantizeTable.Period * output.Type.SizeInBytes()));
                if (avx512) Periodic512(ref from, input.Type == ElementType.Int8, table, ref to, output.Type == ElementType.Int16, periods);
                else PeriodicNeon(ref from, input.Type == ElementType.Int8, table, ref to, output.Type == ElementType.Int16, periods);
                int after = first + periods * RequantizeTable.Period;
                Lookup(x, output, table, after, end);
                end = first;
            }
        }
#endif
        Lookup(x, output, table, begin, end);
        return true;
    }

    /// <summary>Elements [begin, end) by table lookup.</summary>
    private static void Lookup(ReadOnlySpan<byte> x, QuantizedOutput output, RequantizeTable table, int begin, int end)
    {
        var values = table.Values;
        int channels = table.Channels, c = begin % channels;
        switch (output.Type)
        {
            case ElementType.Int16:
            {
                var y = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(output.Bytes);
#if NET
                if (channels == 3 && begin % 3 == 0 && end <= Math.Min(x.Length, y.Length) && values.Length >= 3 * 256)
                {
                    // The RGB image: whole pixels without the per-element channel counter, bounds checked once above (a
                    // byte indexes 256 entries): about four instructions an element instead of a dozen.
                    ref byte source = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
                    ref short target = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
                    ref int table0 = ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(values);
                    ref int table1 = ref System.Runtime.CompilerServices.Unsafe.Add(ref table0, 256);
                    ref int table2 = ref System.Runtime.CompilerServices.Unsafe.Add(ref table0, 512);
                    int i = begin;
                    for (; i + 3 <= end; i += 3)
                    {
                        System.Runtime.CompilerServices.Unsafe.Add(ref target, i) = (short)System.Runtime.CompilerServices.Unsafe.Add(ref table0, System.Runtime.CompilerServices.Unsafe.Add(ref source, i));
                        System.Runtime.CompilerServices.Unsafe.Add(ref target, i + 1) = (short)System.Runtime.CompilerServices.Unsafe.Add(ref table1, System.Runtime.CompilerServices.Unsafe.Add(ref source, i + 1));
                        System.Runtime.CompilerServices.Unsafe.Add(ref target, i + 2) = (short)System.Runtime.CompilerServices.Unsafe.Add(ref table2, System.Runtime.CompilerServices.Unsafe.Add(ref source, i + 2));
                    }
                    begin = i;
                }
#endif
                for (int i = begin; i < end; i++)
                {
                    y[i] = (short)values[c * 256 + x[i]];
                    if (++c == channels) c = 0;
                }
                break;
            }
            case ElementType.Int8:
            case ElementType.UInt8:
                for (int i = begin; i < end; i++)
                {
                    output.Bytes[i] = (byte)values[c * 256 + x[i]];
                    if (++c == channels) c = 0;
                }
                break;
            default:
                for (int i = begin; i < end; i++)
                {
                    output.Store(i, values[c * 256 + x[i]]);
                    if (++c == channels) c = 0;
                }
                break;
        }
    }

#if NET
    /// <summary>
    /// <paramref name="periods"/> runs of 48 elements starting on channel 0: (x − z_in) through the 16-lane stage of
    /// <see cref="RequantizeTable.Periodic"/> (three blocks of constants, loaded once), stored as bytes or int16.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void Periodic512(ref byte x, bool signed, RequantizeTable table, ref byte output, bool int16, int periods)
    {
        var stage = table.Periodic!;
        var s0 = OutputStage512.Plain.For(stage, 0); var s1 = OutputStage512.Plain.For(stage, 16); var s2 = OutputStage512.Plain.For(stage, 32);
        ref int zeros = ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(table.PeriodicInputZeroPoints);
        var z0 = Vector512.LoadUnsafe(ref zeros); var z1 = Vector512.LoadUnsafe(ref zeros, 16); var z2 = Vector512.LoadUnsafe(ref zeros, 32);
        for (int i = 0; i < periods; i++)
        {
            nint at = (nint)i * RequantizeTable.Period;
            OutputStage512.Store16(s0.Apply(Widen512.Bytes(Vector128.LoadUnsafe(ref x, (nuint)at), signed) - z0), ref output, at, int16);
            OutputStage512.Store16(s1.Apply(Widen512.Bytes(Vector128.LoadUnsafe(ref x, (nuint)(at + 16)), signed) - z1), ref output, at + 16, int16);
            OutputStage512.Store16(s2.Apply(Widen512.Bytes(Vector128.LoadUnsafe(ref x, (nuint)(at + 32)), signed) - z2), ref output, at + 32, int16);
        }
    }

#endif
}
