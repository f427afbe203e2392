using Embedded.Firmware.Outputs;

namespace Embedded.Fuzz.Targets;

/// <summary>emb-board's option parsers: a bad option is an ArgumentException naming it, never anything else.</summary>
internal static class OptionTargets
{
    public static void CameraSpec(byte[] input) => Firmware.Cameras.CameraSpec.Check(FuzzTargets.Text(input));

    public static void OnRule(byte[] input) => TriggerRule.Parse(FuzzTargets.Text(input));

    public static void DisplaySpec(byte[] input) => Firmware.Outputs.DisplaySpec.Parse(FuzzTargets.Text(input));
}
