using System;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

/// <summary>Fully connected kernels.</summary>
public static partial class FullyConnected
{
    /// <summary>Input viewed as rows of K = weights.Shape[1]; out[r, o] = stage(bias[o] + Σ_k (x − zp_x)(w[o,k] − zp_w[o])).</summary>
    public static void Reference(QuantizedInput input, QuantizedInput weights, ReadOnlySpan<int> bias, QuantizedOutput output, FullyConnectedParams p)
    {
        int outC = weights.Shape[0], depth = weights.Shape[1];
        int rows = input.Bytes.Length / input.Type.SizeInBytes() / depth;
        int inChannels = input.Channels;
        for (int r = 0; r < rows; r++)
        for (int o = 0; o < outC; o++)
        {
            int wZero = weights.ZeroPoint(o);
            long acc = bias.IsEmpty ? 0 : bias[o];
            for (int k = 0; k < depth; k++)
            {
                int x = input[r * depth + k] - input.ZeroPoint(k % inChannels);
                int w = weights[o * depth + k] - wZero;
                acc += (long)x * w;
            }
            output.Store(r * outC + o, OutputStageMath.Apply(p.Output, o, acc, input.IsWide, output.ZeroPoint(o)));
        }
    }
}
