using System.Collections.Generic;

namespace Embedded.Runtime.Model;

/// <summary>Multiply-accumulates and parameter counts per operator, for reports (inspect, convert, bench).</summary>
public static class ModelStatistics
{
    /// <summary>Multiply-accumulate operations of one operator (0 for operators without products).</summary>
    public static long MultiplyAccumulates(OperatorDefinition op, IReadOnlyList<TensorDefinition> tensors)
    {
        switch (op.Code)
        {
            case OperatorCode.Conv2D:
            {
                var w = tensors[op.Inputs[1]];
                return (long)tensors[op.Outputs[0]].ElementCount * w.Shape[1] * w.Shape[2] * w.Shape[3];
            }
            case OperatorCode.DepthwiseConv2D:
            {
                var w = tensors[op.Inputs[1]];
                return (long)tensors[op.Outputs[0]].ElementCount * w.Shape[1] * w.Shape[2];
            }
            case OperatorCode.FullyConnected:
                return (long)tensors[op.Outputs[0]].ElementCount * tensors[op.Inputs[1]].Shape[1];
            default:
                return 0;
        }
    }

    /// <summary>Elements of the operator's constant inputs (weights and biases).</summary>
    public static long Parameters(OperatorDefinition op, IReadOnlyList<TensorDefinition> tensors)
    {
        long n = 0;
        foreach (int t in op.Inputs)
            if (t >= 0 && tensors[t].IsConstant) n += tensors[t].ElementCount;
        return n;
    }

    public static long TotalMultiplyAccumulates(ModelDefinition model)
    {
        long n = 0;
        foreach (var op in model.Operators) n += MultiplyAccumulates(op, model.Tensors);
        return n;
    }

    public static long TotalParameters(ModelDefinition model)
    {
        long n = 0;
        foreach (var op in model.Operators) n += Parameters(op, model.Tensors);
        return n;
    }
}
