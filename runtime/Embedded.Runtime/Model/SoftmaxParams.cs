using System;
using Embedded.Runtime.Format;

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

    /// <summary>Builds the table for an input scale (what the converter calls).</summary>
    public static int[] BuildExpTable(float inputScale, float beta)
    {
        var table = new int[TableSize];
        for (int d = 0; d < TableSize; d++)
            table[d] = (int)Math.Round(One * Math.Exp(-(double)beta * inputScale * d), MidpointRounding.AwayFromZero);
        return table;
    }

    internal override void Write(BinarySink sink)
    {
        sink.WriteSingle(Beta);
        ParamEncoding.WriteInts(sink, ExpTable);
        sink.WriteCount(FloatTable.Length);
        sink.WriteSingleArray(FloatTable);
    }

    internal static SoftmaxParams Read(BinaryCursor c)
    {
        float beta = c.ReadSingle("beta");
        int[] table = ParamEncoding.ReadInts(c, "expTable", TableSize);
        float[] floats = c.ReadSingleArray("floatTable", c.ReadCount("floatTable.count", TableSize, 4));
        return new SoftmaxParams { Beta = beta, ExpTable = table, FloatTable = floats };
    }
}
