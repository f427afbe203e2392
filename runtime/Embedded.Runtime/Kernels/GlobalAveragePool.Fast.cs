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
        if (!path.UsesAvx2() || input.IsWide || p.Algorithm != MeanAlgorithm.Requantize) return false;
        int batches = input.Shape[0], cells = input.Shape[1] * input.Shape[2], channels = input.Shape[3];
        int padded = (channels + 7) / 8 * 8;
        if (sums.Length < 2 * padded) return false;
        bool signed = input.Type == ElementType.Int8;
        var offsets = sums.Slice(padded, padded);
        int blocks = (channels + 7) / 8;
        int from = blocks * part / parts * 8, to = Math.Min(channels, blocks * (part + 1) / parts * 8);
        for (int c = from; c < to; c++) offsets[c] = cells * input.ZeroPoint(c);
        Span<int> values = stackalloc int[8];
        for (int n = 0; n < batches; n++)
        {
            var rows = input.Bytes.Slice(n * cells * channels, cells * channels);
            int c = from;
            for (; c + 8 <= to; c += 8)
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
}
