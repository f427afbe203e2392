using Embedded.Runtime.Format;

namespace Embedded.Runtime.Model;

/// <summary>Base of every operator's parameter record; each knows how to write itself in the .emb encoding.</summary>
public abstract class OperatorParams
{
    internal abstract void Write(BinarySink sink);
}

/// <summary>Operators whose parameters are all carried by their tensors (Reshape, Dequantize).</summary>
public sealed class NoParams : OperatorParams
{
    public static readonly NoParams Instance = new();
    internal override void Write(BinarySink sink) { }
    internal static NoParams Read(BinaryCursor cursor) => Instance;
}
