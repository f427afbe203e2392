using System;
using Embedded.Runtime.Model;
using Embedded.Runtime.Quantization;

namespace Embedded.Runtime.Kernels;

/// <summary>Concatenation kernels.</summary>
public static partial class Concat
{
    /// <summary>
    /// Copies (or rescales) input <paramref name="inputIndex"/> into its slot along the axis. The interpreter
    /// calls this once per input, which keeps the variable-length input list off the heap.
    /// </summary>
    public static void ReferenceOne(QuantizedInput input, int inputIndex, int axisOffset, QuantizedOutput output, ConcatParams p)
    {
        int outer = 1, inner = 1;
        for (int d = 0; d < p.Axis; d++) outer *= output.Shape[d];
        for (int d = p.Axis + 1; d < output.Shape.Length; d++) inner *= output.Shape[d];
        int inAxis = input.Shape[p.Axis], outAxis = output.Shape[p.Axis];
        var m = p.InputMultipliers[inputIndex];
        int inZero = input.ZeroPoint(0), outZero = output.ZeroPoint(0);
        int min = output.Type.MinValue(), max = output.Type.MaxValue();
        for (int o = 0; o < outer; o++)
        for (int i = 0; i < inAxis * inner; i++)
        {
            int x = input[o * inAxis * inner + i];
            int y = m.Multiplier == 0 ? x : PerChannel.Clamp(outZero + (long)FixedPoint.MultiplyByQuantizedMultiplier(x - inZero, m.Multiplier, m.Shift, p.Rounding), min, max);
            output.Store((o * outAxis + axisOffset) * inner + i, y);
        }
    }
}
