using System;
using Embedded.Runtime.Model;
using Embedded.Runtime.Quantization;

namespace Embedded.Runtime.Kernels;

/// <summary>
/// An integer → integer requantization of an 8-bit input (e.g. the exact input normalization u8 → int16) as one
/// 256-entry table per channel, filled at load with the reference's own arithmetic, so applying it is one lookup per
/// element on every path (TFLite does the same for 8-bit element-wise functions).
/// </summary>
public sealed class RequantizeTable
{
    /// <summary>Channels above this keep the reference kernel (the table would outgrow the work it saves).</summary>
    public const int MaxChannels = 1024;

    public int Channels { get; }
    /// <summary>Output value of input byte b on channel c at [c·256 + b].</summary>
    public int[] Values { get; }

    private RequantizeTable(int channels, int[] values)
    {
        Channels = channels; Values = values;
    }

    public static RequantizeTable? TryCreate(TensorDefinition input, TensorDefinition output, QuantizeParams p)
    {
        if (input.Type is not (ElementType.Int8 or ElementType.UInt8) || output.Quantization is null || input.Quantization is null) return null;
        int channels = output.Rank == 0 ? 1 : output.Shape[output.Rank - 1];
        if (channels < 1 || channels > MaxChannels) return null;
        int min = output.Type.MinValue(), max = output.Type.MaxValue();
        var values = new int[channels * 256];
        for (int c = 0; c < channels; c++)
        {
            var m = PerChannel.Pick(p.Multipliers, c);
            int offset = p.Offsets.Length == 0 ? 0 : PerChannel.Pick(p.Offsets, c);
            int inputZero = input.Quantization.ZeroPoints[input.Quantization.Count == 1 ? 0 : c];
            int outputZero = output.Quantization.ZeroPoints[output.Quantization.Count == 1 ? 0 : c];
            for (int b = 0; b < 256; b++)
            {
                int x = input.Type == ElementType.Int8 ? (sbyte)b : b;
                long q = outputZero + (long)offset + FixedPoint.MultiplyByQuantizedMultiplier(x - inputZero, m.Multiplier, m.Shift, p.Rounding);
                values[c * 256 + b] = PerChannel.Clamp(q, min, max);
            }
        }
        return new RequantizeTable(channels, values);
    }
}

public static partial class Quantize
{
    /// <summary>
    /// Table requantization over elements [count·part/parts, count·(part+1)/parts); false on the reference path (the
    /// reference kernel then runs).
    /// </summary>
    public static bool TryFast(KernelPath path, QuantizedInput input, QuantizedOutput output, RequantizeTable table, int part = 0, int parts = 1)
    {
        if (path == KernelPath.Reference) return false;
        int count = output.Bytes.Length / output.Type.SizeInBytes();
        if (input.Bytes.Length < count) throw new ArgumentException("Requantize input is shorter than its output.", nameof(input));
        int begin = (int)((long)count * part / parts), end = (int)((long)count * (part + 1) / parts);
        var x = input.Bytes;
        var values = table.Values;
        int channels = table.Channels, c = begin % channels;
        switch (output.Type)
        {
            case ElementType.Int16:
            {
                var y = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(output.Bytes);
                if (channels == 3 && begin % 3 == 0)
                {
                    // The RGB image: whole pixels without the per-element channel counter.
                    int i = begin;
                    for (; i + 3 <= end; i += 3)
                    {
                        var px = x.Slice(i, 3);
                        var o = y.Slice(i, 3);
                        o[0] = (short)values[px[0]];
                        o[1] = (short)values[256 + px[1]];
                        o[2] = (short)values[512 + px[2]];
                    }
                    begin = i;
                }
                for (int i = begin; i < end; i++)
                {
                    y[i] = (short)values[c * 256 + x[i]];
                    if (++c == channels) c = 0;
                }
                break;
            }
            case ElementType.Int8:
            case ElementType.UInt8:
                for (int i = begin; i < end; i++)
                {
                    output.Bytes[i] = (byte)values[c * 256 + x[i]];
                    if (++c == channels) c = 0;
                }
                break;
            default:
                for (int i = begin; i < end; i++)
                {
                    output.Store(i, values[c * 256 + x[i]]);
                    if (++c == channels) c = 0;
                }
                break;
        }
        return true;
    }
}
