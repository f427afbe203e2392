using System.Collections.Generic;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

public static partial class Concat
{
    /// <summary>Block offset of an input that cannot be written straight into the output.</summary>
    public const int NotABlock = -1;

    /// <summary>
    /// The byte offset of each input's elements inside the output when they form one contiguous run there and are
    /// copied unchanged: every output dimension before the axis is 1 (SSD heads concatenated along the anchors, not
    /// channels of an NHWC tensor, whose pixels interleave), the same quantization (multiplier 0), and a start on the
    /// arena's alignment. Such an input can be produced straight into its block (the memory plan puts it there) and the
    /// concatenation then has nothing to copy for it. <see cref="NotABlock"/> for every other input.
    /// </summary>
    public static int[] ContiguousBlocks(ConcatParams p, IReadOnlyList<TensorDefinition?> inputs, TensorDefinition output)
    {
        var blocks = new int[inputs.Count];
        int outer = 1, inner = 1;
        for (int d = 0; d < p.Axis; d++) outer *= output.Shape[d];
        for (int d = p.Axis + 1; d < output.Rank; d++) inner *= output.Shape[d];
        long position = 0;
        for (int k = 0; k < inputs.Count; k++)
        {
            var input = inputs[k];
            long bytes = input is null ? 0 : (long)input.Shape[p.Axis] * inner * output.Type.SizeInBytes();
            bool block = input is not null && outer == 1 && !input.IsConstant && p.InputMultipliers[k].Multiplier == 0
                && position % MemoryPlan.Alignment == 0 && input.ByteLength == bytes;
            blocks[k] = block ? (int)position : NotABlock;
            position += bytes;
        }
        return blocks;
    }
}
