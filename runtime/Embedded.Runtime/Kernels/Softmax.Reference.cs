using System;
using Embedded.Runtime.Model;
using Embedded.Runtime.Quantization;

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
        if (p.FloatTable.Length != 0) { TfliteReference(input, output, outputType, outputScale, outputZeroPoint, p.FloatTable); return; }
        if (p.FixedPointExp.Length != 0) { FixedPointReference(input, output, outputType, p.FixedPointExp); return; }
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

    /// <summary>
    /// TFLite's optimized 8-bit softmax: per row, the float table entry of (x − max) summed in order, then
    /// q = round_half_away(e · (1 / (Σe · s_out))) + zp, saturated — all in IEEE float as TFLite computes it.
    /// </summary>
    private static void TfliteReference(QuantizedInput input, Span<byte> output, ElementType outputType, float outputScale, int outputZeroPoint, float[] table)
    {
        int depth = input.Channels;
        int rows = input.Bytes.Length / depth;
        int offset = input.Type == ElementType.Int8 ? 128 : 0;
        for (int r = 0; r < rows; r++)
        {
            int max = int.MinValue;
            for (int i = 0; i < depth; i++) max = Math.Max(max, input[r * depth + i]);
            // table[255 − (max − x)] = exp(−β·s·(max − x)); indices shift by 128 for int8 input.
            int baseIndex = 255 - (max + offset);
            float sum = 0f;
            for (int i = 0; i < depth; i++) sum += table[baseIndex + input[r * depth + i] + offset];
            float inverse = 1.0f / (sum * outputScale);
            for (int i = 0; i < depth; i++)
            {
                float rescaled = table[baseIndex + input[r * depth + i] + offset] * inverse;
                long q = (long)MathF.Round(rescaled, MidpointRounding.AwayFromZero) + outputZeroPoint;
                Elements.Store(output, outputType, r * depth + i, (int)Math.Max(outputType.MinValue(), Math.Min(outputType.MaxValue(), q)));
            }
        }
    }

    /// <summary>
    /// TFLite's reference 8-bit softmax (gemmlowp fixed point, what TFLite Micro runs): per row, Σ of the Q0.31
    /// exponentials rescaled to 12 integer bits, its reciprocal by Newton–Raphson, and each output
    /// exp · (1/Σ) shifted to 8 bits and offset by the type's minimum (output scale 1/256).
    /// </summary>
    private static void FixedPointReference(QuantizedInput input, Span<byte> output, ElementType outputType, int[] table)
    {
        const int accumulationIntegerBits = 12;
        int depth = input.Channels;
        int rows = input.Bytes.Length / depth;
        int bits = 8 * outputType.SizeInBytes();
        for (int r = 0; r < rows; r++)
        {
            int max = int.MinValue;
            for (int i = 0; i < depth; i++) max = Math.Max(max, input[r * depth + i]);
            int sum = 0;
            for (int i = 0; i < depth; i++)
                sum = unchecked(sum + FixedPoint.RoundingDivideByPOT(table[max - input[r * depth + i]], accumulationIntegerBits));
            int scale = GemmlowpFixedPoint.GetReciprocal(sum, accumulationIntegerBits, out int numBitsOverUnit);
            int exponent = numBitsOverUnit + 31 - bits;
            for (int i = 0; i < depth; i++)
            {
                int product = FixedPoint.SaturatingRoundingDoublingHighMul(scale, table[max - input[r * depth + i]]);
                // A shift of 32 or more leaves less than one unit: the product is below 2^31.
                int unsaturated = exponent >= 32 ? 0 : exponent <= 0 ? product : FixedPoint.RoundingDivideByPOT(product, exponent);
                long q = (long)unsaturated + outputType.MinValue();
                Elements.Store(output, outputType, r * depth + i, (int)Math.Max(outputType.MinValue(), Math.Min(outputType.MaxValue(), q)));
            }
        }
    }
}
