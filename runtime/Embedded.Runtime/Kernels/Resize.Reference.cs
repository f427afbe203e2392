using System;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

/// <summary>Spatial resize of NHWC tensors from per-row and per-column tap tables (see <see cref="ResizeParams"/>).</summary>
public static partial class Resize
{
    public static void Reference(QuantizedInput input, QuantizedOutput output, ResizeParams p)
    {
        int batches = input.Shape[0], inH = input.Shape[1], inW = input.Shape[2], channels = input.Shape[3];
        int outH = output.Shape[1], outW = output.Shape[2];
        int min = output.Type.MinValue(), max = output.Type.MaxValue();
        for (int b = 0; b < batches; b++)
        for (int oy = 0; oy < outH; oy++)
        {
            int top = (b * inH + p.RowLower[oy]) * inW, bottom = (b * inH + p.RowUpper[oy]) * inW;
            for (int ox = 0; ox < outW; ox++)
            {
                int topLeft = (top + p.ColumnLower[ox]) * channels, topRight = (top + p.ColumnUpper[ox]) * channels;
                int bottomLeft = (bottom + p.ColumnLower[ox]) * channels, bottomRight = (bottom + p.ColumnUpper[ox]) * channels;
                int at = ((b * outH + oy) * outW + ox) * channels;
                for (int c = 0; c < channels; c++)
                {
                    int value = p.Mode switch
                    {
                        ResizeMode.Nearest => input[topLeft + c],
                        ResizeMode.BilinearInteger => Integer(input[topLeft + c], input[topRight + c], input[bottomLeft + c], input[bottomRight + c], p.RowWeights[oy], p.ColumnWeights[ox]),
                        _ => Float(input[topLeft + c], input[topRight + c], input[bottomLeft + c], input[bottomRight + c], p.RowFractions[oy], p.ColumnFractions[ox]),
                    };
                    output.Store(at + c, Math.Min(max, Math.Max(min, value)));
                }
            }
        }
    }

    /// <summary>TFLite ResizeBilinearInteger: four products in 1/2^20, rounded half away from zero.</summary>
    internal static int Integer(int topLeft, int topRight, int bottomLeft, int bottomRight, int wy, int wx)
    {
        const long one = ResizeParams.WeightOne;
        long sum = topLeft * (one - wy) * (one - wx) + topRight * (one - wy) * wx + bottomLeft * wy * (one - wx) + bottomRight * (long)wy * wx;
        long round = sum > 0 ? 1L << 19 : -(1L << 19);
        return (int)((sum + round) / (1L << 20));
    }

    /// <summary>TFLite's uint8 bilinear: float weights and a float sum, in TFLite's order, + 0.5 and truncated.</summary>
    internal static int Float(int topLeft, int topRight, int bottomLeft, int bottomRight, float fy, float fx)
    {
        float s0 = (1 - fy) * (1 - fx), s1 = (1 - fy) * fx, s2 = fy * (1 - fx), s3 = fy * fx;
        float sum = topLeft * s0 + topRight * s1 + bottomLeft * s2 + bottomRight * s3 + 0.5f;
        return sum >= int.MaxValue ? int.MaxValue : sum <= int.MinValue ? int.MinValue : (int)sum;
    }
}
