#if NET
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

public static partial class Mul
{
    /// <summary>
    /// The squeeze-excite product on NEON over <paramref name="count"/> pixels from pixel <paramref name="firstPixel"/>:
    /// eight channels a step, block-outer so a block's gate, zero points and stage constants stay in registers.
    /// (a − z_a) and the gate b − z_b both fit in int16, so SMULL/SMULL2 give the exact int32 products; then the NEON
    /// output stage. The last channels (fewer than eight) go scalar.
    /// </summary>
    private static void RowsNeon(QuantizedInput a, int firstPixel, int count, bool signed, ReadOnlySpan<int> zeroPoints, ReadOnlySpan<int> gates, VectorOutputStage stage, QuantizedOutput output)
    {
        int channels = output.Channels;
        int firstAt = firstPixel * channels;
        if ((long)firstAt + (long)count * channels > Math.Min(a.Bytes.Length, output.Bytes.Length) || zeroPoints.Length < channels || gates.Length < channels)
            throw new ArgumentException("Mul: the pixels exceed the tensors.", nameof(output));
        if (output.Type is not (ElementType.Int8 or ElementType.UInt8)) throw new ArgumentException("Mul: NEON rows store 8-bit outputs.", nameof(output));
        if (OutputStageNeon.IsRightShiftOnly(stage)) Blocks<OutputStageNeon.RightShift>(a.Bytes, firstAt, count, channels, signed, zeroPoints, gates, stage, output.Bytes);
        else if (OutputStageNeon.IsPlain(stage)) Blocks<OutputStageNeon.Lanes>(a.Bytes, firstAt, count, channels, signed, zeroPoints, gates, stage, output.Bytes);
        else Blocks<OutputStageNeon.Any>(a.Bytes, firstAt, count, channels, signed, zeroPoints, gates, stage, output.Bytes);
        for (int i = 0; i < count; i++)
        for (int c = channels / 8 * 8; c < channels; c++)
        {
            int at = firstAt + i * channels + c;
            output.Store(at, stage.ApplyScalar((a[at] - zeroPoints[c]) * gates[c], c));
        }
    }

    /// <summary>
    /// Channels [0, C rounded down to 8) of <paramref name="count"/> pixels, block by block; 8-bit outputs stored as one
    /// 8-byte write. The caller checked every bound.
    /// </summary>
    private static void Blocks<TStage>(ReadOnlySpan<byte> a, int firstAt, int count, int channels, bool signed, ReadOnlySpan<int> zeroPoints, ReadOnlySpan<int> gates,
        VectorOutputStage stage, Span<byte> output) where TStage : struct, OutputStageNeon.IBlock4<TStage>
    {
        ref byte x0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(a), firstAt);
        ref byte o0 = ref Unsafe.Add(ref MemoryMarshal.GetReference(output), firstAt);
        var flip = Vector64.Create(signed ? (byte)0x80 : (byte)0);
        for (int c = 0; c + 8 <= channels; c += 8)
        {
            // Signed inputs as unsigned bytes (XOR 0x80) with their zero points raised by 128: one widening for both types.
            var zero = Narrow(zeroPoints.Slice(c, 8)) + Vector128.Create(signed ? (short)128 : (short)0);
            var gate = Narrow(gates.Slice(c, 8));
            var lowerStage = TStage.For(stage, c);
            var upperStage = TStage.For(stage, c + 4);
            for (int i = 0; i < count; i++)
            {
                nint at = (nint)i * channels + c;
                var x = AdvSimd.ZeroExtendWideningLower(Vector64.LoadUnsafe(ref Unsafe.Add(ref x0, at)) ^ flip).AsInt16() - zero;
                OutputStageNeon.Store8(lowerStage.Apply(AdvSimd.MultiplyWideningLower(x.GetLower(), gate.GetLower())),
                    upperStage.Apply(AdvSimd.MultiplyWideningUpper(x, gate)), ref Unsafe.Add(ref o0, at), int16: false);
            }
        }
    }

    /// <summary>Eight int32 values that fit in int16 (zero points, gates b − z_b) as int16 lanes.</summary>
    private static Vector128<short> Narrow(ReadOnlySpan<int> values) =>
        AdvSimd.ExtractNarrowingUpper(AdvSimd.ExtractNarrowingLower(Vector128.Create(values.Slice(0, 4))), Vector128.Create(values.Slice(4, 4)));
}
#endif
