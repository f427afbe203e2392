using System;
using System.Runtime.InteropServices;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

public static partial class GlobalAveragePool
{
    /// <summary>
    /// A 16-bit input's pool: per image the channel sums a pixel at a time in int32 (exact up to 65535 pixels), then the
    /// reference's own <see cref="Finish"/> per channel. False for other inputs, the reference path, or too many pixels.
    /// </summary>
    public static bool TryWide(KernelPath path, QuantizedInput input, QuantizedOutput output, GlobalAveragePoolParams p, Span<int> sums)
    {
        if (path == KernelPath.Reference || input.Type != ElementType.Int16 || input.Shape.Length != 4) return false;
        int batches = input.Shape[0], cells = input.Shape[1] * input.Shape[2], channels = input.Shape[3];
        if (cells > 65535 || sums.Length < channels) return false;
        var x = MemoryMarshal.Cast<byte, short>(input.Bytes);
        var acc = sums.Slice(0, channels);
        for (int n = 0; n < batches; n++)
        {
            acc.Clear();
            for (int i = 0; i < cells; i++) WideMultiplyAdd.AddInto(path, x.Slice((n * cells + i) * channels, channels), acc);
            for (int c = 0; c < channels; c++) output.Store(n * channels + c, Finish(acc[c], c, cells, input, output, p));
        }
        return true;
    }
}
