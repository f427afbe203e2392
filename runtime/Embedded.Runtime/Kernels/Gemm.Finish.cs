using System;
using Embedded.Runtime.Model;
#if NET
using System.Runtime.Intrinsics;
#endif

namespace Embedded.Runtime.Kernels;

public static partial class Gemm
{
    /// <summary>
    /// Turns dot products of <paramref name="rows"/> rows into outputs: acc = C[o] + dot + f[o]·Σx_s, then the
    /// shared output stage (<see cref="OutputStageMath"/>) — the same arithmetic as the reference, element by element.
    /// </summary>
    public static void Finish(KernelPath path, ReadOnlySpan<int> dot, bool vnni, ReadOnlySpan<int> inputSums, int rows, int firstRow, PackedGemm w, OutputStage stage, VectorOutputStage? vectorStage, QuantizedOutput output)
    {
        int width = w.Blocks * PackedGemm.BlockChannels;
        var constants = vnni ? w.VnniConstants : w.Constants;
#if NET
        if (vectorStage is not null && path.UsesAvx2())
        {
            FinishAvx2(dot, constants, inputSums, rows, firstRow, w, vectorStage, output, path.UsesAvx512());
            return;
        }
#endif
        for (int r = 0; r < rows; r++)
        {
            int sum = w.NeedsInputSums ? inputSums[r] : 0;
            int outBase = (firstRow + r) * w.Outputs;
            for (int o = 0; o < w.Outputs; o++)
            {
                int acc = unchecked(constants[o] + dot[r * width + o] + w.InputSumFactors[o] * sum);
                output.Store(outBase + o, OutputStageMath.Apply(stage, o, acc, false, output.ZeroPoint(o)));
            }
        }
    }

#if NET
    /// <summary>Eight channels at a time: acc = C + dot + f·Σx, vector requantization, then narrowing stores.</summary>
    private static void FinishAvx2(ReadOnlySpan<int> dot, int[] constants, ReadOnlySpan<int> inputSums, int rows, int firstRow, PackedGemm w, VectorOutputStage s, QuantizedOutput output, bool avx512)
    {
        int width = w.Blocks * PackedGemm.BlockChannels;
        Span<int> values = stackalloc int[PackedGemm.BlockChannels];
        ref int c0 = ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(constants);
        ref int f0 = ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(w.InputSumFactors);
        ref int d0 = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(dot);
        for (int r = 0; r < rows; r++)
        {
            var sum = System.Runtime.Intrinsics.Vector256.Create(w.NeedsInputSums ? inputSums[r] : 0);
            int outBase = (firstRow + r) * w.Outputs;
            for (int o = 0; o < w.Outputs; o += PackedGemm.BlockChannels)
            {
                var acc = System.Runtime.Intrinsics.Vector256.LoadUnsafe(ref c0, (nuint)o)
                    + System.Runtime.Intrinsics.Vector256.LoadUnsafe(ref d0, (nuint)(r * width + o))
                    + System.Runtime.Intrinsics.Vector256.LoadUnsafe(ref f0, (nuint)o) * sum;
                OutputStageX86.Store(OutputStageX86.Apply8(acc, s, o, avx512), output, outBase + o, Math.Min(PackedGemm.BlockChannels, w.Outputs - o), values);
            }
        }
    }

    /// <summary>
    /// NEON: acc = C + dot (+ f·Σx when <paramref name="factors"/> is given), the NEON output stage, narrowing stores —
    /// block by block, so a block's stage constants stay in registers over its rows: the int16-input GEMM's finish (the
    /// int8 GEMM requantizes inside its tiles, <see cref="StageRows{TStage, TWidth}"/>).
    /// </summary>
    internal static void FinishNeon(ReadOnlySpan<int> dot, int width, int[] constants, int[]? factors, ReadOnlySpan<int> inputSums, int rows, int firstRow, int outputs, VectorOutputStage s, QuantizedOutput output)
    {
        if (OutputStageNeon.IsPlain(s)) FinishNeon<OutputStageNeon.Lanes>(dot, width, constants, factors, inputSums, rows, firstRow, outputs, s, output);
        else if (OutputStageNeon.IsHardSwish(s)) FinishNeon<OutputStageNeon.Gate>(dot, width, constants, factors, inputSums, rows, firstRow, outputs, s, output);
        else if (s.SingleRounding) FinishNeon<OutputStageNeon.Single>(dot, width, constants, factors, inputSums, rows, firstRow, outputs, s, output);
        else FinishNeon<OutputStageNeon.Any>(dot, width, constants, factors, inputSums, rows, firstRow, outputs, s, output);
    }

    private static void FinishNeon<TStage>(ReadOnlySpan<int> dot, int width, int[] constants, int[]? factors, ReadOnlySpan<int> inputSums, int rows, int firstRow, int outputs, VectorOutputStage s, QuantizedOutput output)
        where TStage : struct, OutputStageNeon.IBlock4<TStage>
    {
        if ((long)rows * width > dot.Length || (factors is not null && inputSums.Length < rows)) throw new ArgumentException("GEMM dot products are shorter than the rows.", nameof(dot));
        ref int c0 = ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(constants);
        ref int d0 = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(dot);
        for (int o = 0; o < outputs; o += PackedGemm.BlockChannels)
        {
            var lowerStage = TStage.For(s, o);
            var upperStage = TStage.For(s, o + 4);
            var cLower = Vector128.LoadUnsafe(ref c0, (nuint)o);
            var cUpper = Vector128.LoadUnsafe(ref c0, (nuint)(o + 4));
            var fLower = factors is null ? default : Vector128.Create((ReadOnlySpan<int>)factors.AsSpan(o, 4));
            var fUpper = factors is null ? default : Vector128.Create((ReadOnlySpan<int>)factors.AsSpan(o + 4, 4));
            int count = Math.Min(8, outputs - o);
            for (int r = 0; r < rows; r++)
            {
                var lower = cLower + Vector128.LoadUnsafe(ref d0, (nuint)(r * width + o));
                var upper = cUpper + Vector128.LoadUnsafe(ref d0, (nuint)(r * width + o + 4));
                if (factors is not null)
                {
                    var sum = Vector128.Create(inputSums[r]);
                    lower += fLower * sum;
                    upper += fUpper * sum;
                }
                OutputStageNeon.Store8(lowerStage.Apply(lower), upperStage.Apply(upper), output, (firstRow + r) * outputs + o, count);
            }
        }
    }

    /// <summary>Stores already clamped values in the output's element type.</summary>
    internal static void Narrow(ReadOnlySpan<int> values, QuantizedOutput output, int at)
    {
        switch (output.Type)
        {
            case ElementType.Int8:
            case ElementType.UInt8:
                for (int i = 0; i < values.Length; i++) output.Bytes[at + i] = (byte)values[i];
                break;
            default:
                for (int i = 0; i < values.Length; i++) output.Store(at + i, values[i]);
                break;
        }
    }
#endif
}
