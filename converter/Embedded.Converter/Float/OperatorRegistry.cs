using System.Collections.Generic;
using Embedded.Converter.Float.Operators;
using Embedded.Converter.Graph;

namespace Embedded.Converter.Float;

/// <summary>The ONNX operators the converter understands, by op type.</summary>
public static class OperatorRegistry
{
    private static readonly Dictionary<string, FloatOperator> Operators = Build();

    private static Dictionary<string, FloatOperator> Build()
    {
        var all = new FloatOperator[]
        {
            new Conv(), new BatchNormalization(), new Relu(), new LeakyRelu(), new Clip(), new HardSigmoid(), new HardSwish(), new Sigmoid(), new Tanh(),
            BinaryOperator.Add(), BinaryOperator.Sub(), BinaryOperator.Mul(), BinaryOperator.Div(),
            new GlobalAveragePool(), new ReduceMean(), new WindowPool(max: false), new WindowPool(max: true), new Gemm(), new MatMul(),
            new Flatten(), new Reshape(), new Concat(), new Pad(), new Identity("Identity"), new Identity("Dropout"), new Softmax(), new Transpose(),
            new Normalize(), new Swish(), new FullyConnectedOp(),
            new ShapeOperator(), new Gather(), new Cast(), new ConstantOfShape(), new Slice(), new SqueezeUnsqueeze(unsqueeze: false), new SqueezeUnsqueeze(unsqueeze: true), new Split(),
            new LayoutReshape(), new GatherChannelsOp(), new Resize(), new ArgMax(),
        };
        var map = new Dictionary<string, FloatOperator>();
        foreach (var op in all) map[op.OpType] = op;
        return map;
    }

    public static IEnumerable<string> SupportedOpTypes => Operators.Keys;

    public static FloatOperator For(Node node) =>
        Operators.TryGetValue(node.OpType, out var op) ? op : throw new UnsupportedOperatorException(node, $"'{node.OpType}' (supported: {string.Join(", ", SupportedOpTypes)})");
}
