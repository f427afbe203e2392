using System;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

public static partial class Gemm
{
    /// <summary>
    /// Turns dot products of <paramref name="rows"/> rows into outputs: acc = C[o] + dot + f[o]·Σx_s, then the
    /// shared output stage (<see cref="OutputStageMath"/>) — the same arithmetic as the reference, element by element.
    /// </summary>
    public static void Finish(ReadOnlySpan<int> dot, bool vnni, ReadOnlySpan<int> inputSums, int rows, int firstRow, PackedGemm w, OutputStage stage, QuantizedOutput output)
    {
        int width = w.Blocks * PackedGemm.BlockChannels;
        var constants = vnni ? w.VnniConstants : w.Constants;
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
}
