using System;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

/// <summary>Depthwise convolution kernels.</summary>
public static partial class DepthwiseConv2D
{
    /// <summary>
    /// NHWC input [N,H,W,Cin], weights [1,KH,KW,Cin·multiplier]; output channel oc reads input channel
    /// oc / multiplier. Per-channel input zero points and output stages come for free here.
    /// </summary>
    public static void Reference(QuantizedInput input, QuantizedInput weights, ReadOnlySpan<int> bias, QuantizedOutput output, DepthwiseConv2DParams p)
    {
        int batches = input.Shape[0], inH = input.Shape[1], inW = input.Shape[2], inC = input.Shape[3];
        int outH = output.Shape[1], outW = output.Shape[2], outC = output.Shape[3];
        int kH = weights.Shape[1], kW = weights.Shape[2];
        for (int n = 0; n < batches; n++)
        for (int oy = 0; oy < outH; oy++)
        for (int ox = 0; ox < outW; ox++)
        for (int oc = 0; oc < outC; oc++)
        {
            int ic = oc / p.DepthMultiplier;
            int xZero = input.ZeroPoint(ic), wZero = weights.ZeroPoint(oc);
            long acc = bias.IsEmpty ? 0 : bias[oc];
            for (int ky = 0; ky < kH; ky++)
            {
                int iy = oy * p.StrideH - p.Padding.Top + ky * p.DilationH;
                if (iy < 0 || iy >= inH) continue;
                for (int kx = 0; kx < kW; kx++)
                {
                    int ix = ox * p.StrideW - p.Padding.Left + kx * p.DilationW;
                    if (ix < 0 || ix >= inW) continue;
                    int x = input[((n * inH + iy) * inW + ix) * inC + ic] - xZero;
                    int w = weights[(ky * kW + kx) * outC + oc] - wZero;
                    acc += (long)x * w;
                }
            }
            int outIndex = ((n * outH + oy) * outW + ox) * outC + oc;
            output.Store(outIndex, OutputStageMath.Apply(p.Output, oc, acc, input.IsWide, output.ZeroPoint(oc)));
        }
    }
}
