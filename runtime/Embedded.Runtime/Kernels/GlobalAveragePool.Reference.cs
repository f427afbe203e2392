using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

/// <summary>Global average pooling kernels (squeeze-excite and classifier heads).</summary>
public static partial class GlobalAveragePool
{
    /// <summary>
    /// out[n,c] = zp_out[c] + M[c]·(Σ_hw x − H·W·zp_in[c]), M[c] = s_in[c] / (s_out[c]·H·W); or one of TFLite's
    /// variants (<see cref="MeanAlgorithm"/>).
    /// </summary>
    public static void Reference(QuantizedInput input, QuantizedOutput output, GlobalAveragePoolParams p)
    {
        int batches = input.Shape[0], cells = input.Shape[1] * input.Shape[2], channels = input.Shape[3];
        for (int n = 0; n < batches; n++)
        for (int c = 0; c < channels; c++)
        {
            long sum = 0;
            for (int i = 0; i < cells; i++)
                sum += input[(n * cells + i) * channels + c];
            output.Store(n * channels + c, Finish(sum, c, cells, input, output, p));
        }
    }

    /// <summary>Channel <paramref name="c"/>'s output from its sum over <paramref name="cells"/> pixels, by the pool's algorithm.</summary>
    internal static int Finish(long sum, int c, int cells, QuantizedInput input, QuantizedOutput output, GlobalAveragePoolParams p)
    {
        var m = PerChannel.Pick(p.Multipliers, c);
        long q = p.Algorithm switch
        {
            MeanAlgorithm.TfliteBias => p.TfliteBias + (long)OutputStageMath.Requantize(sum, m, p.Rounding, input.IsWide),
            MeanAlgorithm.TruncatedMean => sum / cells,
            _ => output.ZeroPoint(c) + (long)OutputStageMath.Requantize(sum - (long)cells * input.ZeroPoint(c), m, p.Rounding, input.IsWide),
        };
        return PerChannel.Clamp(q, output.Type.MinValue(), output.Type.MaxValue());
    }
}
