using System;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

/// <summary>Constant padding kernels.</summary>
public static partial class Pad
{
    /// <summary>Copies the input into the padded output; new cells get the output zero point (the real value 0).</summary>
    public static void Reference(QuantizedInput input, QuantizedOutput output, PadParams p)
    {
        int rank = output.Shape.Length;
        int count = output.Bytes.Length / output.Type.SizeInBytes();
        Span<int> coords = stackalloc int[TensorDefinition.MaxRank];
        int channels = output.Channels;
        for (int i = 0; i < count; i++)
        {
            int rest = i;
            for (int d = rank - 1; d >= 0; d--)
            {
                coords[d] = rest % output.Shape[d];
                rest /= output.Shape[d];
            }
            int inIndex = 0;
            bool inside = true;
            for (int d = 0; d < rank; d++)
            {
                int x = coords[d] - p.Before[d];
                if (x < 0 || x >= input.Shape[d]) { inside = false; break; }
                inIndex = inIndex * input.Shape[d] + x;
            }
            output.Store(i, inside ? input[inIndex] : output.ZeroPoint(i % channels));
        }
    }
}
