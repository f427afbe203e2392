using System;
using Embedded.Runtime.Model;
#if NET
using System.Buffers.Binary;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
#endif

namespace Embedded.Runtime.Kernels;

public static partial class GlobalAveragePool
{
    /// <summary>
    /// The mean over H·W of an 8-bit NHWC tensor (<see cref="MeanAlgorithm.Requantize"/>), eight channels at a time:
    /// int32 sums, minus H·W·z_in, then the shared vector requantization with the output zero point and the type's
    /// clamp. <paramref name="stage"/> holds the per-channel multipliers; false when not on AVX2. Part
    /// <paramref name="part"/> of <paramref name="parts"/> does its share of the blocks of eight channels.
    /// </summary>
    public static bool TryFast(KernelPath path, QuantizedInput input, QuantizedOutput output, GlobalAveragePoolParams p, VectorOutputStage stage, Span<int> sums, int part = 0, int parts = 1)
    {
#if NET
        bool neon = path.UsesNeon() && stage.NeonReady;
        if (!(path.UsesAvx2() || neon) || input.IsWide || p.Algorithm != MeanAlgorithm.Requantize) return false;
        int batches = input.Shape[0], cells = input.Shape[1] * input.Shape[2], channels = input.Shape[3];
        int padded = (channels + 7) / 8 * 8;
        if (sums.Length < 2 * padded) return false;
        bool signed = input.Type == ElementType.Int8;
        var offsets = sums.Slice(padded, padded);
        // Parts take whole blocks: of sixteen channels where the 16-lane stage runs (its constants come in such blocks), else of eight.
        int unit = path.UsesAvx512() ? 16 : 8, blocks = (channels + unit - 1) / unit;
        int from = blocks * part / parts * unit, to = Math.Min(channels, blocks * (part + 1) / parts * unit);
        for (int c = from; c < to; c++) offsets[c] = cells * input.ZeroPoint(c);
        Span<int> values = stackalloc int[8];
        for (int n = 0; n < batches; n++)
        {
            var rows = input.Bytes.Slice(n * cells * channels, cells * channels);
            int c = from;
            if (neon) c = BlocksNeon(rows, signed, cells, channels, from, to, offsets, stage, output, n);
            else if (path.UsesAvx512() && output.Type is ElementType.Int8 or ElementType.UInt8 && to - from >= 8)
            {
                // Whole blocks of eight in this part (to is a multiple of eight or the channel count).
                int end8 = from + (to - from) / 8 * 8;
                ref byte o = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(output.Bytes.Slice(n * channels, channels));
                if (OutputStage512.IsPlain(stage)) Blocks512<OutputStage512.Plain>(rows, signed, cells, channels, from, end8, offsets, stage, ref o);
                else Blocks512<OutputStage512.Any>(rows, signed, cells, channels, from, end8, offsets, stage, ref o);
                c = end8;
            }
            for (; !neon && c + 8 <= to; c += 8)
            {
                var acc = Vector256<int>.Zero;
                for (int i = 0; i < cells; i++)
                {
                    var raw = Vector128.CreateScalar(BinaryPrimitives.ReadUInt64LittleEndian(rows.Slice(i * channels + c)));
                    acc += signed ? Avx2.ConvertToVector256Int32(raw.AsSByte()) : Avx2.ConvertToVector256Int32(raw.AsByte());
                }
                acc -= Vector256.Create((ReadOnlySpan<int>)offsets.Slice(c, 8));
                OutputStageX86.Store(OutputStageX86.Apply8(acc, stage, c, path.UsesAvx512()), output, n * channels + c, 8, values);
            }
            for (; c < to; c++)
            {
                int sum = 0;
                for (int i = 0; i < cells; i++) sum += input[(n * cells + i) * channels + c];
                output.Store(n * channels + c, stage.ApplyScalar(unchecked(sum - offsets[c]), c));
            }
        }
        return true;
#else
        return false;
#endif
    }

#if NET
    /// <summary>
    /// Channels [from, to) (a multiple of eight) of one image in blocks of sixteen, a last block of eight read as 64-bit
    /// loads on the same 16 lanes: int32 sums over the cells in two chains, minus H·W·z_in, the 16-lane stage.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void Blocks512<TStage>(ReadOnlySpan<byte> rows, bool signed, int cells, int channels, int from, int to, ReadOnlySpan<int> offsets, VectorOutputStage stage, ref byte output)
        where TStage : struct, OutputStage512.IBlock<TStage>
    {
        if (rows.Length < (long)cells * channels || offsets.Length < to) throw new ArgumentException("Global average pool: the rows are shorter than their shape.", nameof(rows));
        ref byte x = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(rows);
        for (int c = from; c < to; c += 16)
        {
            int lanes = Math.Min(16, to - c);
            Vector512<int> a = Vector512<int>.Zero, b = Vector512<int>.Zero;
            ref byte column = ref System.Runtime.CompilerServices.Unsafe.Add(ref x, c);
            int i = 0;
            if (lanes == 16)
            {
                for (; i + 2 <= cells; i += 2)
                {
                    a += Widen512.Bytes(Vector128.LoadUnsafe(ref column, (nuint)((nint)i * channels)), signed);
                    b += Widen512.Bytes(Vector128.LoadUnsafe(ref column, (nuint)((nint)(i + 1) * channels)), signed);
                }
                if (i < cells) a += Widen512.Bytes(Vector128.LoadUnsafe(ref column, (nuint)((nint)i * channels)), signed);
            }
            else
                for (; i < cells; i++)
                    a += Widen512.Bytes(Vector128.CreateScalar(System.Runtime.CompilerServices.Unsafe.ReadUnaligned<ulong>(
                        ref System.Runtime.CompilerServices.Unsafe.Add(ref column, (nint)i * channels))).AsByte(), signed);
            var offset = lanes == 16 ? Vector512.Create(offsets.Slice(c, 16)) : Vector256.Create(offsets.Slice(c, 8)).ToVector512();
            OutputStage512.StoreBytes(TStage.For(stage, c).Apply(a + b - offset), ref output, c, lanes);
        }
    }

#endif
}
