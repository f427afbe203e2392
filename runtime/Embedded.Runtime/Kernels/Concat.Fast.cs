using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

public static partial class Concat
{
    /// <summary>
    /// <see cref="ReferenceOne"/> with an input copied unchanged moved as whole runs of bytes (one per index before the
    /// axis: SqueezeNet's channel concatenation copies a pixel's channels at a time); rescaled inputs take the reference.
    /// </summary>
    public static void FastOne(QuantizedInput input, int inputIndex, int axisOffset, QuantizedOutput output, ConcatParams p)
    {
        if (p.InputMultipliers[inputIndex].Multiplier != 0 || input.Type != output.Type)
        {
            ReferenceOne(input, inputIndex, axisOffset, output, p);
            return;
        }
        int outer = 1, inner = output.Type.SizeInBytes();
        for (int d = 0; d < p.Axis; d++) outer *= output.Shape[d];
        for (int d = p.Axis + 1; d < output.Shape.Length; d++) inner *= output.Shape[d];
        int run = input.Shape[p.Axis] * inner, stride = output.Shape[p.Axis] * inner;
        var from = input.Bytes;
        var to = output.Bytes;
        for (int o = 0; o < outer; o++)
            from.Slice(o * run, run).CopyTo(to.Slice(o * stride + axisOffset * inner, run));
    }
}
