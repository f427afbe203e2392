using System;
using Embedded.Converter.Graph;

namespace Embedded.Converter.Float.Operators;

/// <summary>
/// Softmax. Opset 13+: along one axis (default −1). Before 13: over the input flattened to 2-D at axis
/// (default 1); the importer marks such nodes with the attribute "coerce_2d".
/// </summary>
public sealed class Softmax : FloatOperator
{
    public override string OpType => "Softmax";
    public override void Check(Node node) => node.Attributes.AllowOnly("axis", "coerce_2d");

    public override OutputInfo[] Infer(Node node, ValueInfo?[] inputs)
    {
        var x = ShapeOf(node, inputs, 0);
        NormalizeAxis(node, node.Attributes.Int("axis", node.Attributes.Has("coerce_2d") ? 1 : -1), x.Length);
        return new[] { new OutputInfo(x, DataKind.Float) };
    }

    public override TensorData[] Execute(Node node, TensorData?[] inputs)
    {
        var x = Required(node, inputs, 0);
        bool coerce = node.Attributes.Has("coerce_2d");
        int axis = NormalizeAxis(node, node.Attributes.Int("axis", coerce ? 1 : -1), x.Rank);
        int outer = 1, length = 1, inner = 1;
        for (int d = 0; d < x.Rank; d++)
        {
            if (d < axis) outer *= x.Shape[d];
            else if (d == axis || coerce) length *= x.Shape[d];
            else inner *= x.Shape[d];
        }
        var y = new float[x.Length];
        for (int o = 0; o < outer; o++)
        for (int i = 0; i < inner; i++)
        {
            int Index(int k) => (o * length + k) * inner + i;
            float max = float.NegativeInfinity;
            for (int k = 0; k < length; k++) max = MathF.Max(max, x.Floats[Index(k)]);
            float sum = 0;
            for (int k = 0; k < length; k++) sum += y[Index(k)] = MathF.Exp(x.Floats[Index(k)] - max);
            for (int k = 0; k < length; k++) y[Index(k)] /= sum;
        }
        return new[] { TensorData.FromFloats(x.Shape, y) };
    }
}
