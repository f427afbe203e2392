using System;
using System.Buffers.Binary;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

public static partial class ArgMax
{
    /// <summary>
    /// 8-bit inputs straight from their bytes (int8 compared as unsigned after flipping the sign bit, which keeps the
    /// order), without the reference's per-element type dispatch; the first maximum wins as there. False for int16.
    /// </summary>
    public static bool TryFast(KernelPath path, QuantizedInput input, Span<byte> output, ElementType outputType)
    {
        if (path == KernelPath.Reference || input.Type == ElementType.Int16) return false;
        int channels = input.Channels, cells = input.Bytes.Length / channels;
        byte flip = input.Type == ElementType.Int8 ? (byte)0x80 : (byte)0;
        var bytes = input.Bytes;
        for (int cell = 0, at = 0; cell < cells; cell++, at += channels)
        {
            var row = bytes.Slice(at, channels);
            int best = 0, bestValue = row[0] ^ flip;
            for (int c = 1; c < row.Length; c++)
            {
                int v = row[c] ^ flip;
                if (v > bestValue) { bestValue = v; best = c; }
            }
            if (outputType == ElementType.Int64) BinaryPrimitives.WriteInt64LittleEndian(output.Slice(cell * 8, 8), best);
            else BinaryPrimitives.WriteInt32LittleEndian(output.Slice(cell * 4, 4), best);
        }
        return true;
    }
}
