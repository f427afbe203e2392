using System.Linq;
using Embedded.Converter.Float.Operators;
using Embedded.Converter.Graph;

namespace Embedded.Converter.Passes;

/// <summary>
/// Folds inference BatchNormalization into the Conv or Gemm/FullyConnected that feeds it (when that is its only
/// reader): W'[o] = W[o]·m[o], b'[o] = b[o]·m[o] + o[o], with m = γ/√(σ²+ε), o = β − μ·m. A BN that cannot fold
/// stays in the graph as a per-channel affine.
/// </summary>
public static class FoldBatchNorm
{
    public static int Run(ModelGraph graph)
    {
        int folded = 0;
        foreach (var bn in graph.Nodes.Where(n => n.OpType == "BatchNormalization").ToList())
        {
            var producer = GraphEditing.Producer(graph, bn.Inputs[0]);
            if (producer is null || !GraphEditing.HasSingleConsumer(graph, bn.Inputs[0])) continue;
            if (producer.OpType != "Conv" && producer.OpType != InternalOps.FullyConnected) continue;
            if (producer.Attributes.Has(InternalOps.ActivationAttribute)) continue;
            var stats = Enumerable.Range(1, 4).Select(k => GraphEditing.ConstantOf(graph, bn.Inputs[k])).ToArray();
            var weights = GraphEditing.ConstantOf(graph, producer.Inputs[1]);
            var bias = producer.HasInput(2) ? GraphEditing.ConstantOf(graph, producer.Inputs[2]) : null;
            if (stats.Any(s => s is null) || weights is null || (producer.HasInput(2) && bias is null)) continue;

            // Folded only when every per-channel vector has one value per output channel; otherwise the node stays
            // and shape inference refuses it with its name.
            int cout = weights.Shape.Length > 0 ? weights.Shape[0] : 0;
            if (cout == 0 || weights.Kind != DataKind.Float || stats.Any(s => s!.Length != cout || s.Kind != DataKind.Float)
                || (bias is not null && (bias.Length != cout || bias.Kind != DataKind.Float))) continue;
            var (m, o) = BatchNormalization.Affine(bn, stats[0]!, stats[1]!, stats[2]!, stats[3]!);
            int per = weights.Length / cout;
            var w = (float[])weights.Floats.Clone();
            var b = new float[cout];
            for (int c = 0; c < cout; c++)
            {
                for (int i = 0; i < per; i++) w[c * per + i] *= m[c];
                b[c] = (bias?.Floats[c] ?? 0f) * m[c] + o[c];
            }
            producer.Inputs[1] = GraphEditing.AddConstant(graph, producer.Inputs[1] + "/bn_folded", TensorData.FromFloats(weights.Shape, w));
            string biasName = GraphEditing.AddConstant(graph, producer.Name + "/bn_bias", TensorData.FromFloats(new[] { cout }, b));
            if (producer.Inputs.Count > 2) producer.Inputs[2] = biasName; else producer.Inputs.Add(biasName);
            graph.Nodes.Remove(bn);
            GraphEditing.ReplaceUses(graph, bn.Outputs[0], producer.Outputs[0]);
            folded++;
        }
        return folded;
    }
}
