using System;
using Embedded.Runtime.Format;
using Embedded.Runtime.Quantization;

namespace Embedded.Runtime.Model;

/// <summary>
/// Softmax over the last axis of an 8-bit tensor. <see cref="ExpTable"/>[d] = round(2^30 · exp(−β·s_in·d)) for
/// the distance d = max − x (0..255), computed at conversion time so the board evaluates no exp().
/// </summary>
public sealed class SoftmaxParams : OperatorParams
{
    public const int TableSize = 256;
    public const int One = 1 << 30;

    public float Beta { get; init; } = 1f;
    public required int[] ExpTable { get; init; }
    /// <summary>
    /// TFLite-compatible mode (empty = off): FloatTable[k] = expf(−β·s_in·(255 − k)) as TFLite's optimized uint8/int8
    /// softmax builds it; probabilities are then computed in float exactly as that kernel does.
    /// </summary>
    public float[] FloatTable { get; init; } = Array.Empty<float>();
    /// <summary>
    /// TFLite reference mode (empty = off), as TFLite Micro computes softmax: FixedPointExp[d] is gemmlowp's Q0.31
    /// exp of the rescaled difference −d (0 below TFLite's diff_min); sums and the reciprocal are fixed point and the
    /// output scale is 1/256 with the type's minimum as zero point.
    /// </summary>
    public int[] FixedPointExp { get; init; } = Array.Empty<int>();

    /// <summary>Builds the table for an input scale (what the converter calls).</summary>
    public static int[] BuildExpTable(float inputScale, float beta)
    {
        var table = new int[TableSize];
        for (int d = 0; d < TableSize; d++)
            table[d] = (int)Math.Round(One * Math.Exp(-(double)beta * inputScale * d), MidpointRounding.AwayFromZero);
        return table;
    }

    /// <summary>
    /// The <see cref="FixedPointExp"/> table as TFLite's reference softmax evaluates it: the difference −d is rescaled
    /// by β·s_in into a value with 5 integer bits (PreprocessSoftmaxScaling), gemmlowp's exp_on_negative_values gives
    /// the Q0.31 exponential, and differences beyond TFLite's input radius (diff_min) get 0.
    /// </summary>
    public static int[] BuildFixedPointExp(float inputScale, float beta)
    {
        const int scaledDiffIntegerBits = 5;
        double real = Math.Min((double)beta * inputScale * (1L << (31 - scaledDiffIntegerBits)), (1L << 31) - 1.0);
        var m = QuantizedMultiplier.FromDouble(real);
        int leftShift = m.Shift;
        // CalculateInputRadius: the largest difference whose rescaled value still fits in 5 integer bits.
        double maxInputRescaled = 1.0 * ((1 << scaledDiffIntegerBits) - 1) * (1L << (31 - scaledDiffIntegerBits)) / (1L << leftShift);
        int diffMin = -(int)Math.Floor(maxInputRescaled);
        var table = new int[TableSize];
        for (int d = 0; d < table.Length && -d >= diffMin; d++)
        {
            int rescaled = FixedPoint.SaturatingRoundingDoublingHighMul(-d * (1 << leftShift), m.Multiplier);
            table[d] = GemmlowpFixedPoint.ExpOnNegativeValues(rescaled, scaledDiffIntegerBits);
        }
        return table;
    }

    internal override void Write(BinarySink sink)
    {
        sink.WriteSingle(Beta);
        ParamEncoding.WriteInts(sink, ExpTable);
        sink.WriteCount(FloatTable.Length);
        sink.WriteSingleArray(FloatTable);
        sink.WriteCount(FixedPointExp.Length);
        sink.WriteInt32Array(FixedPointExp);
    }

    internal static SoftmaxParams Read(BinaryCursor c)
    {
        float beta = c.ReadSingle("beta");
        int[] table = ParamEncoding.ReadInts(c, "expTable", TableSize);
        float[] floats = c.ReadSingleArray("floatTable", c.ReadCount("floatTable.count", TableSize, 4));
        int fixedCount = c.ReadCount("fixedPointExp.count", TableSize, 4);
        int[] fixedExp = c.ReadInt32Array("fixedPointExp", fixedCount);
        return new SoftmaxParams { Beta = beta, ExpTable = table, FloatTable = floats, FixedPointExp = fixedExp };
    }
}
