using System;

namespace Embedded.Converter.Calibration;

/// <summary>A fixed-range histogram of real values; what percentile, MSE and KL range selection read.</summary>
public sealed class Histogram
{
    public double Min { get; }
    public double Max { get; }
    public long[] Counts { get; }
    public long Total { get; private set; }

    public Histogram(double min, double max, int bins)
    {
        if (!(max > min)) max = min + 1e-6;
        Min = min;
        Max = max;
        Counts = new long[bins];
    }

    public double BinWidth => (Max - Min) / Counts.Length;
    public double BinCenter(int i) => Min + (i + 0.5) * BinWidth;

    public void Add(float value)
    {
        int bin = (int)((value - Min) / (Max - Min) * Counts.Length);
        Counts[Math.Clamp(bin, 0, Counts.Length - 1)]++;
        Total++;
    }

    public void Merge(Histogram other)
    {
        for (int i = 0; i < Counts.Length; i++) Counts[i] += other.Counts[i];
        Total += other.Total;
    }

    /// <summary>The value below which <paramref name="fraction"/> of the samples lie (linear within a bin).</summary>
    public double Quantile(double fraction)
    {
        if (Total == 0) return 0;
        double target = fraction * Total;
        long seen = 0;
        for (int i = 0; i < Counts.Length; i++)
        {
            if (seen + Counts[i] >= target)
            {
                double within = Counts[i] == 0 ? 0 : (target - seen) / Counts[i];
                return Min + (i + within) * BinWidth;
            }
            seen += Counts[i];
        }
        return Max;
    }
}
