using System;

namespace Embedded.Converter.Calibration;

/// <summary>How a quantization range is chosen from calibration statistics.</summary>
public enum RangeMethod
{
    /// <summary>Observed minimum and maximum.</summary>
    MinMax,
    /// <summary>The 0.01% and 99.99% quantiles: ignores the rarest outliers.</summary>
    Percentile,
    /// <summary>The clipping range that minimizes the expected squared quantization error over the histogram.</summary>
    Mse,
    /// <summary>The clipping range whose quantized distribution is closest (Kullback–Leibler) to the observed one.</summary>
    Kl,
    /// <summary>Per tensor, the candidate (of the above) with the least expected squared error.</summary>
    Auto,
}

/// <summary>Range selection over a histogram for an 8-bit (or wider) asymmetric grid.</summary>
public static class RangeSelection
{
    public const double PercentileFraction = 0.9999;

    public static (double low, double high) Select(Histogram h, RangeMethod method, int levels = 256)
    {
        (double, double) minMax = (Math.Min(0, h.Min), Math.Max(0, h.Max));
        switch (method)
        {
            case RangeMethod.MinMax:
                return minMax;
            case RangeMethod.Percentile:
                return IncludeZero(h.Quantile(1 - PercentileFraction), h.Quantile(PercentileFraction));
            case RangeMethod.Mse:
                return BestByError(h, levels);
            case RangeMethod.Kl:
                return Kl(h, levels);
            case RangeMethod.Auto:
            {
                var candidates = new[] { minMax, Select(h, RangeMethod.Percentile, levels), BestByError(h, levels), Kl(h, levels) };
                (double, double) best = minMax;
                double bestError = double.PositiveInfinity;
                foreach (var c in candidates)
                {
                    double e = ExpectedError(h, c.Item1, c.Item2, levels);
                    if (e < bestError) { bestError = e; best = c; }
                }
                return best;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(method));
        }
    }

    private static (double, double) IncludeZero(double low, double high) => (Math.Min(0, low), Math.Max(0, high));

    /// <summary>Expected squared error of quantizing the histogram to <paramref name="levels"/> steps over [low, high] (clipping included).</summary>
    public static double ExpectedError(Histogram h, double low, double high, int levels)
    {
        double step = (high - low) / (levels - 1);
        if (step <= 0) return double.PositiveInfinity;
        double error = 0;
        for (int i = 0; i < h.Counts.Length; i++)
        {
            if (h.Counts[i] == 0) continue;
            double x = h.BinCenter(i);
            double q = Math.Clamp(Math.Round((x - low) / step), 0, levels - 1) * step + low;
            // Inside the range the rounding error of a uniform bin averages step²/12.
            double e = x < low || x > high ? (x - q) * (x - q) : step * step / 12;
            error += h.Counts[i] * e;
        }
        return error / Math.Max(1, h.Total);
    }

    /// <summary>Searches shrunken ranges [α·low, α·high] and one-sided clips for the least expected error.</summary>
    private static (double, double) BestByError(Histogram h, int levels)
    {
        double low = Math.Min(0, h.Min), high = Math.Max(0, h.Max);
        (double, double) best = (low, high);
        double bestError = ExpectedError(h, low, high, levels);
        for (int i = 1; i <= 100; i++)
        {
            double a = 1 - i * 0.009;
            foreach (var (l, u) in new[] { (low * a, high * a), (low, high * a), (low * a, high) })
            {
                double e = ExpectedError(h, l, u, levels);
                if (e < bestError) { bestError = e; best = (l, u); }
            }
        }
        return best;
    }

    /// <summary>
    /// TensorRT-style entropy calibration on the magnitude: the symmetric clip threshold whose quantized histogram
    /// diverges least from the observed one, mapped back to the sign structure of the data.
    /// </summary>
    private static (double, double) Kl(Histogram h, int levels)
    {
        double low = Math.Min(0, h.Min), high = Math.Max(0, h.Max);
        double extent = Math.Max(-low, high);
        if (extent <= 0) return (low, high);
        const int bins = 512;
        var magnitude = new double[bins];
        for (int i = 0; i < h.Counts.Length; i++)
            magnitude[Math.Min(bins - 1, (int)(Math.Abs(h.BinCenter(i)) / extent * bins))] += h.Counts[i];
        int target = Math.Max(8, levels / (low < 0 && high > 0 ? 2 : 1));
        double bestDivergence = double.PositiveInfinity;
        int bestEnd = bins;
        for (int end = Math.Min(target, bins); end <= bins; end += 4)
        {
            var p = new double[end];
            Array.Copy(magnitude, p, end);
            for (int i = end; i < bins; i++) p[end - 1] += magnitude[i];
            var q = new double[end];
            double merge = (double)end / target;
            for (int j = 0; j < target; j++)
            {
                int start = (int)(j * merge), stop = Math.Max(start + 1, (int)((j + 1) * merge));
                double sum = 0; int nonZero = 0;
                for (int i = start; i < stop && i < end; i++) { sum += p[i]; if (p[i] > 0) nonZero++; }
                for (int i = start; i < stop && i < end; i++) q[i] = p[i] > 0 ? sum / nonZero : 0;
            }
            double ps = 0, qs = 0;
            foreach (double v in p) ps += v;
            foreach (double v in q) qs += v;
            double divergence = 0;
            for (int i = 0; i < end; i++)
                if (p[i] > 0) divergence += p[i] / ps * Math.Log((p[i] / ps) / Math.Max(q[i] / qs, 1e-12));
            if (divergence < bestDivergence) { bestDivergence = divergence; bestEnd = end; }
        }
        double threshold = extent * bestEnd / bins;
        return (Math.Max(low, -threshold), Math.Min(high, threshold));
    }
}
