using System;

namespace Embedded.Firmware.Nano.Format
{
    /// <summary>
    /// float ↔ IEEE bits and half-away rounding without System.Math or allocation (nanoFramework's BitConverter.GetBytes
    /// allocates; DoubleToInt64Bits does not, and a float widened to double keeps its value exactly).
    /// </summary>
    public static class FloatBits
    {
        public static int SingleToInt32Bits(float value)
        {
            long d = BitConverter.DoubleToInt64Bits(value);
            int sign = (int)((d >> 32) & unchecked((int)0x80000000));
            int exponent = (int)((d >> 52) & 0x7FF);
            long mantissa = d & 0xFFFFFFFFFFFFFL;
            if (exponent == 0x7FF) return sign | 0x7F800000 | (mantissa == 0 ? 0 : 0x400000 | (int)(mantissa >> 29));
            if (exponent == 0) return sign; // ±0 (no float is a double subnormal)
            int e = exponent - 1023 + 127;
            if (e >= 1) return sign | (e << 23) | (int)(mantissa >> 29);
            // A float subnormal: the implicit bit joins the mantissa, shifted right by 1 − e (exact: the value is a float).
            long full = (mantissa | (1L << 52)) >> 29;
            return sign | (int)(full >> (1 - e));
        }

        public static void WriteSingle(byte[] b, int offset, float value) => LittleEndian.WriteInt32(b, offset, SingleToInt32Bits(value));

        /// <summary>round(x) with halves away from zero, as Math.Round(x, MidpointRounding.AwayFromZero), for |x| &lt; 2^62.</summary>
        public static double RoundHalfAway(double x)
        {
            if (double.IsNaN(x) || x >= 4.6e18 || x <= -4.6e18) return x;
            double truncated = (long)x;
            double fraction = x - truncated; // exact: subtracting the integer part of a double
            if (fraction >= 0.5) return truncated + 1;
            if (fraction <= -0.5) return truncated - 1;
            return truncated;
        }

        /// <summary>round(x) with halves away from zero in single precision, as MathF.Round(x, MidpointRounding.AwayFromZero).</summary>
        public static float RoundHalfAway(float x)
        {
            if (float.IsNaN(x) || x >= 4.6e18f || x <= -4.6e18f) return x;
            float truncated = (long)x;
            float fraction = x - truncated;
            if (fraction >= 0.5f) return truncated + 1;
            if (fraction <= -0.5f) return truncated - 1;
            return truncated;
        }
    }
}
