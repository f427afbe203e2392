using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Embedded.Runtime.Model;
#if NET
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
#endif

namespace Embedded.Runtime.Kernels;

internal static partial class Im2Col
{
    /// <summary>
    /// 8-bit im2col for <see cref="Conv2D.Fast"/> that also gives each row's Σx_s (x_s = x ^ <paramref name="inputXor"/>
    /// as a signed byte) when <paramref name="sums"/> is not empty. Where kernel rows are 8 to 16 bytes (an RGB stem's
    /// 3×3 rows are 9), the pixels of an output row whose windows lie inside the image go through
    /// <see cref="InsideShortRuns"/>; every other pixel goes as <see cref="Unroll{T}"/> does.
    /// </summary>
    public static void UnrollBytes(ReadOnlySpan<byte> input, ReadOnlySpan<int> inShape, ReadOnlySpan<byte> padding, Conv2DParams p, int kH, int kW,
        int outH, int outW, int first, int rows, int rowLength, int depth, byte inputXor, Span<byte> target, Span<int> sums)
    {
        int inH = inShape[1], inW = inShape[2], inC = inShape[3];
        int run = kW * inC;
        bool withSums = !sums.IsEmpty;
        if ((long)rows * rowLength > target.Length || (withSums && sums.Length < rows) || depth > rowLength) throw new ArgumentException("im2col rows exceed the scratch.", nameof(target));
        bool shortRuns = p.DilationW == 1 && run is >= 8 and <= 16 && depth == kH * run && ShortRunsAccelerated;
        int n = first / (outH * outW), oy = first / outW % outH, ox = first % outW;
        for (int r = 0; r < rows;)
        {
            if (ox == outW)
            {
                ox = 0;
                if (++oy == outH) { oy = 0; n++; }
            }
            int y0 = oy * p.StrideH - p.Padding.Top;
            int count = 0;
            if (shortRuns && y0 >= 0 && y0 + (kH - 1) * p.DilationH < inH)
            {
                // Consecutive pixels of this output row whose windows are inside horizontally, and whose 16-byte moves
                // stay inside the input and the scratch.
                int limit = Math.Min(outW - ox, rows - r);
                while (count < limit)
                {
                    int x0 = (ox + count) * p.StrideW - p.Padding.Left;
                    if (x0 < 0 || x0 + kW > inW) break;
                    long lastRead = ((long)(n * inH + y0 + (kH - 1) * p.DilationH) * inW + x0) * inC + 16;
                    long lastWrite = (long)(r + count) * rowLength + (kH - 1) * run + 16;
                    if (lastRead > input.Length || lastWrite > target.Length) break;
                    count++;
                }
            }
            if (count > 0)
            {
                int x0 = ox * p.StrideW - p.Padding.Left;
                InsideShortRuns(input, ((n * inH + y0) * inW + x0) * inC, p.StrideW * inC, inW * inC * p.DilationH, kH, run, target.Slice(r * rowLength), rowLength, count,
                    withSums ? sums.Slice(r, count) : default, inputXor);
                r += count;
                ox += count;
                continue;
            }
            var row = target.Slice(r * rowLength, rowLength);
            Unroll(input, inShape, padding, p, kH, kW, outH, outW, first + r, 1, rowLength, row);
            if (withSums) sums[r] = Gemm.InputSum(row, depth, inputXor);
            r++;
            ox++;
        }
    }

#if NET
    private static bool ShortRunsAccelerated => Sse2.IsSupported || AdvSimd.Arm64.IsSupported;

    /// <summary>
    /// <paramref name="count"/> pixels whose windows lie inside the image, each kernel row moved as 16 bytes whose extra
    /// bytes land where the next run or row is written next, or in the row's tail past K, which the packed weights
    /// (zero there) and the sums ignore: these rows' tails are not cleared. Each row's Σx_s comes from the same
    /// registers, masked to the run: PSADBW on x86, UADALP on ARM. The caller checked every read and write is inside.
    /// </summary>
    private static void InsideShortRuns(ReadOnlySpan<byte> input, int start, int pixelStep, int kernelRowStep, int kH, int run, Span<byte> target, int rowLength, int count,
        Span<int> sums, byte inputXor)
    {
        ref byte source = ref Unsafe.Add(ref MemoryMarshal.GetReference(input), start);
        ref byte rows = ref MemoryMarshal.GetReference(target);
        var flip = Vector128.Create((byte)(inputXor ^ 0x80));
        var inRun = Vector128.LessThan(Vector128.Create((byte)0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), Vector128.Create((byte)run));
        int offset = 128 * kH * run;   // unsigned x ^ xor ^ 0x80 = x_s + 128 over the K bytes of a row
        bool withSums = !sums.IsEmpty;
        for (int i = 0; i < count; i++)
        {
            ref byte pixel = ref Unsafe.Add(ref source, (nint)i * pixelStep);
            ref byte row = ref Unsafe.Add(ref rows, (nint)i * rowLength);
            Vector128<ulong> wide = default;
            Vector128<ushort> pairs = default;
            for (int ky = 0; ky < kH; ky++)
            {
                var bytes = Vector128.LoadUnsafe(ref pixel, (nuint)(ky * kernelRowStep));
                bytes.StoreUnsafe(ref row, (nuint)(ky * run));
                if (!withSums) continue;
                var unsigned = (bytes ^ flip) & inRun;
                if (Sse2.IsSupported) wide += Sse2.SumAbsoluteDifferences(unsigned, Vector128<byte>.Zero).AsUInt64();
                else pairs = AdvSimd.AddPairwiseWideningAndAdd(pairs, unsigned);
            }
            if (withSums)
                sums[i] = (Sse2.IsSupported ? (int)(wide.GetElement(0) + wide.GetElement(1)) : (int)AdvSimd.Arm64.AddAcrossWidening(pairs).ToScalar()) - offset;
        }
    }
#else
    private static bool ShortRunsAccelerated => false;

    private static void InsideShortRuns(ReadOnlySpan<byte> input, int start, int pixelStep, int kernelRowStep, int kH, int run, Span<byte> target, int rowLength, int count,
        Span<int> sums, byte inputXor) => throw new PlatformNotSupportedException();
#endif
}
