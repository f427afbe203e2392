using System;
#if NET
using System.Runtime.Intrinsics;
#endif
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

public static partial class Resize
{
    /// <summary>Scratch ints the fast bilinear path needs: two horizontally interpolated output rows.</summary>
    public static int ScratchInts(TensorDefinition output) => output.Rank == 4 ? 2 * output.Shape[2] * output.Shape[3] : 0;

    /// <summary>
    /// Resize off the reference path, 8-bit tensors only (false otherwise): nearest as pixel copies; integer bilinear
    /// separably — each source row interpolated across once into <paramref name="rows"/> (Q10, the same sums as the
    /// reference's four products), then every output row from two of them on 128-bit vectors; TFLite's float bilinear
    /// with the per-cell weights in scalar and the channels on float vectors (same operations in the same order, no FMA).
    /// </summary>
    public static bool TryFast(KernelPath path, QuantizedInput input, QuantizedOutput output, ResizeParams p, Span<int> rows)
    {
#if NET
        if (path == KernelPath.Reference || !Vector128.IsHardwareAccelerated || input.Type == ElementType.Int16) return false;
        switch (p.Mode)
        {
            case ResizeMode.Nearest:
                Nearest(input, output, p);
                return true;
            case ResizeMode.BilinearInteger:
                foreach (int w in p.RowWeights) if ((uint)w > ResizeParams.WeightOne) return false;
                foreach (int w in p.ColumnWeights) if ((uint)w > ResizeParams.WeightOne) return false;
                if (rows.Length < 2 * output.Shape[2] * output.Shape[3]) return false;
                Integer(input, output, p, rows);
                return true;
            case ResizeMode.BilinearFloat when input.Type == ElementType.UInt8:
                FloatUInt8(input, output, p);
                return true;
        }
#endif
        return false;
    }

#if NET
    private static void Nearest(QuantizedInput input, QuantizedOutput output, ResizeParams p)
    {
        int batches = input.Shape[0], inH = input.Shape[1], inW = input.Shape[2], channels = input.Shape[3];
        int outH = output.Shape[1], outW = output.Shape[2];
        for (int b = 0; b < batches; b++)
        for (int oy = 0; oy < outH; oy++)
        {
            int row = (b * inH + p.RowLower[oy]) * inW;
            for (int ox = 0; ox < outW; ox++)
                input.Bytes.Slice((row + p.ColumnLower[ox]) * channels, channels).CopyTo(output.Bytes.Slice(((b * outH + oy) * outW + ox) * channels, channels));
        }
    }

    private static void Integer(QuantizedInput input, QuantizedOutput output, ResizeParams p, Span<int> rows)
    {
        int batches = input.Shape[0], inH = input.Shape[1], inW = input.Shape[2], channels = input.Shape[3];
        int outH = output.Shape[1], outW = output.Shape[2], length = outW * channels;
        bool signed = input.Type == ElementType.Int8;
        // Two row buffers and the source row each holds (−1: none); consecutive output rows mostly reuse both.
        Span<int> held = stackalloc int[] { -1, -1 };
        for (int b = 0; b < batches; b++)
        {
            held[0] = held[1] = -1;
            for (int oy = 0; oy < outH; oy++)
            {
                int y0 = b * inH + p.RowLower[oy], y1 = b * inH + p.RowUpper[oy];
                int top = Buffer(y0, held[1] == y1 ? 1 : held[0] == y1 ? 0 : -1, held);
                int bottom = y1 == y0 ? top : Buffer(y1, top, held);
                if (held[top] != y0) { Across(input, y0, inW, channels, p, rows.Slice(top * length, length), signed); held[top] = y0; }
                if (held[bottom] != y1) { Across(input, y1, inW, channels, p, rows.Slice(bottom * length, length), signed); held[bottom] = y1; }
                Down(rows.Slice(top * length, length), rows.Slice(bottom * length, length), p.RowWeights[oy], output.Bytes.Slice((b * outH + oy) * length, length), signed);
            }
        }
    }

    /// <summary>The buffer that holds source row <paramref name="row"/>, else one to fill that is not <paramref name="keep"/>.</summary>
    private static int Buffer(int row, int keep, Span<int> held) =>
        held[0] == row ? 0 : held[1] == row ? 1 : keep == 0 ? 1 : 0;

    /// <summary>One source row interpolated across to the output width, in 1/1024 (Q10).</summary>
    private static void Across(QuantizedInput input, int row, int inW, int channels, ResizeParams p, Span<int> target, bool signed)
    {
        var source = input.Bytes.Slice(row * inW * channels, inW * channels);
        for (int ox = 0; ox < p.ColumnLower.Length; ox++)
        {
            int left = p.ColumnLower[ox] * channels, right = p.ColumnUpper[ox] * channels, wx = p.ColumnWeights[ox], wl = ResizeParams.WeightOne - wx;
            var t = target.Slice(ox * channels, channels);
            if (signed) for (int c = 0; c < channels; c++) t[c] = (sbyte)source[left + c] * wl + (sbyte)source[right + c] * wx;
            else for (int c = 0; c < channels; c++) t[c] = source[left + c] * wl + source[right + c] * wx;
        }
    }

    /// <summary>An output row from two across-interpolated rows: Σ in 1/2^20, rounded half away from zero, 16 values a step.</summary>
    private static void Down(ReadOnlySpan<int> top, ReadOnlySpan<int> bottom, int wy, Span<byte> output, bool signed)
    {
        int wt = ResizeParams.WeightOne - wy, i = 0;
        var vt = Vector128.Create(wt);
        var vb = Vector128.Create(wy);
        for (; i + 16 <= output.Length; i += 16)
        {
            var q0 = Round(Vector128.Create(top.Slice(i, 4)) * vt + Vector128.Create(bottom.Slice(i, 4)) * vb);
            var q1 = Round(Vector128.Create(top.Slice(i + 4, 4)) * vt + Vector128.Create(bottom.Slice(i + 4, 4)) * vb);
            var q2 = Round(Vector128.Create(top.Slice(i + 8, 4)) * vt + Vector128.Create(bottom.Slice(i + 8, 4)) * vb);
            var q3 = Round(Vector128.Create(top.Slice(i + 12, 4)) * vt + Vector128.Create(bottom.Slice(i + 12, 4)) * vb);
            // Inside the type's range already (weights in [0, 1]); narrowing only drops the upper bytes.
            Vector128.Narrow(Vector128.Narrow(q0, q1), Vector128.Narrow(q2, q3)).AsByte().CopyTo(output.Slice(i, 16));
        }
        for (; i < output.Length; i++)
        {
            long sum = (long)top[i] * wt + (long)bottom[i] * wy;
            int value = (int)((sum + (sum > 0 ? 1L << 19 : -(1L << 19))) / (1L << 20));
            output[i] = signed ? (byte)(sbyte)value : (byte)value;
        }
    }

    /// <summary>(v ± 2^19) / 2^20 truncated toward zero: TFLite's round half away from zero.</summary>
    private static Vector128<int> Round(Vector128<int> v)
    {
        var notPositive = ~Vector128.GreaterThan(v, Vector128<int>.Zero);
        var r = v + Vector128.ConditionalSelect(notPositive, Vector128.Create(-(1 << 19)), Vector128.Create(1 << 19));
        // Arithmetic shift rounds toward −∞; adding 2^20 − 1 first to negative values truncates toward zero.
        var rNegative = Vector128.GreaterThan(Vector128<int>.Zero, r);
        return Vector128.ShiftRightArithmetic(r + (rNegative & Vector128.Create((1 << 20) - 1)), 20);
    }

    private static void FloatUInt8(QuantizedInput input, QuantizedOutput output, ResizeParams p)
    {
        int batches = input.Shape[0], inH = input.Shape[1], inW = input.Shape[2], channels = input.Shape[3];
        int outH = output.Shape[1], outW = output.Shape[2];
        var src = input.Bytes;
        var dst = output.Bytes;
        for (int b = 0; b < batches; b++)
        for (int oy = 0; oy < outH; oy++)
        {
            int top = (b * inH + p.RowLower[oy]) * inW, bottom = (b * inH + p.RowUpper[oy]) * inW;
            float fy = p.RowFractions[oy];
            for (int ox = 0; ox < outW; ox++)
            {
                float fx = p.ColumnFractions[ox];
                float s0 = (1 - fy) * (1 - fx), s1 = (1 - fy) * fx, s2 = fy * (1 - fx), s3 = fy * fx;
                int tl = (top + p.ColumnLower[ox]) * channels, tr = (top + p.ColumnUpper[ox]) * channels;
                int bl = (bottom + p.ColumnLower[ox]) * channels, br = (bottom + p.ColumnUpper[ox]) * channels;
                int at = ((b * outH + oy) * outW + ox) * channels, c = 0;
                var v0 = Vector128.Create(s0); var v1 = Vector128.Create(s1); var v2 = Vector128.Create(s2); var v3 = Vector128.Create(s3);
                var half = Vector128.Create(0.5f);
                for (; c + 4 <= channels; c += 4)
                {
                    var sum = Widen(src, tl + c) * v0 + Widen(src, tr + c) * v1;
                    sum = sum + Widen(src, bl + c) * v2;
                    sum = sum + Widen(src, br + c) * v3;
                    var q = Vector128.ConvertToInt32(sum + half);
                    dst[at + c] = (byte)q.GetElement(0); dst[at + c + 1] = (byte)q.GetElement(1);
                    dst[at + c + 2] = (byte)q.GetElement(2); dst[at + c + 3] = (byte)q.GetElement(3);
                }
                for (; c < channels; c++)
                    dst[at + c] = (byte)Math.Min(255, Math.Max(0, Float(src[tl + c], src[tr + c], src[bl + c], src[br + c], fy, fx)));
            }
        }
    }

    private static Vector128<float> Widen(ReadOnlySpan<byte> bytes, int at) =>
        Vector128.Create((float)bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
#endif
}
