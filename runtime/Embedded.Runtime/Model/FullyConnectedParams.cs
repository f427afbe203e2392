using Embedded.Runtime.Format;

namespace Embedded.Runtime.Model;

/// <summary>Fully connected: input [N, …] flattened to [N, K], weights [Cout, K], optional int32 bias, output [N, Cout].</summary>
public sealed class FullyConnectedParams : OperatorParams
{
    public required OutputStage Output { get; init; }

    internal override void Write(BinarySink sink) => Output.Write(sink);

    internal static FullyConnectedParams Read(BinaryCursor c) => new() { Output = OutputStage.Read(c, "output") };
}
