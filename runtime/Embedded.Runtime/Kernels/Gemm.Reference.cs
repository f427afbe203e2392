using System;
using Embedded.Runtime.Model;
#if NET
using System.Runtime.Intrinsics;
#endif

namespace Embedded.Runtime.Kernels;

/// <summary>
/// The int8 GEMM core of the fast Conv2D / FullyConnected paths: dot[r, o] = Σ_k x_t[r, k]·w_s[o, k] over packed
/// weights (<see cref="PackedGemm"/>), where x_t is the input byte transformed the way the path needs it. Each
/// path lives in its own file; the finishing step (constants, input sums, output stage) is shared.
/// </summary>
public static partial class Gemm
{
    /// <summary>
    /// Rows of <paramref name="x"/> (stride <paramref name="rowStride"/> bytes, each at least Groups·4 bytes readable)
    /// times the packed weights; dot products into <paramref name="dot"/> [rows, Blocks·8]. Returns whether the VNNI
    /// form (input + 128) was used, which selects <see cref="PackedGemm.VnniConstants"/>.
    /// </summary>
    public static bool Dot(KernelPath path, ReadOnlySpan<byte> x, int rowStride, int rows, PackedGemm w, Span<int> dot)
    {
#if NET
        if (path.UsesAvx2())
        {
            if (KernelPaths.HasVnni) { DotAvxVnni(x, rowStride, rows, w, dot); return true; }
            if (!w.HasMinus128) { DotAvx2(x, rowStride, rows, w, dot); return false; }
        }
        if (path.UsesDot())
        {
            DotArmDp(x, rowStride, rows, w, dot);
            return false;
        }
        if (path.UsesNeon())
        {
            DotNeon(x, rowStride, rows, w, dot);
            return false;
        }
        if (path != KernelPath.Reference && System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated)
        {
            DotVector128(x, rowStride, rows, w, dot);
            return false;
        }
#endif
        DotScalar(x, rowStride, rows, w, dot);
        return false;
    }

    /// <summary>
    /// <see cref="Dot"/> then <see cref="Finish"/> for rows [firstRow, firstRow + rows): on x86 with VNNI and a vector
    /// stage the two run fused in registers, elsewhere through the scratch dot products.
    /// </summary>
    public static void DotFinish(KernelPath path, ReadOnlySpan<byte> x, int rowStride, int rows, int firstRow, PackedGemm w, KernelScratch scratch, OutputStage stage, VectorOutputStage? vectorStage, QuantizedOutput output)
    {
#if NET
        if (vectorStage is not null && path.UsesAvx2())
        {
            Span<int> values = stackalloc int[PackedGemm.BlockChannels];
            if (path.UsesAvx512() ? TryDotFinishAvx512(x, rowStride, rows, firstRow, w, scratch.InputSums, vectorStage, output)
                : TryDotFinishAvxVnni(x, rowStride, rows, firstRow, w, scratch.InputSums, vectorStage, output, values)) return;
        }
        if (vectorStage is not null && vectorStage.NeonReady && path.UsesNeon() && output.Type is ElementType.Int8 or ElementType.UInt8 or ElementType.Int16)
        {
            if (w.NeedsInputSums && rows > scratch.InputSums.Length) throw new ArgumentException("GEMM rows exceed the scratch input sums.", nameof(rows));
            DotFinishNeon(path, x, rowStride, rows, firstRow, w, w.NeedsInputSums ? scratch.InputSums : default, vectorStage, output);
            return;
        }
#endif
        if (w.NeedsInputSums && rows > scratch.InputSums.Length) throw new ArgumentException("GEMM rows exceed the scratch input sums.", nameof(rows));
        // The scratch dot products hold ChunkRows rows: longer calls (in-place 1×1 tiles) go a chunk at a time.
        for (int r0 = 0; r0 < rows; r0 += KernelScratch.ChunkRows)
        {
            int count = Math.Min(KernelScratch.ChunkRows, rows - r0);
            bool vnni = Dot(path, x.Slice(r0 * rowStride), rowStride, count, w, scratch.Dots);
            Finish(path, scratch.Dots, vnni, w.NeedsInputSums ? scratch.InputSums : default, count, firstRow + r0, w, stage, vectorStage, output);
        }
    }

    /// <summary>The plain loop over the packed layout (used where no SIMD is available, e.g. netstandard).</summary>
    internal static void DotScalar(ReadOnlySpan<byte> x, int rowStride, int rows, PackedGemm w, Span<int> dot)
    {
        int width = w.Blocks * PackedGemm.BlockChannels;
        for (int r = 0; r < rows; r++)
        for (int b = 0; b < w.Blocks; b++)
        for (int j = 0; j < PackedGemm.BlockChannels; j++)
        {
            int sum = 0;
            for (int g = 0; g < w.Groups; g++)
            for (int i = 0; i < 4; i++)
            {
                int k = g * 4 + i;
                int xs = k < w.Depth ? (sbyte)(x[r * rowStride + k] ^ w.InputXor) : 0;
                sum += xs * w.Weights[((b * w.Groups + g) * PackedGemm.BlockChannels + j) * 4 + i];
            }
            dot[r * width + b * PackedGemm.BlockChannels + j] = sum;
        }
    }

    /// <summary>Σ_k x_s over one row (for weights with zero points other than their type's offset).</summary>
    public static int InputSum(ReadOnlySpan<byte> row, int depth, byte inputXor)
    {
        if (row.Length < depth) throw new ArgumentException("GEMM row is shorter than the depth.", nameof(row));
        int sum = 0, k = 0;
#if NET
        // Σ (sbyte)(x ^ xor) = Σ (x ^ xor ^ 0x80) − 128·n over unsigned bytes, sixteen at a time: PSADBW against zero
        // on x86, UADDLV on ARM (each sum of sixteen bytes is at most 4080, exact in any lane).
        if (depth >= 16 && (System.Runtime.Intrinsics.X86.Sse2.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.Arm64.IsSupported))
        {
            var flip = System.Runtime.Intrinsics.Vector128.Create((byte)(inputXor ^ 0x80));
            ref byte x = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(row);
            uint unsigned = 0;
            for (; k + 16 <= depth; k += 16)
            {
                var u = System.Runtime.Intrinsics.Vector128.LoadUnsafe(ref x, (nuint)k) ^ flip;
                if (System.Runtime.Intrinsics.X86.Sse2.IsSupported)
                {
                    var pairs = System.Runtime.Intrinsics.X86.Sse2.SumAbsoluteDifferences(u, System.Runtime.Intrinsics.Vector128<byte>.Zero);
                    unsigned += (uint)(pairs.GetElement(0) + pairs.GetElement(4));
                }
                else unsigned += System.Runtime.Intrinsics.Arm.AdvSimd.Arm64.AddAcrossWidening(u).ToScalar();
            }
            if (k + 8 <= depth && System.Runtime.Intrinsics.X86.Sse2.IsSupported)
            {
                // Eight more bytes in the low half (the upper half stays zero: flipped, it would add 8·0x80 per byte).
                var u = Vector128.CreateScalar(System.Runtime.CompilerServices.Unsafe.ReadUnaligned<ulong>(ref System.Runtime.CompilerServices.Unsafe.Add(ref x, k))).AsByte()
                    ^ Vector128.CreateScalar(0x0101010101010101UL * (byte)(inputXor ^ 0x80)).AsByte();
                unsigned += System.Runtime.Intrinsics.X86.Sse2.SumAbsoluteDifferences(u, Vector128<byte>.Zero).GetElement(0);
                k += 8;
            }
            sum = (int)unsigned - 128 * k;
        }
#endif
        for (; k < depth; k++) sum += (sbyte)(row[k] ^ inputXor);
        return sum;
    }
}
