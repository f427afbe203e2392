using System;
using System.Buffers.Binary;
using Embedded.Runtime.Building;
using Embedded.Runtime.Model;
using Embedded.Runtime.Quantization;

namespace Embedded.Runtime.Tests.Support;

/// <summary>Random tensors and quantization parameters for kernel tests.</summary>
internal static class TestKit
{
    public static byte[] RandomValues(Random random, int count, ElementType type, int min = int.MinValue, int max = int.MaxValue)
    {
        int lo = Math.Max(min, type.MinValue()), hi = Math.Min(max, type.MaxValue());
        var bytes = new byte[count * type.SizeInBytes()];
        for (int i = 0; i < count; i++) Store(bytes, type, i, random.Next(lo, hi + 1));
        return bytes;
    }

    public static void Store(byte[] bytes, ElementType type, int index, int value)
    {
        switch (type)
        {
            case ElementType.Int8: bytes[index] = unchecked((byte)(sbyte)value); break;
            case ElementType.UInt8: bytes[index] = (byte)value; break;
            case ElementType.Int16: BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(index * 2), (short)value); break;
            case ElementType.Int32: BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(index * 4), value); break;
            default: throw new ArgumentOutOfRangeException(nameof(type));
        }
    }

    public static int Load(byte[] bytes, ElementType type, int index) => type switch
    {
        ElementType.Int8 => (sbyte)bytes[index],
        ElementType.UInt8 => bytes[index],
        ElementType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(index * 2)),
        ElementType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(index * 4)),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static int[] RandomZeroPoints(Random random, int count, ElementType type)
    {
        var zps = new int[count];
        for (int i = 0; i < count; i++)
            zps[i] = type switch
            {
                ElementType.Int8 => random.Next(-40, 41),
                ElementType.UInt8 => random.Next(90, 170),
                _ => 0,
            };
        return zps;
    }

    /// <summary>
    /// A random output stage whose multipliers map accumulators of typical magnitude <paramref name="typicalAcc"/>
    /// onto a good part of the output range.
    /// </summary>
    public static OutputStage RandomStage(Random random, int channels, ElementType outType, int[] outZeroPoints,
        FusedActivation activation, RoundingMode rounding, double typicalAcc, bool perChannel = true)
    {
        int n = perChannel ? channels : 1;
        double range = outType == ElementType.Int16 ? 20000 : 100;
        var accScales = new double[channels];
        var outScales = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            accScales[c] = (0.5 + random.NextDouble()) * 1e-4;
            // Output scale such that typicalAcc maps to about `range` output steps.
            double real = typicalAcc * accScales[c];
            outScales[c] = (float)(real / range * (0.6 + 0.8 * random.NextDouble()));
            if (activation is FusedActivation.HardSigmoid) outScales[c] = 1f / 256;
            if (activation is FusedActivation.HardSwish or FusedActivation.Relu6) outScales[c] = (float)Math.Max(outScales[c], 6.0 / range / 1.5);
        }
        if (!perChannel)
        {
            for (int c = 0; c < channels; c++) { accScales[c] = accScales[0]; outScales[c] = outScales[0]; }
        }
        var quant = QuantizationParams.PerAxis(0, outScales, outZeroPoints.Length == channels ? outZeroPoints : Fill(channels, outZeroPoints[0]));
        var stage = OutputStageBuilder.Build(accScales, quant, outType, activation, rounding);
        if (perChannel) return stage;
        return new OutputStage(stage.Activation, stage.Rounding, new[] { stage.Multipliers[0] },
            stage.HasGate ? new[] { stage.GateMultipliers[0] } : Array.Empty<QuantizedMultiplier>(), new[] { stage.ClampMin[0] }, new[] { stage.ClampMax[0] });
    }

    public static int[] Fill(int count, int value)
    {
        var a = new int[count];
        Array.Fill(a, value);
        return a;
    }

    public static int[] RandomBias(Random random, int count, int magnitude)
    {
        var b = new int[count];
        for (int i = 0; i < count; i++) b[i] = random.Next(-magnitude, magnitude + 1);
        return b;
    }
}
