using System;
using System.Buffers.Binary;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

/// <summary>The index of the largest value along the last axis (the first on ties), as int32 or int64.</summary>
public static partial class ArgMax
{
    public static void Reference(QuantizedInput input, Span<byte> output, ElementType outputType)
    {
        int channels = input.Channels;
        int cells = channels == 0 ? 0 : input.Bytes.Length / (input.Type.SizeInBytes() * channels);
        for (int cell = 0; cell < cells; cell++)
        {
            int best = 0, bestValue = input[cell * channels];
            for (int c = 1; c < channels; c++)
            {
                int v = input[cell * channels + c];
                if (v > bestValue) { bestValue = v; best = c; }
            }
            if (outputType == ElementType.Int64) BinaryPrimitives.WriteInt64LittleEndian(output.Slice(cell * 8, 8), best);
            else BinaryPrimitives.WriteInt32LittleEndian(output.Slice(cell * 4, 4), best);
        }
    }
}
