using System.Collections.Generic;

namespace Embedded.Converter.Graph;

/// <summary>
/// The converter's float graph: ONNX semantics and layout, nodes in topological order, every value's shape
/// known after <see cref="GraphAnalysis.Run"/>. Passes rewrite it; the float executor runs it.
/// </summary>
public sealed class ModelGraph
{
    public List<Node> Nodes { get; } = new();
    public Dictionary<string, ValueInfo> Values { get; } = new();
    public List<string> Inputs { get; } = new();
    public List<string> Outputs { get; } = new();
    /// <summary>The source model's metadata (ONNX metadata_props), e.g. preprocess.mean.</summary>
    public Dictionary<string, string> Metadata { get; } = new();
    public string Name { get; set; } = "";
    public int OpsetVersion { get; set; }

    public ValueInfo Value(string name) =>
        Values.TryGetValue(name, out var v) ? v : throw new GraphException($"value '{name}' is not defined in the graph");
}
