using System;
using Embedded.Runtime.Model;
using Embedded.Runtime.Quantization;

namespace Embedded.Runtime.Building;

/// <summary>
/// Computes output stages and other requantization parameters from real scales — the conversion-time half of
/// docs/quantization.md. The runtime never calls this during inference.
/// </summary>
public static class OutputStageBuilder
{
    /// <summary>
    /// Output stage for accumulators of scale <paramref name="accumulatorScales"/>[c] (= s_in · s_w[c]) written
    /// to a tensor quantized by <paramref name="output"/>, with the fused <paramref name="activation"/>.
    /// </summary>
    public static OutputStage Build(double[] accumulatorScales, QuantizationParams output, ElementType outputType,
        FusedActivation activation, RoundingMode rounding = RoundingMode.DoubleRounding)
    {
        int channels = accumulatorScales.Length;
        var multipliers = new QuantizedMultiplier[channels];
        var gates = activation is FusedActivation.HardSigmoid or FusedActivation.HardSwish ? new QuantizedMultiplier[channels] : Array.Empty<QuantizedMultiplier>();
        var min = new int[channels];
        var max = new int[channels];
        for (int c = 0; c < channels; c++)
        {
            double sOut = output.ScaleAt(c);
            int zp = output.ZeroPointAt(c);
            double sAcc = accumulatorScales[c];
            int lo = outputType.MinValue(), hi = outputType.MaxValue();
            switch (activation)
            {
                case FusedActivation.None:
                    multipliers[c] = QuantizedMultiplier.FromDouble(sAcc / sOut);
                    break;
                case FusedActivation.Relu:
                    multipliers[c] = QuantizedMultiplier.FromDouble(sAcc / sOut);
                    lo = Math.Max(lo, zp);
                    break;
                case FusedActivation.Relu6:
                    multipliers[c] = QuantizedMultiplier.FromDouble(sAcc / sOut);
                    lo = Math.Max(lo, zp);
                    hi = (int)Math.Min(hi, zp + Math.Round(6.0 / sOut));
                    break;
                case FusedActivation.HardSigmoid:
                    gates[c] = QuantizedMultiplier.FromDouble(sAcc * OutputStageGate / 6.0);
                    multipliers[c] = QuantizedMultiplier.FromDouble(1.0 / (OutputStageGate * sOut));
                    lo = Math.Max(lo, zp);
                    hi = (int)Math.Min(hi, zp + Math.Round(1.0 / sOut));
                    break;
                case FusedActivation.HardSwish:
                    gates[c] = QuantizedMultiplier.FromDouble(sAcc * OutputStageGate / 6.0);
                    multipliers[c] = QuantizedMultiplier.FromDouble(sAcc / sOut);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(activation), activation, null);
            }
            min[c] = lo;
            max[c] = Math.Max(lo, hi);
        }
        return new OutputStage(activation, rounding, multipliers, gates, min, max);
    }

    private const double OutputStageGate = Kernels.OutputStageMath.GateOne;

    /// <summary>Accumulator scales of a conv/FC: s_in · s_w[c] (per-tensor input scale).</summary>
    public static double[] AccumulatorScales(float inputScale, QuantizationParams weights, int outputChannels)
    {
        var result = new double[outputChannels];
        for (int c = 0; c < outputChannels; c++) result[c] = (double)inputScale * weights.ScaleAt(c);
        return result;
    }

    /// <summary>Accumulator scales of a depthwise conv with per-channel input scales: s_in[c / multiplier] · s_w[c].</summary>
    public static double[] DepthwiseAccumulatorScales(QuantizationParams input, QuantizationParams weights, int outputChannels, int depthMultiplier)
    {
        var result = new double[outputChannels];
        for (int c = 0; c < outputChannels; c++) result[c] = (double)input.ScaleAt(c / depthMultiplier) * weights.ScaleAt(c);
        return result;
    }

    /// <summary>TFLite's Add parameters: common scale 2·max(s1, s2), inputs shifted by <paramref name="leftShift"/>.</summary>
    public static AddParams Add(QuantizationParams a, QuantizationParams b, QuantizationParams output, ElementType outputType, int channels,
        RoundingMode rounding = RoundingMode.DoubleRounding, int leftShift = 20)
    {
        bool perChannel = a.IsPerAxis || b.IsPerAxis || output.IsPerAxis;
        int n = perChannel ? channels : 1;
        var m1 = new QuantizedMultiplier[n]; var m2 = new QuantizedMultiplier[n]; var mo = new QuantizedMultiplier[n];
        for (int c = 0; c < n; c++)
        {
            double s1 = a.ScaleAt(a.IsPerAxis ? c : 0), s2 = b.ScaleAt(b.IsPerAxis ? c : 0), so = output.ScaleAt(output.IsPerAxis ? c : 0);
            double twiceMax = 2 * Math.Max(s1, s2);
            m1[c] = QuantizedMultiplier.FromDouble(s1 / twiceMax);
            m2[c] = QuantizedMultiplier.FromDouble(s2 / twiceMax);
            mo[c] = QuantizedMultiplier.FromDouble(twiceMax / ((1 << leftShift) * so));
        }
        return new AddParams
        {
            Rounding = rounding, LeftShift = leftShift, Input1Multipliers = m1, Input2Multipliers = m2, OutputMultipliers = mo,
            ClampMin = new[] { outputType.MinValue() }, ClampMax = new[] { outputType.MaxValue() },
        };
    }

    /// <summary>Mul parameters: M[c] = s_a · s_b / s_out.</summary>
    public static MulParams Mul(QuantizationParams a, QuantizationParams b, QuantizationParams output, ElementType outputType, int channels,
        RoundingMode rounding = RoundingMode.DoubleRounding)
    {
        bool perChannel = a.IsPerAxis || b.IsPerAxis || output.IsPerAxis;
        int n = perChannel ? channels : 1;
        var m = new QuantizedMultiplier[n];
        for (int c = 0; c < n; c++)
            m[c] = QuantizedMultiplier.FromDouble((double)a.ScaleAt(a.IsPerAxis ? c : 0) * b.ScaleAt(b.IsPerAxis ? c : 0) / output.ScaleAt(output.IsPerAxis ? c : 0));
        return new MulParams { Rounding = rounding, OutputMultipliers = m, ClampMin = new[] { outputType.MinValue() }, ClampMax = new[] { outputType.MaxValue() } };
    }

    /// <summary>Global average pool: M[c] = s_in[c] / (s_out[c] · cells).</summary>
    public static GlobalAveragePoolParams GlobalAveragePool(QuantizationParams input, QuantizationParams output, int channels, int cells,
        RoundingMode rounding = RoundingMode.DoubleRounding)
    {
        bool perChannel = input.IsPerAxis || output.IsPerAxis;
        var m = new QuantizedMultiplier[perChannel ? channels : 1];
        for (int c = 0; c < m.Length; c++)
            m[c] = QuantizedMultiplier.FromDouble((double)input.ScaleAt(input.IsPerAxis ? c : 0) / (output.ScaleAt(output.IsPerAxis ? c : 0) * (double)cells));
        return new GlobalAveragePoolParams { Rounding = rounding, Multipliers = m };
    }

    /// <summary>Integer requantization (Quantize op, Concat rescale): M[c] = s_in[c] / s_out[c].</summary>
    public static QuantizedMultiplier[] Requantize(QuantizationParams input, QuantizationParams output, int channels)
    {
        bool perChannel = input.IsPerAxis || output.IsPerAxis;
        var m = new QuantizedMultiplier[perChannel ? channels : 1];
        for (int c = 0; c < m.Length; c++)
            m[c] = QuantizedMultiplier.FromDouble((double)input.ScaleAt(input.IsPerAxis ? c : 0) / output.ScaleAt(output.IsPerAxis ? c : 0));
        return m;
    }

    /// <summary>
    /// The 513 samples of y = f(x) from an int16 input of scale <paramref name="inputScale"/> to an int16 output of
    /// scale <paramref name="outputScale"/> (both zero point 0), at inputs (i − 256)·2^shift with the smallest shift whose
    /// samples span ±<paramref name="inputSpan"/> (in input steps).
    /// </summary>
    public static InterpolatedTableParams InterpolatedTable(Func<double, double> function, double inputScale, double outputScale, double inputSpan = 32768)
    {
        int shift = 0;
        while (shift < InterpolatedTableParams.MaxShift && (256 << shift) < inputSpan) shift++;
        var samples = new int[InterpolatedTableParams.Entries];
        for (int i = 0; i < samples.Length; i++)
        {
            double real = function(inputScale * ((i - 256) << shift));
            double q = Math.Round(real / outputScale, MidpointRounding.AwayFromZero);
            samples[i] = (int)Math.Max(short.MinValue, Math.Min(short.MaxValue, q));
        }
        return new InterpolatedTableParams { Shift = shift, Samples = samples };
    }

    /// <summary>
    /// A 256-entry table for y = f(x) from an 8-bit input to an 8-bit output, one per channel group when
    /// scales are per channel (<paramref name="tableCount"/> tables, channel group g uses the scales of its first channel).
    /// </summary>
    public static TableLookupParams Table(Func<double, double> function, QuantizationParams input, ElementType inputType,
        QuantizationParams output, ElementType outputType, int channels, int tableCount = 1)
    {
        if (tableCount < 1 || channels % tableCount != 0) throw new ArgumentException($"{tableCount} tables do not divide {channels} channels", nameof(tableCount));
        int channelsPerTable = channels / tableCount;
        // A table serves its channels only if they share the input and output quantization.
        for (int c = 0; c < channels; c++)
        {
            int first = c / channelsPerTable * channelsPerTable;
            if (Differs(input, c, first) || Differs(output, c, first))
                throw new ArgumentException($"channel {c} is quantized differently from channel {first}, which shares its table: give one table per channel", nameof(tableCount));
        }
        var tables = new byte[tableCount * TableLookupParams.EntriesPerTable];
        int inMin = inputType.MinValue();
        for (int t = 0; t < tableCount; t++)
        {
            int c = t * channelsPerTable;
            double sIn = input.ScaleAt(input.IsPerAxis ? c : 0), sOut = output.ScaleAt(output.IsPerAxis ? c : 0);
            int zIn = input.ZeroPointAt(input.IsPerAxis ? c : 0), zOut = output.ZeroPointAt(output.IsPerAxis ? c : 0);
            for (int i = 0; i < TableLookupParams.EntriesPerTable; i++)
            {
                double real = function(sIn * (i + inMin - zIn));
                double q = Math.Round(real / sOut, MidpointRounding.AwayFromZero) + zOut;
                int clamped = (int)Math.Max(outputType.MinValue(), Math.Min(outputType.MaxValue(), q));
                tables[t * TableLookupParams.EntriesPerTable + i] = unchecked((byte)clamped);
            }
        }
        return new TableLookupParams { TableCount = tableCount, Tables = tables };
    }

    private static bool Differs(QuantizationParams q, int a, int b) =>
        q.IsPerAxis && (q.ScaleAt(a) != q.ScaleAt(b) || q.ZeroPointAt(a) != q.ZeroPointAt(b));
}
