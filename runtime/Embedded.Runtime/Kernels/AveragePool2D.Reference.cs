using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

/// <summary>Windowed average pooling kernels.</summary>
public static partial class AveragePool2D
{
    /// <summary>
    /// TFLite semantics: input and output share quantization, raw values are averaged over the valid
    /// (unpadded) cells and divided rounding half away from zero, then clamped.
    /// </summary>
    public static void Reference(QuantizedInput input, QuantizedOutput output, Pool2DParams p)
    {
        int batches = input.Shape[0], inH = input.Shape[1], inW = input.Shape[2], channels = input.Shape[3];
        int outH = output.Shape[1], outW = output.Shape[2];
        for (int n = 0; n < batches; n++)
        for (int oy = 0; oy < outH; oy++)
        for (int ox = 0; ox < outW; ox++)
        for (int c = 0; c < channels; c++)
        {
            long sum = 0;
            int count = 0;
            for (int ky = 0; ky < p.FilterH; ky++)
            {
                int iy = oy * p.StrideH - p.Padding.Top + ky;
                if (iy < 0 || iy >= inH) continue;
                for (int kx = 0; kx < p.FilterW; kx++)
                {
                    int ix = ox * p.StrideW - p.Padding.Left + kx;
                    if (ix < 0 || ix >= inW) continue;
                    sum += input[((n * inH + iy) * inW + ix) * channels + c];
                    count++;
                }
            }
            long average = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
            output.Store(((n * outH + oy) * outW + ox) * channels + c, PerChannel.Clamp(average, PerChannel.Pick(p.ClampMin, c), PerChannel.Pick(p.ClampMax, c)));
        }
    }
}
