using Embedded.Runtime.Model;
using Embedded.Runtime.Quantization;

namespace Embedded.Runtime.Kernels;

/// <summary>Quantized addition kernels.</summary>
public static partial class Add
{
    /// <summary>
    /// TFLite's quantized Add with broadcasting: each input is offset by its zero point, shifted left by
    /// <see cref="AddParams.LeftShift"/>, scaled to the common scale, summed and requantized.
    /// Safe in place (output over an input of the same shape).
    /// </summary>
    public static void Reference(QuantizedInput a, QuantizedInput b, QuantizedOutput output, AddParams p)
    {
        var mapA = new Broadcast4D(a.Shape, output.Shape);
        var mapB = new Broadcast4D(b.Shape, output.Shape);
        int count = mapA.OutputCount;
        for (int i = 0; i < count; i++)
        {
            int ia = mapA.Map(i, out int c);
            int ib = mapB.Map(i, out _);
            int ca = a.Channels == 1 ? 0 : c, cb = b.Channels == 1 ? 0 : c;
            int xa = unchecked((a[ia] - a.ZeroPoint(ca)) * (1 << p.LeftShift));
            int xb = unchecked((b[ib] - b.ZeroPoint(cb)) * (1 << p.LeftShift));
            var ma = PerChannel.Pick(p.Input1Multipliers, c); var mb = PerChannel.Pick(p.Input2Multipliers, c); var mo = PerChannel.Pick(p.OutputMultipliers, c);
            int sa = FixedPoint.MultiplyByQuantizedMultiplier(xa, ma.Multiplier, ma.Shift, p.Rounding);
            // TFLite's builtin SUB negates the multiplier, its reference SUB the product: ties round differently.
            int sb = FixedPoint.MultiplyByQuantizedMultiplier(xb, p.Subtract == SubtractMode.NegatedMultiplier ? -mb.Multiplier : mb.Multiplier, mb.Shift, p.Rounding);
            int sum = p.Subtract == SubtractMode.SubtractProduct ? unchecked(sa - sb) : unchecked(sa + sb);
            long q = output.ZeroPoint(c) + (long)FixedPoint.MultiplyByQuantizedMultiplier(sum, mo.Multiplier, mo.Shift, p.Rounding);
            output.Store(i, PerChannel.Clamp(q, PerChannel.Pick(p.ClampMin, c), PerChannel.Pick(p.ClampMax, c)));
        }
    }
}
