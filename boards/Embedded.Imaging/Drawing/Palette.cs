namespace Embedded.Imaging.Drawing;

/// <summary>Distinct colours per class index (the PASCAL VOC colour map's bit interleaving), so neighbouring classes differ.</summary>
public static class Palette
{
    public static (byte r, byte g, byte b) Color(int index)
    {
        int r = 0, g = 0, b = 0, c = index;
        for (int shift = 7; shift >= 0 && c > 0; shift--, c >>= 3)
        {
            r |= (c & 1) << shift;
            g |= ((c >> 1) & 1) << shift;
            b |= ((c >> 2) & 1) << shift;
        }
        return ((byte)r, (byte)g, (byte)b);
    }

    /// <summary>A saturated, bright colour per index (hues a golden angle apart) for outlines that stand out on photos.</summary>
    public static (byte r, byte g, byte b) Bright(int index)
    {
        double hue = index * 0.6180339887 % 1.0 * 6;
        int sector = (int)hue;
        byte rise = (byte)System.Math.Round(255 * (hue - sector)), fall = (byte)(255 - rise);
        return sector switch { 0 => (255, rise, 0), 1 => (fall, 255, 0), 2 => (0, 255, rise), 3 => (0, fall, 255), 4 => (rise, 0, 255), _ => (255, 0, fall) };
    }
}
