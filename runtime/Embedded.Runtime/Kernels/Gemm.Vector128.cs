#if NET
using System;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Embedded.Runtime.Kernels;

public static partial class Gemm
{
    /// <summary>
    /// Portable 128-bit path: the 4 input bytes of a group are broadcast, multiplied with the 4 weights of each of
    /// 8 channels in int16 (|x|,|w| ≤ 128, so products fit) and summed in int32 lanes; one horizontal sum per output.
    /// </summary>
    internal static void DotVector128(ReadOnlySpan<byte> x, int rowStride, int rows, PackedGemm w, Span<int> dot)
    {
        int width = w.Blocks * PackedGemm.BlockChannels;
        uint xor = w.InputXor * 0x01010101u;
        ReadOnlySpan<sbyte> weights = w.Weights;
        ref sbyte wBase = ref MemoryMarshal.GetReference(weights);
        for (int r = 0; r < rows; r++)
        {
            var row = x.Slice(r * rowStride);
            for (int b = 0; b < w.Blocks; b++)
            {
                Vector128<int> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
                for (int g = 0; g < w.Groups; g++)
                {
                    uint bytes = BinaryPrimitives.ReadUInt32LittleEndian(row.Slice(4 * g)) ^ xor;
                    var xv = Vector128.WidenLower(Vector128.Create(bytes).AsSByte());   // x0..x3, x0..x3 as int16
                    nuint at = (nuint)((b * w.Groups + g) * 32);
                    var wLo = Vector128.LoadUnsafe(ref wBase, at);
                    var wHi = Vector128.LoadUnsafe(ref wBase, at + 16);
                    var p0 = Vector128.WidenLower(wLo) * xv;   // channels 0, 1
                    var p1 = Vector128.WidenUpper(wLo) * xv;   // channels 2, 3
                    var p2 = Vector128.WidenLower(wHi) * xv;   // channels 4, 5
                    var p3 = Vector128.WidenUpper(wHi) * xv;   // channels 6, 7
                    a0 += Vector128.WidenLower(p0); a1 += Vector128.WidenUpper(p0);
                    a2 += Vector128.WidenLower(p1); a3 += Vector128.WidenUpper(p1);
                    a4 += Vector128.WidenLower(p2); a5 += Vector128.WidenUpper(p2);
                    a6 += Vector128.WidenLower(p3); a7 += Vector128.WidenUpper(p3);
                }
                var o = dot.Slice(r * width + b * PackedGemm.BlockChannels, PackedGemm.BlockChannels);
                o[0] = Vector128.Sum(a0); o[1] = Vector128.Sum(a1); o[2] = Vector128.Sum(a2); o[3] = Vector128.Sum(a3);
                o[4] = Vector128.Sum(a4); o[5] = Vector128.Sum(a5); o[6] = Vector128.Sum(a6); o[7] = Vector128.Sum(a7);
            }
        }
    }
}
#endif
