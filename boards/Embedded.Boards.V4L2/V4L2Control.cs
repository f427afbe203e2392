using System;
using System.Collections.Generic;
using System.Globalization;

namespace Embedded.Boards.V4L2;

/// <summary>
/// A camera control set with VIDIOC_S_CTRL before streaming: its V4L2 id, the value, and the spec option it came
/// from. Values are the driver's own units and ranges (`v4l2-ctl -d /dev/video0 --list-ctrls` lists them); a value the
/// driver refuses is a camera error naming the option.
/// </summary>
public readonly record struct V4L2Control(uint Id, int Value, string Option)
{
    public const uint Brightness = 0x00980900, Contrast = 0x00980901, Saturation = 0x00980902, AutoWhiteBalance = 0x0098090C,
        Gain = 0x00980913, WhiteBalanceTemperature = 0x0098091A, ExposureAuto = 0x009A0901, ExposureAbsolute = 0x009A0902;

    /// <summary>V4L2_CID_EXPOSURE_AUTO values: manual, and aperture priority (what UVC cameras call auto).</summary>
    public const int ExposureManual = 1, ExposureAperturePriority = 3;

    public const string Options = "exposure=auto|N (100 µs units), wb=auto|KELVIN, brightness=N, contrast=N, saturation=N, gain=N";

    /// <summary>
    /// The controls for spec options (name → text): `exposure=auto` or a manual exposure time, `wb=auto` or a colour
    /// temperature, and brightness/contrast/saturation/gain as integers. Manual exposure and white balance first switch
    /// their automatic mode off, as the drivers require.
    /// </summary>
    public static IReadOnlyList<V4L2Control> FromOptions(string spec, Func<string, string?> value)
    {
        var controls = new List<V4L2Control>();
        int Number(string name, string text, int min, int max) =>
            int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n) && n >= min && n <= max
                ? n : throw new ArgumentException($"camera '{spec}': {name}={text} is not a whole number in {min}..{max}");
        if (value("exposure") is { } exposure)
        {
            if (exposure == "auto") controls.Add(new(ExposureAuto, ExposureAperturePriority, "exposure=auto"));
            else
            {
                int time = Number("exposure", exposure, 1, 100_000);
                controls.Add(new(ExposureAuto, ExposureManual, $"exposure={exposure}"));
                controls.Add(new(ExposureAbsolute, time, $"exposure={exposure}"));
            }
        }
        if (value("wb") is { } wb)
        {
            if (wb == "auto") controls.Add(new(AutoWhiteBalance, 1, "wb=auto"));
            else
            {
                int kelvin = Number("wb", wb, 1000, 12000);
                controls.Add(new(AutoWhiteBalance, 0, $"wb={wb}"));
                controls.Add(new(WhiteBalanceTemperature, kelvin, $"wb={wb}"));
            }
        }
        foreach (var (name, id) in new[] { ("brightness", Brightness), ("contrast", Contrast), ("saturation", Saturation), ("gain", Gain) })
            if (value(name) is { } text) controls.Add(new(id, Number(name, text, -100_000, 100_000), $"{name}={text}"));
        return controls;
    }
}
