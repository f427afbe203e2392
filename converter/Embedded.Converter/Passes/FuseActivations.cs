using System.Linq;
using Embedded.Converter.Float.Operators;
using Embedded.Converter.Graph;

namespace Embedded.Converter.Passes;

/// <summary>
/// Moves an activation (ReLU, Clip(0,6), h-sigmoid, h-swish) that is the only reader of a Conv or
/// FullyConnected output into that node, so the quantized output stage evaluates it on the accumulator.
/// </summary>
public static class FuseActivations
{
    public static int Run(ModelGraph graph)
    {
        int fused = 0;
        foreach (var act in graph.Nodes.ToList())
        {
            string? name = GraphEditing.FusableActivation(graph, act);
            if (name is null) continue;
            var producer = GraphEditing.Producer(graph, act.Inputs[0]);
            if (producer is null || (producer.OpType != "Conv" && producer.OpType != InternalOps.FullyConnected)) continue;
            if (producer.Attributes.Has(InternalOps.ActivationAttribute) || !GraphEditing.HasSingleConsumer(graph, act.Inputs[0])) continue;
            producer.Attributes.Set(InternalOps.ActivationAttribute, new AttributeValue { Kind = AttributeKind.String, String = name });
            graph.Nodes.Remove(act);
            // The producer now writes the activation's output name, keeping downstream names stable.
            GraphEditing.ReplaceUses(graph, act.Outputs[0], producer.Outputs[0]);
            fused++;
        }
        return fused;
    }
}
