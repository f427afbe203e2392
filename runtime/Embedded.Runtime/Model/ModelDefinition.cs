using System;
using System.Collections.Generic;

namespace Embedded.Runtime.Model;

/// <summary>
/// The complete content of an .emb file as plain objects: what the writer serializes and the reader returns.
/// </summary>
public sealed class ModelDefinition
{
    public ModelMetadata Metadata { get; }
    public IReadOnlyList<TensorDefinition> Tensors { get; }
    public IReadOnlyList<OperatorDefinition> Operators { get; }
    public int[] Inputs { get; }
    public int[] Outputs { get; }
    public MemoryPlan Plan { get; }

    public ModelDefinition(ModelMetadata metadata, IReadOnlyList<TensorDefinition> tensors, IReadOnlyList<OperatorDefinition> operators,
        int[] inputs, int[] outputs, MemoryPlan plan)
    {
        Metadata = metadata ?? throw new ArgumentNullException(nameof(metadata));
        Tensors = tensors ?? throw new ArgumentNullException(nameof(tensors));
        Operators = operators ?? throw new ArgumentNullException(nameof(operators));
        Inputs = inputs ?? throw new ArgumentNullException(nameof(inputs));
        Outputs = outputs ?? throw new ArgumentNullException(nameof(outputs));
        Plan = plan ?? throw new ArgumentNullException(nameof(plan));
    }
}
