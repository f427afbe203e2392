using System;

namespace Embedded.Imaging.Jpeg;

/// <summary>
/// The accurate integer inverse DCT of the IJG code ("islow": Loeffler–Ligtenberg–Moschytz with 13-bit
/// constants, two passes with 2 extra bits between them), so decoded pixels equal libjpeg's (and Pillow's).
/// </summary>
internal static class IslowIdct
{
    private const int ConstBits = 13;
    private const int Pass1Bits = 2;
    private const int Fix0_298631336 = 2446, Fix0_390180644 = 3196, Fix0_541196100 = 4433, Fix0_765366865 = 6270;
    private const int Fix0_899976223 = 7373, Fix1_175875602 = 9633, Fix1_501321110 = 12299, Fix1_847759065 = 15137;
    private const int Fix1_961570560 = 16069, Fix2_053119869 = 16819, Fix2_562915447 = 20995, Fix3_072711026 = 25172;

    private static int Descale(long x, int n) => (int)((x + (1L << (n - 1))) >> n);

    /// <summary>Dequantizes <paramref name="coefficients"/> (natural order) and writes 8×8 samples at <paramref name="output"/> with the given stride.</summary>
    public static void Transform(ReadOnlySpan<short> coefficients, ReadOnlySpan<ushort> quant, Span<byte> output, int stride)
    {
        Span<int> ws = stackalloc int[64];
        Span<int> dq = stackalloc int[64];
        for (int i = 0; i < 64; i++) dq[i] = coefficients[i] * quant[i];
        for (int col = 0; col < 8; col++)
        {
            long z2 = dq[2 * 8 + col], z3 = dq[6 * 8 + col];
            long z1 = (z2 + z3) * Fix0_541196100;
            long tmp2 = z1 + z3 * -Fix1_847759065;
            long tmp3 = z1 + z2 * Fix0_765366865;
            z2 = dq[col]; z3 = dq[4 * 8 + col];
            long tmp0 = (z2 + z3) << ConstBits;
            long tmp1 = (z2 - z3) << ConstBits;
            long tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3, tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;
            Odd(dq[7 * 8 + col], dq[5 * 8 + col], dq[3 * 8 + col], dq[1 * 8 + col], out long o0, out long o1, out long o2, out long o3);
            const int s = ConstBits - Pass1Bits;
            ws[0 * 8 + col] = Descale(tmp10 + o3, s);
            ws[7 * 8 + col] = Descale(tmp10 - o3, s);
            ws[1 * 8 + col] = Descale(tmp11 + o2, s);
            ws[6 * 8 + col] = Descale(tmp11 - o2, s);
            ws[2 * 8 + col] = Descale(tmp12 + o1, s);
            ws[5 * 8 + col] = Descale(tmp12 - o1, s);
            ws[3 * 8 + col] = Descale(tmp13 + o0, s);
            ws[4 * 8 + col] = Descale(tmp13 - o0, s);
        }
        for (int row = 0; row < 8; row++)
        {
            var w = ws.Slice(row * 8, 8);
            long z2 = w[2], z3 = w[6];
            long z1 = (z2 + z3) * Fix0_541196100;
            long tmp2 = z1 + z3 * -Fix1_847759065;
            long tmp3 = z1 + z2 * Fix0_765366865;
            long tmp0 = ((long)w[0] + w[4]) << ConstBits;
            long tmp1 = ((long)w[0] - w[4]) << ConstBits;
            long tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3, tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;
            Odd(w[7], w[5], w[3], w[1], out long o0, out long o1, out long o2, out long o3);
            const int s = ConstBits + Pass1Bits + 3;
            var dst = output.Slice(row * stride, 8);
            dst[0] = Clamp(Descale(tmp10 + o3, s));
            dst[7] = Clamp(Descale(tmp10 - o3, s));
            dst[1] = Clamp(Descale(tmp11 + o2, s));
            dst[6] = Clamp(Descale(tmp11 - o2, s));
            dst[2] = Clamp(Descale(tmp12 + o1, s));
            dst[5] = Clamp(Descale(tmp12 - o1, s));
            dst[3] = Clamp(Descale(tmp13 + o0, s));
            dst[4] = Clamp(Descale(tmp13 - o0, s));
        }
    }

    private static void Odd(long t0, long t1, long t2, long t3, out long o0, out long o1, out long o2, out long o3)
    {
        long z1 = t0 + t3, z2 = t1 + t2, z3 = t0 + t2, z4 = t1 + t3;
        long z5 = (z3 + z4) * Fix1_175875602;
        t0 *= Fix0_298631336; t1 *= Fix2_053119869; t2 *= Fix3_072711026; t3 *= Fix1_501321110;
        z1 *= -Fix0_899976223; z2 *= -Fix2_562915447; z3 *= -Fix1_961570560; z4 *= -Fix0_390180644;
        z3 += z5; z4 += z5;
        o0 = t0 + z1 + z3; o1 = t1 + z2 + z4; o2 = t2 + z2 + z3; o3 = t3 + z1 + z4;
    }

    /// <summary>Level shift by 128 and saturate (libjpeg's range-limit table for in-range values).</summary>
    private static byte Clamp(int v)
    {
        v += 128;
        return (byte)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
}
