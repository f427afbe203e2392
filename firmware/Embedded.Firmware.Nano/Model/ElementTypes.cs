namespace Embedded.Firmware.Nano.Model
{
    /// <summary>
    /// The .emb element types (the numbers are the format's; the main runtime's <c>ElementType</c> enum carries methods
    /// nanoFramework's mscorlib cannot compile, so the values are restated here) with widening loads and saturating stores.
    /// </summary>
    public static class ElementTypes
    {
        public const int Int8 = 1;
        public const int UInt8 = 2;
        public const int Int16 = 3;
        public const int Int32 = 4;
        public const int Float32 = 5;
        public const int Int64 = 6;

        public static int SizeInBytes(int type) =>
            type == Int8 || type == UInt8 ? 1 : type == Int16 ? 2 : type == Int64 ? 8 : 4;

        public static int MinValue(int type) =>
            type == Int8 ? -128 : type == UInt8 ? 0 : type == Int16 ? -32768 : int.MinValue;

        public static int MaxValue(int type) =>
            type == Int8 ? 127 : type == UInt8 ? 255 : type == Int16 ? 32767 : int.MaxValue;

        /// <summary>Element <paramref name="index"/> of an integer tensor starting at <paramref name="offset"/>.</summary>
        public static int Load(byte[] b, int offset, int type, int index)
        {
            if (type == Int8) return (sbyte)b[offset + index];
            if (type == UInt8) return b[offset + index];
            if (type == Int16) return (short)(b[offset + 2 * index] | (b[offset + 2 * index + 1] << 8));
            int at = offset + 4 * index;
            return b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24);
        }

        /// <summary>Stores <paramref name="value"/> saturated to the type.</summary>
        public static void Store(byte[] b, int offset, int type, int index, int value)
        {
            if (type == Int8) b[offset + index] = (byte)(value < -128 ? -128 : value > 127 ? 127 : value);
            else if (type == UInt8) b[offset + index] = (byte)(value < 0 ? 0 : value > 255 ? 255 : value);
            else if (type == Int16)
            {
                int v = value < -32768 ? -32768 : value > 32767 ? 32767 : value;
                b[offset + 2 * index] = (byte)v;
                b[offset + 2 * index + 1] = (byte)(v >> 8);
            }
            else Format.LittleEndian.WriteInt32(b, offset + 4 * index, value);
        }

        /// <summary>True for the one-byte integer types.</summary>
        public static bool IsByte(int type) => type == Int8 || type == UInt8;

        /// <summary>
        /// A one-byte element's value is (b ^ <see cref="SignFlip"/>) − <see cref="SignBias"/>: the kernels' 8-bit inner
        /// loops read bytes this way, without a call or a branch per element (nanoCLR interprets every IL instruction).
        /// </summary>
        public static int SignFlip(int type) => type == Int8 ? 0x80 : 0;

        public static int SignBias(int type) => type == Int8 ? 128 : 0;

        public static int Clamp(long q, int min, int max) => q < min ? min : q > max ? max : (int)q;
    }
}
