using Embedded.Runtime.Format;

namespace Embedded.Runtime.Model;

/// <summary>
/// Output channel j is input channel <see cref="Indices"/>[j] (last dimension), values unchanged: the channel
/// shuffles, channel slices and splits of an NHWC tensor. Quantization travels with the channels.
/// </summary>
public sealed class GatherChannelsParams : OperatorParams
{
    public required int[] Indices { get; init; }

    internal override void Write(BinarySink sink) => ParamEncoding.WriteInts(sink, Indices);

    internal static GatherChannelsParams Read(BinaryCursor c) => new() { Indices = ParamEncoding.ReadInts(c, "indices") };
}
