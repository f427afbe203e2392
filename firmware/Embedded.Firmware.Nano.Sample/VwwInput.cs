namespace Embedded.Firmware.Nano.Sample
{
    /// <summary>
    /// An RGB565 frame of the model's size → Visual Wake Words' int8 input (RGB, value − 128): 5- and 6-bit channels
    /// widened by repeating their high bits, as boards/…/Frames/PixelConversion does for the Linux boards.
    /// </summary>
    public static class VwwInput
    {
        public static void FromRgb565(byte[] frame, byte[] input)
        {
            int pixels = input.Length / 3;
            for (int p = 0; p < pixels; p++)
            {
                int v = frame[2 * p] << 8 | frame[2 * p + 1];
                int r = v >> 11, g = (v >> 5) & 0x3F, b = v & 0x1F;
                input[3 * p] = (byte)((r << 3 | r >> 2) ^ 0x80);
                input[3 * p + 1] = (byte)((g << 2 | g >> 4) ^ 0x80);
                input[3 * p + 2] = (byte)((b << 3 | b >> 2) ^ 0x80);
            }
        }
    }
}
