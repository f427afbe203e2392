using System.Linq;
using Embedded.Converter.Float.Operators;
using Embedded.Converter.Graph;

namespace Embedded.Converter.Passes;

/// <summary>
/// Gemm (alpha 1, beta 1, no transA, constant B and C) becomes Emb.FullyConnected with weights [Cout, K]; a
/// Flatten(axis 1) or Reshape to [N, −1] in front of it is absorbed, since FullyConnected reads rows anyway.
/// </summary>
public static class FuseFullyConnected
{
    public static int Run(ModelGraph graph)
    {
        int fused = RewriteMatMul(graph);
        foreach (var gemm in graph.Nodes.Where(n => n.OpType == "Gemm").ToList())
        {
            var a = gemm.Attributes;
            if (a.Float("alpha", 1f) != 1f || a.Float("beta", 1f) != 1f || a.Int("transA", 0) != 0) continue;
            var b = GraphEditing.ConstantOf(graph, gemm.Inputs[1]);
            var c = gemm.HasInput(2) ? GraphEditing.ConstantOf(graph, gemm.Inputs[2]) : null;
            // Float weights and bias only (an int64 constant, found by fuzzing, stays a Gemm, which refuses it by name).
            if (b is null || b.Kind != DataKind.Float || b.Rank != 2 || (c is not null && c.Kind != DataKind.Float)) continue;
            if (gemm.HasInput(2) && (c is null || c.Length != (a.Int("transB", 0) != 0 ? b.Shape[0] : b.Shape[1]))) continue;

            var weights = a.Int("transB", 0) != 0 ? b : TensorData.FromFloats(new[] { b.Shape[1], b.Shape[0] }, Gemm.Transpose2D(b.Floats, b.Shape[0], b.Shape[1]));
            var node = new Node(gemm.Name, InternalOps.FullyConnected, new[] { gemm.Inputs[0], GraphEditing.AddConstant(graph, gemm.Inputs[1] + "/fc", weights) }, gemm.Outputs);
            if (c is not null) node.Inputs.Add(GraphEditing.AddConstant(graph, gemm.Name + "/fc_bias", TensorData.FromFloats(new[] { c.Length }, c.Floats)));

            var flatten = GraphEditing.Producer(graph, gemm.Inputs[0]);
            if (flatten is not null && GraphEditing.HasSingleConsumer(graph, gemm.Inputs[0]) && IsRowFlatten(graph, flatten))
            {
                node.Inputs[0] = flatten.Inputs[0];
                graph.Nodes.Remove(flatten);
            }
            graph.Nodes[graph.Nodes.IndexOf(gemm)] = node;
            fused++;
        }
        return fused;
    }

    /// <summary>
    /// MatMul of a matrix by a constant [K, N] becomes a FullyConnected directly; an Add of a constant [N] (or [1, N])
    /// that alone reads it is its bias (tf2onnx writes Dense layers as MatMul + Add).
    /// </summary>
    private static int RewriteMatMul(ModelGraph graph)
    {
        int rewritten = 0;
        foreach (var matmul in graph.Nodes.Where(n => n.OpType == "MatMul").ToList())
        {
            var b = GraphEditing.ConstantOf(graph, matmul.Inputs[1]);
            var a = graph.Value(matmul.Inputs[0]).Shape;
            if (b is null || b.Kind != DataKind.Float || b.Rank != 2 || a is null || a.Length != 2) continue;
            var weights = TensorData.FromFloats(new[] { b.Shape[1], b.Shape[0] }, Gemm.Transpose2D(b.Floats, b.Shape[0], b.Shape[1]));
            string w = GraphEditing.AddConstant(graph, matmul.Inputs[1] + "/fc", weights);
            var node = new Node(matmul.Name, InternalOps.FullyConnected, new[] { matmul.Inputs[0], w }, matmul.Outputs);
            graph.Nodes[graph.Nodes.IndexOf(matmul)] = node;
            if (GraphEditing.HasSingleConsumer(graph, matmul.Outputs[0]) && GraphEditing.Consumers(graph, matmul.Outputs[0])[0] is { OpType: "Add" } add)
            {
                string other = add.Inputs[0] == matmul.Outputs[0] ? add.Inputs[1] : add.Inputs[0];
                if (GraphEditing.ConstantOf(graph, other) is { } bias && bias.Kind == DataKind.Float && bias.Length == b.Shape[1] && bias.Shape.Count(d => d != 1) <= 1)
                {
                    node.Inputs.Add(GraphEditing.AddConstant(graph, matmul.Name + "/fc_bias", TensorData.FromFloats(new[] { bias.Length }, bias.Floats)));
                    node.Outputs[0] = add.Outputs[0];
                    graph.Nodes.Remove(add);
                }
            }
            rewritten++;
        }
        return rewritten;
    }

    private static bool IsRowFlatten(ModelGraph graph, Node node) => node.OpType switch
    {
        "Flatten" => node.Attributes.Int("axis", 1) == 1,
        "Reshape" => GraphEditing.ConstantOf(graph, node.Inputs[1]) is { } shape && shape.Length == 2 && graph.Value(node.Outputs[0]).Shape![0] == graph.Value(node.Inputs[0]).Shape![0],
        _ => false,
    };
}
