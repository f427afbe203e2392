using System;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

/// <summary>Softmax kernels.</summary>
public static partial class Softmax
{
    /// <summary>
    /// Per row of the last axis: e = table[max − x], p = e / Σe (IEEE double, deterministic everywhere);
    /// float output stores p, quantized output stores zp + round(p / s_out) saturated.
    /// </summary>
    public static void Reference(QuantizedInput input, Span<byte> output, ElementType outputType, float outputScale, int outputZeroPoint, SoftmaxParams p)
    {
        int depth = input.Channels;
        int rows = input.Bytes.Length / depth;
        Span<float> floats = outputType == ElementType.Float32 ? Elements.AsFloats(output) : Span<float>.Empty;
        for (int r = 0; r < rows; r++)
        {
            int max = int.MinValue;
            for (int i = 0; i < depth; i++) max = Math.Max(max, input[r * depth + i]);
            long sum = 0;
            for (int i = 0; i < depth; i++) sum += p.ExpTable[max - input[r * depth + i]];
            for (int i = 0; i < depth; i++)
            {
                double probability = (double)p.ExpTable[max - input[r * depth + i]] / sum;
                if (outputType == ElementType.Float32)
                {
                    floats[r * depth + i] = (float)probability;
                }
                else
                {
                    double q = Math.Round(probability / outputScale, MidpointRounding.AwayFromZero) + outputZeroPoint;
                    q = Math.Max(outputType.MinValue(), Math.Min(outputType.MaxValue(), q));
                    Elements.Store(output, outputType, r * depth + i, (int)q);
                }
            }
        }
    }
}
