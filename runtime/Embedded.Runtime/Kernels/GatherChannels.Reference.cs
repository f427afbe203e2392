using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

/// <summary>Channel gathers: output[…, j] = input[…, indices[j]] over the last dimension.</summary>
public static partial class GatherChannels
{
    public static void Reference(QuantizedInput input, QuantizedOutput output, GatherChannelsParams p)
    {
        int inChannels = input.Channels, outChannels = p.Indices.Length;
        int pixels = input.Bytes.Length / (input.Type.SizeInBytes() * inChannels);
        for (int pixel = 0; pixel < pixels; pixel++)
        for (int j = 0; j < outChannels; j++)
            output.Store(pixel * outChannels + j, input[pixel * inChannels + p.Indices[j]]);
    }
}
