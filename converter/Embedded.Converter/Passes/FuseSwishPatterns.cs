using System.Linq;
using Embedded.Converter.Float.Operators;
using Embedded.Converter.Graph;

namespace Embedded.Converter.Passes;

/// <summary>Rewrites x·HardSigmoid(x) (alpha 1/6, beta 1/2) as HardSwish(x) and x·Sigmoid(x) as Swish(x).</summary>
public static class FuseSwishPatterns
{
    public static int Run(ModelGraph graph)
    {
        int fused = 0;
        foreach (var mul in graph.Nodes.Where(n => n.OpType == "Mul").ToList())
        {
            for (int side = 0; side < 2; side++)
            {
                string gateValue = mul.Inputs[side], x = mul.Inputs[1 - side];
                var gate = GraphEditing.Producer(graph, gateValue);
                if (gate is null || gate.Inputs[0] != x || !GraphEditing.HasSingleConsumer(graph, gateValue)) continue;
                string? fusedOp = gate.OpType switch
                {
                    "HardSigmoid" when GraphEditing.IsHardSigmoidOfMobileNet(gate) => "HardSwish",
                    "Sigmoid" => InternalOps.Swish,
                    _ => null,
                };
                if (fusedOp is null) continue;
                graph.Nodes.Remove(gate);
                mul.OpType = fusedOp;
                mul.Inputs.Clear();
                mul.Inputs.Add(x);
                fused++;
                break;
            }
        }
        return fused;
    }
}
