namespace Embedded.Firmware.Nano.Format
{
    /// <summary>
    /// CRC-32 (IEEE, reflected, as zlib) of the file body, bitwise: the 1 KB table of the main runtime's Crc32 would be
    /// RAM on the device, and the check runs once per load.
    /// </summary>
    public static class Crc32
    {
        public static uint Compute(byte[] data, int offset, int length)
        {
            uint crc = 0xFFFFFFFFu;
            for (int i = offset; i < offset + length; i++)
            {
                crc ^= data[i];
                for (int k = 0; k < 8; k++)
                    crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
            return crc ^ 0xFFFFFFFFu;
        }
    }
}
