using System;
using System.Linq;

namespace Embedded.Converter.Tflite;

/// <summary>
/// What an operator's operands must look like before either importer reads their shapes: the ranks the operator is
/// defined on (a convolution's NHWC input, OHWI weights and output; a fully connected layer's [outputs, inputs] weights;
/// a pool's, mean's or resize's 4-D tensors) and no dimension of 0 — a file that breaks them is refused here, naming the
/// operator and tensor, instead of indexing past a shape or dividing by a zero size later (both found by fuzzing).
/// </summary>
internal static class TfliteOperandRules
{
    private const int Add = 0, AveragePool2D = 1, Conv2D = 3, DepthwiseConv2D = 4, FullyConnected = 9, MaxPool2D = 17, Mul = 18,
        ResizeBilinear = 23, Softmax = 25, Mean = 40, Sub = 41;

    public static void Check(TfliteSubGraph graph, TfliteOperator op, Func<string, Exception> error)
    {
        foreach (int t in op.Inputs.Concat(op.Outputs))
            if (t >= 0 && graph.Tensors[t].Shape.Any(d => d < 1))
                throw error($"tensor '{graph.Tensors[t].Name}' [{string.Join(",", graph.Tensors[t].Shape)}] has a dimension below 1");
        switch (op.BuiltinCode)
        {
            case Conv2D:
            case DepthwiseConv2D:
                Rank(graph, op.Inputs[0], 4, "input", error);
                Rank(graph, op.Inputs[1], 4, "weights", error);
                Rank(graph, op.Outputs[0], 4, "output", error);
                if (op.Inputs.Length > 2 && op.Inputs[2] >= 0) Rank(graph, op.Inputs[2], 1, "bias", error);
                break;
            case FullyConnected:
                Rank(graph, op.Inputs[1], 2, "weights", error);
                break;
            case AveragePool2D:
            case MaxPool2D:
            case ResizeBilinear:
            case Mean:
                Rank(graph, op.Inputs[0], 4, "input", error);
                if (op.BuiltinCode != Mean) Rank(graph, op.Outputs[0], 4, "output", error);
                break;
            case Add:
            case Sub:
            case Mul:
            case Softmax:
                if (graph.Tensors[op.Outputs[0]].Shape.Length is < 1 or > 4)
                    throw error($"output '{graph.Tensors[op.Outputs[0]].Name}' must have rank 1 to 4");
                break;
        }
    }

    private static void Rank(TfliteSubGraph graph, int tensor, int rank, string what, Func<string, Exception> error)
    {
        var t = graph.Tensors[tensor];
        if (t.Shape.Length != rank)
            throw error($"{what} '{t.Name}' [{string.Join(",", t.Shape)}] must have rank {rank}");
    }
}
