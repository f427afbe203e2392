using System;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

/// <summary>Conv2D kernels. The reference is the oracle every fast path is tested against.</summary>
public static partial class Conv2D
{
    /// <summary>
    /// NHWC input, OHWI weights [Cout, KH, KW, Cin/groups], any stride, dilation, asymmetric padding and groups.
    /// Padded cells contribute the real value 0. acc = bias + Σ (x − zp_x[ci])·(w − zp_w[co]).
    /// </summary>
    public static void Reference(QuantizedInput input, QuantizedInput weights, ReadOnlySpan<int> bias, QuantizedOutput output, Conv2DParams p)
    {
        int batches = input.Shape[0], inH = input.Shape[1], inW = input.Shape[2], inC = input.Shape[3];
        int outH = output.Shape[1], outW = output.Shape[2], outC = output.Shape[3];
        int kH = weights.Shape[1], kW = weights.Shape[2], groupInC = weights.Shape[3];
        int groupOutC = outC / p.Groups;
        for (int n = 0; n < batches; n++)
        for (int oy = 0; oy < outH; oy++)
        for (int ox = 0; ox < outW; ox++)
        for (int oc = 0; oc < outC; oc++)
        {
            int firstInC = oc / groupOutC * groupInC;
            int wZero = weights.ZeroPoint(oc);
            long acc = bias.IsEmpty ? 0 : bias[oc];
            for (int ky = 0; ky < kH; ky++)
            {
                int iy = oy * p.StrideH - p.Padding.Top + ky * p.DilationH;
                if (iy < 0 || iy >= inH) continue;
                for (int kx = 0; kx < kW; kx++)
                {
                    int ix = ox * p.StrideW - p.Padding.Left + kx * p.DilationW;
                    if (ix < 0 || ix >= inW) continue;
                    for (int ic = 0; ic < groupInC; ic++)
                    {
                        int c = firstInC + ic;
                        int x = input[((n * inH + iy) * inW + ix) * inC + c] - input.ZeroPoint(c);
                        int w = weights[((oc * kH + ky) * kW + kx) * groupInC + ic] - wZero;
                        acc += (long)x * w;
                    }
                }
            }
            int outIndex = ((n * outH + oy) * outW + ox) * outC + oc;
            output.Store(outIndex, OutputStageMath.Apply(p.Output, oc, acc, input.IsWide, output.ZeroPoint(oc)));
        }
    }
}
