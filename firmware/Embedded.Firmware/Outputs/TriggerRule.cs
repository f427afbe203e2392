using System;
using System.Globalization;

namespace Embedded.Firmware.Outputs;

/// <summary>
/// `--on "LABEL>SCORE:gpio=PIN[,release=SCORE][,hold=MS][,active=high|low]"`: drive a GPIO pin (LED, relay, buzzer)
/// while a class's score is above SCORE. It switches off once the score falls below the release level (default
/// SCORE − 0.1: hysteresis, so a score hovering at the threshold does not make the pin chatter) and the pin has been on
/// for at least `hold` milliseconds (default 1000).
/// </summary>
public sealed record TriggerRule(string Label, double Threshold, int Pin, double Release, TimeSpan Hold, bool ActiveHigh)
{
    public const string Syntax = "LABEL>SCORE:gpio=PIN[,release=SCORE][,hold=MS][,active=high|low]";

    public static TriggerRule Parse(string text)
    {
        ArgumentException Bad(string why) => new($"--on '{text}': {why} (expected {Syntax}, e.g. person>0.6:gpio=17)");
        int colon = text.LastIndexOf(':');
        int gt = colon < 0 ? -1 : text.LastIndexOf('>', colon);
        if (colon < 0 || gt <= 0) throw Bad("no LABEL>SCORE: before the pin");
        string label = text.Substring(0, gt).Trim();
        if (!double.TryParse(text.Substring(gt + 1, colon - gt - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out double threshold) || !(threshold >= 0 && threshold < 1))
            throw Bad($"score '{text.Substring(gt + 1, colon - gt - 1)}' is not a number in [0, 1)");
        int pin = -1;
        double release = Math.Max(0, threshold - 0.1);
        var hold = TimeSpan.FromSeconds(1);
        bool activeHigh = true;
        foreach (string part in text.Substring(colon + 1).Split(','))
        {
            int eq = part.IndexOf('=');
            string key = eq < 0 ? part : part.Substring(0, eq), value = eq < 0 ? "" : part.Substring(eq + 1);
            switch (key)
            {
                case "gpio" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int p) && p < 64: pin = p; break;
                case "gpio": throw Bad($"gpio={value} is not a pin number below 64");
                case "release" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double r) && r >= 0 && r <= threshold: release = r; break;
                case "release": throw Bad($"release={value} must lie in [0, {threshold.ToString(CultureInfo.InvariantCulture)}]");
                case "hold" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int ms) && ms <= 3_600_000: hold = TimeSpan.FromMilliseconds(ms); break;
                case "hold": throw Bad($"hold={value} is not milliseconds in 0..3600000");
                case "active" when value is "high" or "low": activeHigh = value == "high"; break;
                case "active": throw Bad($"active={value} must be high or low");
                default: throw Bad($"unknown option '{part}'");
            }
        }
        if (pin < 0) throw Bad("no gpio=PIN");
        if (label.Length == 0) throw Bad("no label");
        return new TriggerRule(label, threshold, pin, release, hold, activeHigh);
    }

    /// <summary>
    /// The class index <see cref="Label"/> names among <paramref name="labels"/>: the whole label or its first name
    /// ("tench" for "tench, Tinca tinca"), case-insensitive, or `#N` for index N.
    /// </summary>
    public int Resolve(string[] labels, int classes)
    {
        if (Label.StartsWith("#", StringComparison.Ordinal))
        {
            if (int.TryParse(Label.Substring(1), NumberStyles.None, CultureInfo.InvariantCulture, out int index) && index < classes) return index;
            throw new ArgumentException($"--on: class {Label} does not exist (the model has {classes} classes)");
        }
        for (int i = 0; i < labels.Length && i < classes; i++)
        {
            string name = labels[i];
            int comma = name.IndexOf(',');
            if (name.Equals(Label, StringComparison.OrdinalIgnoreCase) || (comma > 0 && name.Substring(0, comma).Trim().Equals(Label, StringComparison.OrdinalIgnoreCase)))
                return i;
        }
        throw new ArgumentException(labels.Length == 0
            ? $"--on: the model has no labels to find '{Label}' among: name the class as #N, or give --labels"
            : $"--on: no class is labelled '{Label}' (e.g. '{labels[Math.Min(1, labels.Length - 1)]}'; #N names class N)");
    }
}
