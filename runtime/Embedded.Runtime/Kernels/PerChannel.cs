namespace Embedded.Runtime.Kernels;

/// <summary>Helpers every kernel shares for per-channel parameter arrays (length 1 = shared) and output clamping.</summary>
internal static class PerChannel
{
    public static T Pick<T>(T[] perChannel, int channel) => perChannel[perChannel.Length == 1 ? 0 : channel];

    public static int Clamp(long q, int min, int max) => q < min ? min : q > max ? max : (int)q;
}
