using System;
using System.Collections.Generic;

namespace Embedded.Firmware.Cameras;

/// <summary>
/// The options after a camera spec's argument: `KIND:ARGUMENT[,OPTION][,NAME=VALUE]…`. Every option must be read by the
/// camera that takes it; <see cref="RejectUnused"/> turns a typo into an error instead of a silently ignored setting.
/// </summary>
internal sealed class SpecOptions
{
    private readonly string _spec;
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    private readonly string _what;

    /// <param name="what">What the spec describes, for messages: "camera", "--display".</param>
    public SpecOptions(string spec, IEnumerable<string> parts, string what = "camera")
    {
        _spec = spec;
        _what = what;
        foreach (var part in parts)
        {
            if (part.Length == 0) throw new ArgumentException($"{_what} '{spec}': empty option between commas");
            int eq = part.IndexOf('=');
            string name = eq < 0 ? part : part.Substring(0, eq);
            if (!_options.TryAdd(name, eq < 0 ? null : part.Substring(eq + 1))) throw new ArgumentException($"{_what} '{spec}': option '{name}' given twice");
        }
    }

    /// <summary>True when the bare option <paramref name="name"/> is present.</summary>
    public bool Flag(string name)
    {
        if (!_options.TryGetValue(name, out var value)) return false;
        _used.Add(name);
        if (value is not null) throw new ArgumentException($"{_what} '{_spec}': option '{name}' takes no value");
        return true;
    }

    /// <summary>The one bare option among <paramref name="choices"/> (or <paramref name="fallback"/> when none is given).</summary>
    public string Choice(string fallback, params string[] choices)
    {
        string? chosen = null;
        foreach (var choice in choices)
        {
            if (!Flag(choice)) continue;
            if (chosen is not null) throw new ArgumentException($"{_what} '{_spec}': '{chosen}' and '{choice}' exclude each other");
            chosen = choice;
        }
        return chosen ?? fallback;
    }

    /// <summary>The value of `NAME=VALUE`, or null when absent.</summary>
    public string? Value(string name)
    {
        if (!_options.TryGetValue(name, out var value)) return null;
        _used.Add(name);
        if (value is null || value.Length == 0) throw new ArgumentException($"{_what} '{_spec}': option '{name}' needs a value ({name}=…)");
        return value;
    }

    /// <summary>An integer `NAME=N` within [min, max], or <paramref name="fallback"/>.</summary>
    public int Integer(string name, int fallback, int min, int max)
    {
        var text = Value(name);
        if (text is null) return fallback;
        if (!int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int value) || value < min || value > max)
            throw new ArgumentException($"{_what} '{_spec}': {name}={text} is not a whole number in {min}..{max}");
        return value;
    }

    /// <summary>A bare `WxH` option (e.g. 320x240), or null when absent.</summary>
    public (int width, int height)? Size(int maxSide)
    {
        foreach (var (name, value) in _options)
        {
            if (value is not null) continue;
            int x = name.IndexOf('x');
            if (x <= 0 || !char.IsAsciiDigit(name[0])) continue;
            _used.Add(name);
            if (!int.TryParse(name.AsSpan(0, x), out int w) || !int.TryParse(name.AsSpan(x + 1), out int h) || w < 1 || h < 1 || w > maxSide || h > maxSide)
                throw new ArgumentException($"{_what} '{_spec}': size '{name}' is not WIDTHxHEIGHT with sides 1..{maxSide}");
            return (w, h);
        }
        return null;
    }

    /// <summary>Fails on any option no one asked for.</summary>
    public void RejectUnused(string known)
    {
        foreach (var name in _options.Keys)
            if (!_used.Contains(name)) throw new ArgumentException($"{_what} '{_spec}': unknown option '{name}' (this {(_what == "camera" ? "camera" : "option")} takes: {known})");
    }
}
