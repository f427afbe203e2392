using System;

namespace Embedded.Runtime.Tests.Support;

/// <summary>
/// An independent convolution for tests: pads the input explicitly into a real-valued tensor of (x − zp),
/// gathers each receptive field into a vector (im2col) and takes dot products. Shares no index arithmetic
/// with the kernels; the values it returns are exact accumulators.
/// </summary>
internal static class ConvOracle
{
    /// <param name="x">input values, NHWC</param>
    /// <param name="w">weights, OHWI [Cout, KH, KW, Cin/groups]</param>
    public static long[] Accumulators(int[] x, int[] inShape, Func<int, int> inZeroPoint, int[] w, int[] wShape, Func<int, int> wZeroPoint,
        int[]? bias, int strideH, int strideW, int dilationH, int dilationW, int padTop, int padLeft, int padBottom, int padRight, int groups,
        out int outH, out int outW)
    {
        int n = inShape[0], h = inShape[1], wd = inShape[2], cin = inShape[3];
        int cout = wShape[0], kh = wShape[1], kw = wShape[2], groupIn = wShape[3];
        int ph = h + padTop + padBottom, pw = wd + padLeft + padRight;
        var padded = new double[n, ph, pw, cin];
        for (int b = 0; b < n; b++)
        for (int y = 0; y < h; y++)
        for (int xx = 0; xx < wd; xx++)
        for (int c = 0; c < cin; c++)
            padded[b, y + padTop, xx + padLeft, c] = x[((b * h + y) * wd + xx) * cin + c] - inZeroPoint(c);

        outH = (ph - ((kh - 1) * dilationH + 1)) / strideH + 1;
        outW = (pw - ((kw - 1) * dilationW + 1)) / strideW + 1;
        var result = new long[n * outH * outW * cout];
        var patch = new double[kh * kw * groupIn];
        int groupOut = cout / groups;
        for (int b = 0; b < n; b++)
        for (int oy = 0; oy < outH; oy++)
        for (int ox = 0; ox < outW; ox++)
        for (int o = 0; o < cout; o++)
        {
            int g = o / groupOut;
            int k = 0;
            for (int ky = 0; ky < kh; ky++)
            for (int kx = 0; kx < kw; kx++)
            for (int ic = 0; ic < groupIn; ic++)
                patch[k++] = padded[b, oy * strideH + ky * dilationH, ox * strideW + kx * dilationW, g * groupIn + ic];
            double dot = bias?[o] ?? 0;
            for (int i = 0; i < patch.Length; i++)
                dot += patch[i] * (w[o * patch.Length + i] - wZeroPoint(o));
            result[((b * outH + oy) * outW + ox) * cout + o] = (long)dot;
        }
        return result;
    }
}
