using System;

namespace Embedded.Converter.Quantization;

/// <summary>
/// The integer multipliers k[c] of the exact input step q16 = k·pixel − k·mean (docs/quantization.md, "Input
/// normalization"), chosen so that every channel lands on nearly the same real scale 1/(k·std).
/// </summary>
/// <remarks>
/// The stem's weights are folded with the per-channel input scales and then quantized per output channel, so a
/// channel whose scale is 4× smaller (ImageNet's mean 103.53 needs k = 100 where 116.28 needs 25) loses two bits
/// of weight resolution: MobileNetV3-Large's stem fell from 40 to 33 dB on that alone.
/// </remarks>
public static class InputGrid
{
    /// <summary>The smallest k ≤ 128 with k·mean an integer (to 1e-4 pixel), else 128 (mean rounded to 1/128 pixel).</summary>
    public static int ExactMultiplier(float mean)
    {
        for (int k = 1; k <= 128; k++)
            if (Math.Abs(k * (double)mean - Math.Round(k * (double)mean)) < 1e-4 * k) return k;
        return 128;
    }

    /// <summary>
    /// Multiples of each channel's exact multiplier that bring k·std closest together (ties: the smallest k), with
    /// every k·(pixel − mean) inside int16.
    /// </summary>
    public static int[] Multipliers(float[] mean, float[] std)
    {
        int channels = mean.Length;
        var exact = new int[channels];
        for (int c = 0; c < channels; c++) exact[c] = ExactMultiplier(mean[c]);
        var best = exact;
        foreach (float s in std) if (!(s > 0) || float.IsInfinity(s)) return best;
        double bestSpread = Spread(exact, std);
        // The common level k·std to aim at: multiples of the coarsest channel's level.
        double level = 0;
        for (int c = 0; c < channels; c++) level = Math.Max(level, exact[c] * (double)Math.Abs(std[c]));
        for (int j = 2; ; j++)
        {
            var k = new int[channels];
            bool fits = true;
            for (int c = 0; c < channels && fits; c++)
            {
                k[c] = exact[c] * Math.Max(1, (int)Math.Round(j * level / (exact[c] * (double)Math.Abs(std[c]))));
                fits = k[c] * Math.Max(Math.Abs(mean[c]), Math.Abs(255 - mean[c])) <= short.MaxValue;
            }
            if (!fits) break;
            double spread = Spread(k, std);
            if (spread < bestSpread - 1e-9) { best = k; bestSpread = spread; }
        }
        return best;
    }

    /// <summary>Ratio of the largest to the smallest k·std: 1 when every channel has the same scale.</summary>
    private static double Spread(int[] k, float[] std)
    {
        double lo = double.MaxValue, hi = 0;
        for (int c = 0; c < k.Length; c++)
        {
            double v = k[c] * (double)Math.Abs(std[c]);
            lo = Math.Min(lo, v); hi = Math.Max(hi, v);
        }
        return lo > 0 ? hi / lo : 1;
    }
}
