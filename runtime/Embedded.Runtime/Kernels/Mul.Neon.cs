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
        int channels = output.Channels, full8 = channels / 8 * 8;
        int firstAt = firstPixel * channels;
        if ((long)firstAt + (long)count * channels > Math.Min(a.Bytes.Length, output.Bytes.Length))
            throw new ArgumentException("Mul: the pixels exceed the tensors.", nameof(output));
        ref byte x0 = ref MemoryMarshal.GetReference(a.Bytes);
        bool plain = OutputStageNeon.IsPlain(stage);
        for (int c = 0; c < full8; c += 8)
        {
            var zero = Narrow(zeroPoints.Slice(c, 8));
            var gate = Narrow(gates.Slice(c, 8));
            var lanes0 = plain ? OutputStageNeon.Lanes.For(stage, c) : default;
            var lanes1 = plain ? OutputStageNeon.Lanes.For(stage, c + 4) : default;
            for (int i = 0; i < count; i++)
            {
                int at = firstAt + i * channels + c;
                var raw = Vector64.LoadUnsafe(ref Unsafe.Add(ref x0, at));
                var x = (signed ? AdvSimd.SignExtendWideningLower(raw.AsSByte()) : AdvSimd.ZeroExtendWideningLower(raw).AsInt16()) - zero;
                var lower = AdvSimd.MultiplyWideningLower(x.GetLower(), gate.GetLower());
                var upper = AdvSimd.MultiplyWideningUpper(x, gate);
                if (plain) OutputStageNeon.Store8(lanes0.Apply(lower), lanes1.Apply(upper), output, at, 8);
                else OutputStageNeon.Store8(OutputStageNeon.Apply4(lower, stage, c), OutputStageNeon.Apply4(upper, stage, c + 4), output, at, 8);
            }
        }
        for (int i = 0; i < count; i++)
        for (int c = full8; c < channels; c++)
        {
            int at = firstAt + i * channels + c;
            output.Store(at, stage.ApplyScalar((a[at] - zeroPoints[c]) * gates[c], c));
        }
    }

    /// <summary>Eight int32 values that fit in int16 (zero points, gates b − z_b) as int16 lanes.</summary>
    private static Vector128<short> Narrow(ReadOnlySpan<int> values) =>
        AdvSimd.ExtractNarrowingUpper(AdvSimd.ExtractNarrowingLower(Vector128.Create(values.Slice(0, 4))), Vector128.Create(values.Slice(4, 4)));
}
#endif
