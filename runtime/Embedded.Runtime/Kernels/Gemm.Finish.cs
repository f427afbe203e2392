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
        if (vectorStage is not null && vectorStage.NeonReady && path.UsesNeon())
        {
            FinishNeon(dot, width, constants, w.NeedsInputSums ? w.InputSumFactors : null, inputSums, rows, firstRow, w.Outputs, vectorStage, output);
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
    /// NEON: eight channels at a time, acc = C + dot (+ f·Σx when <paramref name="factors"/> is given), the NEON output
    /// stage, narrowing stores. Also finishes the int16-input GEMM (no input sums).
    /// </summary>
    internal static void FinishNeon(ReadOnlySpan<int> dot, int width, int[] constants, int[]? factors, ReadOnlySpan<int> inputSums, int rows, int firstRow, int outputs, VectorOutputStage s, QuantizedOutput output)
    {
        ref int c0 = ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(constants);
        ref int d0 = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(dot);
        for (int r = 0; r < rows; r++)
        {
            int outBase = (firstRow + r) * outputs;
            var sum = Vector128.Create(factors is null ? 0 : inputSums[r]);
            for (int o = 0; o < outputs; o += PackedGemm.BlockChannels)
            {
                var lower = Vector128.LoadUnsafe(ref c0, (nuint)o) + Vector128.LoadUnsafe(ref d0, (nuint)(r * width + o));
                var upper = Vector128.LoadUnsafe(ref c0, (nuint)(o + 4)) + Vector128.LoadUnsafe(ref d0, (nuint)(r * width + o + 4));
                if (factors is not null)
                {
                    lower += Vector128.Create((ReadOnlySpan<int>)factors.AsSpan(o, 4)) * sum;
                    upper += Vector128.Create((ReadOnlySpan<int>)factors.AsSpan(o + 4, 4)) * sum;
                }
                OutputStageNeon.Store8(OutputStageNeon.Apply4(lower, s, o), OutputStageNeon.Apply4(upper, s, o + 4), output, outBase + o, Math.Min(8, outputs - o));
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
