using System;

namespace Embedded.Runtime.Model;

/// <summary>
/// real = scale · (q − zeroPoint), per tensor (one scale) or per axis (one scale per index along <see cref="Axis"/>).
/// Activations may be per-axis too (axis = channels), which the depthwise and pointwise consumers absorb.
/// </summary>
public sealed class QuantizationParams
{
    /// <summary>-1 for per-tensor quantization; otherwise the dimension the scales run along.</summary>
    public int Axis { get; }
    public float[] Scales { get; }
    public int[] ZeroPoints { get; }

    public QuantizationParams(int axis, float[] scales, int[] zeroPoints)
    {
        Axis = axis;
        Scales = scales ?? throw new ArgumentNullException(nameof(scales));
        ZeroPoints = zeroPoints ?? throw new ArgumentNullException(nameof(zeroPoints));
    }

    public static QuantizationParams PerTensor(float scale, int zeroPoint) => new(-1, new[] { scale }, new[] { zeroPoint });

    public static QuantizationParams PerAxis(int axis, float[] scales, int[] zeroPoints) => new(axis, scales, zeroPoints);

    public bool IsPerAxis => Axis >= 0;
    public int Count => Scales.Length;

    public float ScaleAt(int index) => Scales.Length == 1 ? Scales[0] : Scales[index];
    public int ZeroPointAt(int index) => ZeroPoints.Length == 1 ? ZeroPoints[0] : ZeroPoints[index];

    /// <summary>Zero points expanded to one per channel (length <paramref name="channels"/>).</summary>
    public int[] ZeroPointsPerChannel(int channels)
    {
        var result = new int[channels];
        for (int c = 0; c < channels; c++) result[c] = ZeroPointAt(c);
        return result;
    }

    public bool SameAs(QuantizationParams? other)
    {
        if (other is null || other.Axis != Axis || other.Count != Count) return false;
        for (int i = 0; i < Count; i++)
            if (Scales[i] != other.Scales[i] || ZeroPoints[i] != other.ZeroPoints[i]) return false;
        return true;
    }
}
