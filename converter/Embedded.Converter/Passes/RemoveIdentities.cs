using System.Linq;
using Embedded.Converter.Graph;

namespace Embedded.Converter.Passes;

/// <summary>Removes Identity and (inference) Dropout nodes, wiring their readers to their input.</summary>
public static class RemoveIdentities
{
    public static int Run(ModelGraph graph)
    {
        int removed = 0;
        foreach (var node in graph.Nodes.Where(n => n.OpType is "Identity" or "Dropout").ToList())
        {
            string input = node.Inputs[0], output = node.Outputs[0];
            if (GraphEditing.IsGraphOutput(graph, output) && graph.Inputs.Contains(input)) continue; // keep a pass-through model intact
            graph.Nodes.Remove(node);
            GraphEditing.ReplaceUses(graph, output, input);
            removed++;
        }
        return removed;
    }
}
