namespace Embedded.Firmware.Nano.Format
{
    /// <summary>Little-endian reads and writes on byte arrays (the .emb format and the arena are little-endian).</summary>
    public static class LittleEndian
    {
        public static int ReadInt32(byte[] b, int offset) =>
            b[offset] | (b[offset + 1] << 8) | (b[offset + 2] << 16) | (b[offset + 3] << 24);

        public static int ReadInt16(byte[] b, int offset) => (short)(b[offset] | (b[offset + 1] << 8));

        public static int ReadUInt16(byte[] b, int offset) => b[offset] | (b[offset + 1] << 8);

        /// <summary>The float with the IEEE bits at <paramref name="offset"/> (BitConverter is little-endian on every nanoFramework target).</summary>
        public static float ReadSingle(byte[] b, int offset) => System.BitConverter.ToSingle(b, offset);

        public static void WriteInt16(byte[] b, int offset, int value)
        {
            b[offset] = (byte)value;
            b[offset + 1] = (byte)(value >> 8);
        }

        public static void WriteInt32(byte[] b, int offset, int value)
        {
            b[offset] = (byte)value;
            b[offset + 1] = (byte)(value >> 8);
            b[offset + 2] = (byte)(value >> 16);
            b[offset + 3] = (byte)(value >> 24);
        }

        public static void WriteSingle(byte[] b, int offset, float value)
        {
            byte[] bits = System.BitConverter.GetBytes(value);
            b[offset] = bits[0]; b[offset + 1] = bits[1]; b[offset + 2] = bits[2]; b[offset + 3] = bits[3];
        }
    }
}
