using System;

namespace Embedded.Converter.Calibration;

/// <summary>
/// Calibration statistics of one float value over all calibration inputs: the range per channel (axis 1 of
/// NCHW, or the last axis of a matrix) and, after the second pass, histograms of the whole tensor and, for
/// values the quantizer will scale per channel, of each channel.
/// </summary>
public sealed class ActivationStatistics
{
    public const int TensorBins = 2048;
    public const int ChannelBins = 256;

    public int Channels { get; }
    public float[] ChannelMin { get; }
    public float[] ChannelMax { get; }
    public Histogram? Tensor { get; private set; }
    public Histogram[]? PerChannel { get; private set; }

    public ActivationStatistics(int channels)
    {
        Channels = channels;
        ChannelMin = new float[channels];
        ChannelMax = new float[channels];
        Array.Fill(ChannelMin, float.PositiveInfinity);
        Array.Fill(ChannelMax, float.NegativeInfinity);
    }

    public float Min => Reduce(ChannelMin, Math.Min);
    public float Max => Reduce(ChannelMax, Math.Max);

    private static float Reduce(float[] values, Func<float, float, float> f)
    {
        float r = values[0];
        foreach (float v in values) r = f(r, v);
        return r;
    }

    /// <summary>Channel of element i of an NCHW (or [rows, C]) tensor with <paramref name="inner"/> elements per channel plane.</summary>
    private int ChannelOf(int i, int inner) => i / inner % Channels;

    public void ObserveRange(float[] values, int inner)
    {
        for (int i = 0; i < values.Length; i++)
        {
            int c = ChannelOf(i, inner);
            float v = values[i];
            if (v < ChannelMin[c]) ChannelMin[c] = v;
            if (v > ChannelMax[c]) ChannelMax[c] = v;
        }
    }

    /// <summary>Prepares the histograms over the ranges of the first pass.</summary>
    public void StartHistograms(bool perChannel)
    {
        Tensor = new Histogram(Math.Min(0, Min), Math.Max(0, Max), TensorBins);
        if (perChannel)
        {
            PerChannel = new Histogram[Channels];
            for (int c = 0; c < Channels; c++) PerChannel[c] = new Histogram(Math.Min(0, ChannelMin[c]), Math.Max(0, ChannelMax[c]), ChannelBins);
        }
    }

    public void ObserveHistogram(float[] values, int inner)
    {
        for (int i = 0; i < values.Length; i++)
        {
            Tensor!.Add(values[i]);
            PerChannel?[ChannelOf(i, inner)].Add(values[i]);
        }
    }

    /// <summary>An empty copy with the same ranges and histogram layout, for one worker thread.</summary>
    public ActivationStatistics EmptyLike()
    {
        var copy = new ActivationStatistics(Channels);
        Array.Copy(ChannelMin, copy.ChannelMin, Channels);
        Array.Copy(ChannelMax, copy.ChannelMax, Channels);
        if (Tensor is not null) copy.StartHistograms(PerChannel is not null);
        return copy;
    }

    public void MergeRange(ActivationStatistics other)
    {
        for (int c = 0; c < Channels; c++)
        {
            ChannelMin[c] = Math.Min(ChannelMin[c], other.ChannelMin[c]);
            ChannelMax[c] = Math.Max(ChannelMax[c], other.ChannelMax[c]);
        }
    }

    public void MergeHistograms(ActivationStatistics other)
    {
        Tensor!.Merge(other.Tensor!);
        if (PerChannel is not null)
            for (int c = 0; c < Channels; c++) PerChannel[c].Merge(other.PerChannel![c]);
    }
}
