using System.Collections.Generic;

namespace Embedded.Converter.Graph;

/// <summary>One operator of the float graph, ONNX semantics (NCHW), inputs and outputs named.</summary>
public sealed class Node
{
    public string Name { get; set; }
    public string OpType { get; set; }
    /// <summary>Input value names; "" marks an omitted optional input.</summary>
    public List<string> Inputs { get; }
    public List<string> Outputs { get; }
    public Attributes Attributes { get; }

    public Node(string name, string opType, IEnumerable<string> inputs, IEnumerable<string> outputs, Dictionary<string, AttributeValue>? attributes = null)
    {
        Name = name;
        OpType = opType;
        Inputs = new List<string>(inputs);
        Outputs = new List<string>(outputs);
        Attributes = new Attributes(this, attributes ?? new Dictionary<string, AttributeValue>());
    }

    public string Input(int k) => k < Inputs.Count ? Inputs[k] : "";
    public bool HasInput(int k) => Input(k).Length > 0;

    public override string ToString() => $"{OpType} '{Name}'";
}
