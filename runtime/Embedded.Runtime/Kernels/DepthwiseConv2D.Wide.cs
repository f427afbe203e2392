using System;
using System.Runtime.InteropServices;
using Embedded.Runtime.Model;
#if NET
using System.Runtime.Intrinsics;
#endif

namespace Embedded.Runtime.Kernels;

public static partial class DepthwiseConv2D
{
    /// <summary>Kernels with more taps than this take the tap-by-tap loop (their tap lists would not fit the stack).</summary>
    private const int MaxBlockedTaps = 64;

    /// <summary>
    /// Depthwise convolution of a 16-bit input (<see cref="PackedDepthwise16"/>): a chunk of output pixels at a time,
    /// each pixel's int32 sums channel block by channel block with the block's accumulators in registers over every
    /// valid tap (sixteen channels a step on 256-bit vectors, eight on 128-bit, then one by one; the input widened as it
    /// loads), then the path's output stage over the chunk (<see cref="WideFinish"/>). Parts split the output pixels of
    /// the whole batch.
    /// </summary>
    public static void Wide(KernelPath path, QuantizedInput input, QuantizedOutput output, DepthwiseConv2DParams p, PackedDepthwise16 w, KernelScratch scratch,
        VectorOutputStage? vectorStage, int part = 0, int parts = 1, int partEnd = -1)
    {
        int inH = input.Shape[1], inW = input.Shape[2], channels = w.Channels;
        int outH = output.Shape[1], outW = output.Shape[2];
        int width = w.Width, taps = w.KernelH * w.KernelW;
        var x = MemoryMarshal.Cast<byte, short>(input.Bytes);
        var sums = scratch.Dots.AsSpan();
        int chunk = Math.Max(1, Math.Min(KernelScratch.ChunkRows, sums.Length / width));
        Span<int> inputAt = stackalloc int[MaxBlockedTaps];
        Span<int> weightAt = stackalloc int[MaxBlockedTaps];
        var (begin, end) = PartRange.Of(input.Shape[0] * outH * outW, part, parts, partEnd);
        for (int first = begin; first < end; first += chunk)
        {
            int count = Math.Min(chunk, end - first);
            for (int r = 0; r < count; r++)
            {
                int pixel = first + r, ox = pixel % outW, oy = pixel / outW % outH, n = pixel / (outW * outH);
                var acc = sums.Slice(r * width, width);
                // The taps inside the image: where they read and which weights they take (padded cells add 0).
                int valid = 0;
                if (taps > MaxBlockedTaps) acc.Clear();
                for (int ky = 0; ky < w.KernelH; ky++)
                {
                    int iy = oy * p.StrideH - p.Padding.Top + ky * p.DilationH;
                    if (iy < 0 || iy >= inH) continue;
                    for (int kx = 0; kx < w.KernelW; kx++)
                    {
                        int ix = ox * p.StrideW - p.Padding.Left + kx * p.DilationW;
                        if (ix < 0 || ix >= inW) continue;
                        int at = ((n * inH + iy) * inW + ix) * channels, tap = (ky * w.KernelW + kx) * width;
                        if (taps > MaxBlockedTaps) WideMultiplyAdd.Into(path, x.Slice(at, channels), w.Weights.AsSpan(tap, width), acc);
                        else { inputAt[valid] = at; weightAt[valid] = tap; valid++; }
                    }
                }
                if (taps <= MaxBlockedTaps) PixelSums(path, x, w.Weights, inputAt.Slice(0, valid), weightAt.Slice(0, valid), channels, acc);
            }
            WideFinish.Rows(path, sums, width, w.Bias, count, first, channels, p.Output, vectorStage, output);
        }
    }

    /// <summary>acc[c] = Σ_t x[inputAt[t] + c]·w[weightAt[t] + c] for c &lt; channels, a block of channels at a time.</summary>
    private static void PixelSums(KernelPath path, ReadOnlySpan<short> x, int[] weights, ReadOnlySpan<int> inputAt, ReadOnlySpan<int> weightAt, int channels, Span<int> acc)
    {
        int c = 0;
#if NET
        if (path != KernelPath.Reference)
        {
            ref short x0 = ref MemoryMarshal.GetReference(x);
            ref int w0 = ref MemoryMarshal.GetArrayDataReference(weights);
            ref int a0 = ref MemoryMarshal.GetReference(acc);
            if (Vector256.IsHardwareAccelerated)
                for (; c + 16 <= channels; c += 16)
                {
                    Vector256<int> lower = default, upper = default;
                    for (int t = 0; t < inputAt.Length; t++)
                    {
                        var (xl, xu) = Vector256.Widen(Vector256.LoadUnsafe(ref x0, (nuint)(inputAt[t] + c)));
                        lower += xl * Vector256.LoadUnsafe(ref w0, (nuint)(weightAt[t] + c));
                        upper += xu * Vector256.LoadUnsafe(ref w0, (nuint)(weightAt[t] + c + 8));
                    }
                    lower.StoreUnsafe(ref a0, (nuint)c);
                    upper.StoreUnsafe(ref a0, (nuint)c + 8);
                }
            if (Vector128.IsHardwareAccelerated)
                for (; c + 8 <= channels; c += 8)
                {
                    Vector128<int> lower = default, upper = default;
                    for (int t = 0; t < inputAt.Length; t++)
                    {
                        var (xl, xu) = Vector128.Widen(Vector128.LoadUnsafe(ref x0, (nuint)(inputAt[t] + c)));
                        lower += xl * Vector128.LoadUnsafe(ref w0, (nuint)(weightAt[t] + c));
                        upper += xu * Vector128.LoadUnsafe(ref w0, (nuint)(weightAt[t] + c + 4));
                    }
                    lower.StoreUnsafe(ref a0, (nuint)c);
                    upper.StoreUnsafe(ref a0, (nuint)c + 4);
                }
        }
#endif
        for (; c < channels; c++)
        {
            int sum = 0;
            for (int t = 0; t < inputAt.Length; t++) sum += x[inputAt[t] + c] * weights[weightAt[t] + c];
            acc[c] = sum;
        }
    }
}
