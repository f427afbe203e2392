using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

/// <summary>Max pooling kernels.</summary>
public static partial class MaxPool2D
{
    /// <summary>Maximum of the raw values over the valid cells of each window (shared quantization), clamped.</summary>
    public static void Reference(QuantizedInput input, QuantizedOutput output, Pool2DParams p)
    {
        int batches = input.Shape[0], inH = input.Shape[1], inW = input.Shape[2], channels = input.Shape[3];
        int outH = output.Shape[1], outW = output.Shape[2];
        for (int n = 0; n < batches; n++)
        for (int oy = 0; oy < outH; oy++)
        for (int ox = 0; ox < outW; ox++)
        for (int c = 0; c < channels; c++)
        {
            int max = int.MinValue;
            for (int ky = 0; ky < p.FilterH; ky++)
            {
                int iy = oy * p.StrideH - p.Padding.Top + ky;
                if (iy < 0 || iy >= inH) continue;
                for (int kx = 0; kx < p.FilterW; kx++)
                {
                    int ix = ox * p.StrideW - p.Padding.Left + kx;
                    if (ix < 0 || ix >= inW) continue;
                    int x = input[((n * inH + iy) * inW + ix) * channels + c];
                    if (x > max) max = x;
                }
            }
            output.Store(((n * outH + oy) * outW + ox) * channels + c, PerChannel.Clamp(max, PerChannel.Pick(p.ClampMin, c), PerChannel.Pick(p.ClampMax, c)));
        }
    }
}
