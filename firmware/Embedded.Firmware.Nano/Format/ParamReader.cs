using Embedded.Runtime.Quantization;

namespace Embedded.Firmware.Nano.Format
{
    /// <summary>
    /// The encodings operator parameters share (docs/model-format.md): per-channel arrays are checked (length 1 or one per
    /// channel, multipliers well formed) and left in the model bytes; the caller keeps their offset.
    /// </summary>
    public static class ParamReader
    {
        public const int MinShift = -31;
        public const int MaxShift = 30;

        public static RoundingMode Rounding(ModelCursor c, string field)
        {
            int at = c.Position;
            int value = c.ReadByte(field);
            if (value > (int)RoundingMode.SingleRounding) throw new NanoModelException(field, "unknown rounding " + value.ToString(), at);
            return (RoundingMode)value;
        }

        /// <summary>Offset of the first (multiplier, shift) pair; <paramref name="count"/> is 0, 1 or <paramref name="channels"/>.</summary>
        public static int Multipliers(ModelCursor c, byte[] model, string field, int channels, out int count)
        {
            count = c.ReadCount(field + ".count", 1 << 16, 8);
            if (count > 1 && count != channels) throw new NanoModelException(field, count.ToString() + " values for " + channels.ToString() + " channels", c.Position);
            int start = c.Take(field, 8 * count);
            for (int i = 0; i < count; i++)
            {
                int m = LittleEndian.ReadInt32(model, start + 8 * i), s = LittleEndian.ReadInt32(model, start + 8 * i + 4);
                if (!((m == 0 && s == 0) || (m > 0 && s >= MinShift && s <= MaxShift)))
                    throw new NanoModelException(field + "[" + i.ToString() + "]", "invalid fixed-point multiplier", start + 8 * i);
            }
            return start;
        }

        /// <summary>Offset of an int32 array whose length must be 1 or <paramref name="channels"/>.</summary>
        public static int Ints(ModelCursor c, string field, int channels, out int count)
        {
            count = c.ReadCount(field + ".count", 1 << 16, 4);
            if (count == 0 || (count > 1 && count != channels)) throw new NanoModelException(field, count.ToString() + " values for " + channels.ToString() + " channels", c.Position);
            return c.Take(field, 4 * count);
        }

        public static int Pick(byte[] model, int offset, int count, int channel) =>
            LittleEndian.ReadInt32(model, offset + (count == 1 ? 0 : 4 * channel));
    }
}
