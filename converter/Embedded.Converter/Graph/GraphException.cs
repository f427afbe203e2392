using System;

namespace Embedded.Converter.Graph;

/// <summary>The float graph cannot be imported or processed as it is; the message names the node and the problem.</summary>
public class GraphException : Exception
{
    public string? NodeName { get; }
    public string? OpType { get; }

    public GraphException(string message) : base(message) { }

    public GraphException(Node node, string problem)
        : base($"node '{node.Name}' ({node.OpType}): {problem}")
    {
        NodeName = node.Name;
        OpType = node.OpType;
    }
}

/// <summary>An operator (or operator domain) the converter does not implement.</summary>
public sealed class UnsupportedOperatorException : GraphException
{
    public UnsupportedOperatorException(Node node, string detail)
        : base(node, $"unsupported operator {detail}") { }
}
