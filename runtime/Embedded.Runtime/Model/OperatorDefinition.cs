using System;

namespace Embedded.Runtime.Model;

/// <summary>One operator in execution order: what it reads, what it writes, and its parameters.</summary>
public sealed class OperatorDefinition
{
    /// <summary>Tensor index standing for an absent optional input (e.g. no bias).</summary>
    public const int NoTensor = -1;

    public OperatorCode Code { get; }
    public string Name { get; }
    public int[] Inputs { get; }
    public int[] Outputs { get; }
    public OperatorParams Params { get; }

    public OperatorDefinition(OperatorCode code, string name, int[] inputs, int[] outputs, OperatorParams parameters)
    {
        Code = code;
        Name = name ?? throw new ArgumentNullException(nameof(name));
        Inputs = inputs ?? throw new ArgumentNullException(nameof(inputs));
        Outputs = outputs ?? throw new ArgumentNullException(nameof(outputs));
        Params = parameters ?? throw new ArgumentNullException(nameof(parameters));
    }

    public override string ToString() => $"{Code} '{Name}'";
}
