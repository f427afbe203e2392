using Embedded.Runtime.Model;
using Embedded.Runtime.Quantization;

namespace Embedded.Runtime.Kernels;

/// <summary>Quantized multiplication kernels (squeeze-excite channel scaling).</summary>
public static partial class Mul
{
    /// <summary>
    /// q = zp_out + M·(a − zp_a)(b − zp_b) with broadcasting. 8-bit operands: int32 product and the chosen
    /// rounding; int16 operands: 64-bit product and requantization. Safe in place.
    /// </summary>
    public static void Reference(QuantizedInput a, QuantizedInput b, QuantizedOutput output, MulParams p)
    {
        var mapA = new Broadcast4D(a.Shape, output.Shape);
        var mapB = new Broadcast4D(b.Shape, output.Shape);
        bool wide = a.IsWide || b.IsWide;
        int count = mapA.OutputCount;
        for (int i = 0; i < count; i++)
        {
            int ia = mapA.Map(i, out int c);
            int ib = mapB.Map(i, out _);
            int ca = a.Channels == 1 ? 0 : c, cb = b.Channels == 1 ? 0 : c;
            long product = (long)(a[ia] - a.ZeroPoint(ca)) * (b[ib] - b.ZeroPoint(cb));
            var m = PerChannel.Pick(p.OutputMultipliers, c);
            long q = output.ZeroPoint(c) + (long)OutputStageMath.Requantize(product, m, p.Rounding, wide);
            output.Store(i, PerChannel.Clamp(q, PerChannel.Pick(p.ClampMin, c), PerChannel.Pick(p.ClampMax, c)));
        }
    }
}
