using System;
using Embedded.Converter.Graph;

namespace Embedded.Converter.Float.Operators;

/// <summary>Elementwise functions of one float tensor; the output has the input's shape.</summary>
public abstract class UnaryOperator : FloatOperator
{
    protected abstract string[] AllowedAttributes { get; }
    protected virtual int MaxInputs => 1;

    public override void Check(Node node)
    {
        node.Attributes.AllowOnly(AllowedAttributes);
        if (node.Inputs.Count < 1 || node.Inputs.Count > MaxInputs) throw new GraphException(node, $"expects 1..{MaxInputs} inputs, has {node.Inputs.Count}");
    }

    public override OutputInfo[] Infer(Node node, ValueInfo?[] inputs) => new[] { new OutputInfo(ShapeOf(node, inputs, 0), RequiredInfo(node, inputs, 0).Kind) };

    public override TensorData[] Execute(Node node, TensorData?[] inputs)
    {
        var x = Required(node, inputs, 0);
        // Identity overrides Execute and copies any kind; the functions are of floats (found by fuzzing: an int64 constant).
        if (x.Kind != DataKind.Float) throw new GraphException(node, $"takes a float tensor, not {x.Kind}");
        var f = Function(node, inputs);
        var y = new float[x.Length];
        for (int i = 0; i < y.Length; i++) y[i] = f(x.Floats[i]);
        return new[] { TensorData.FromFloats(x.Shape, y) };
    }

    protected abstract Func<float, float> Function(Node node, TensorData?[] inputs);
}

public sealed class Relu : UnaryOperator
{
    public override string OpType => "Relu";
    protected override string[] AllowedAttributes => Array.Empty<string>();
    protected override Func<float, float> Function(Node node, TensorData?[] inputs) => x => x > 0 ? x : 0;
}

public sealed class LeakyRelu : UnaryOperator
{
    public override string OpType => "LeakyRelu";
    protected override string[] AllowedAttributes => new[] { "alpha" };
    protected override Func<float, float> Function(Node node, TensorData?[] inputs)
    {
        float alpha = node.Attributes.Float("alpha", 0.01f);
        return x => x >= 0 ? x : alpha * x;
    }
}

public sealed class Sigmoid : UnaryOperator
{
    public override string OpType => "Sigmoid";
    protected override string[] AllowedAttributes => Array.Empty<string>();
    protected override Func<float, float> Function(Node node, TensorData?[] inputs) => x => 1f / (1f + MathF.Exp(-x));
}

public sealed class Tanh : UnaryOperator
{
    public override string OpType => "Tanh";
    protected override string[] AllowedAttributes => Array.Empty<string>();
    protected override Func<float, float> Function(Node node, TensorData?[] inputs) => MathF.Tanh;
}

/// <summary>max(0, min(1, alpha·x + beta)); PyTorch exports alpha = 1/6 with the default beta 0.5.</summary>
public sealed class HardSigmoid : UnaryOperator
{
    public override string OpType => "HardSigmoid";
    protected override string[] AllowedAttributes => new[] { "alpha", "beta" };
    protected override Func<float, float> Function(Node node, TensorData?[] inputs)
    {
        float alpha = node.Attributes.Float("alpha", 0.2f), beta = node.Attributes.Float("beta", 0.5f);
        return x => MathF.Max(0f, MathF.Min(1f, alpha * x + beta));
    }
}

/// <summary>x · max(0, min(1, x/6 + 1/2)).</summary>
public sealed class HardSwish : UnaryOperator
{
    public override string OpType => "HardSwish";
    protected override string[] AllowedAttributes => Array.Empty<string>();
    protected override Func<float, float> Function(Node node, TensorData?[] inputs) => x => x * MathF.Max(0f, MathF.Min(1f, x * (1f / 6f) + 0.5f));
}

/// <summary>Clip with min/max as optional inputs (opset 11+) or attributes (older exports).</summary>
public sealed class Clip : UnaryOperator
{
    public override string OpType => "Clip";
    protected override string[] AllowedAttributes => new[] { "min", "max" };
    protected override int MaxInputs => 3;

    public (float min, float max) Bounds(Node node, Func<int, TensorData?> input)
    {
        float min = node.Attributes.Float("min", float.NegativeInfinity), max = node.Attributes.Float("max", float.PositiveInfinity);
        if (node.HasInput(1)) min = (float)Scalar(node, input(1), "min (input 1)");
        if (node.HasInput(2)) max = (float)Scalar(node, input(2), "max (input 2)");
        return (min, max);
    }

    private static double Scalar(Node node, TensorData? value, string what)
    {
        if (value is null) throw new GraphException(node, $"{what} must be constant");
        if (value.Length != 1) throw new GraphException(node, $"{what} must be one value, has {value.Length}");
        return value.ScalarAt(0);
    }

    public override OutputInfo[] Infer(Node node, ValueInfo?[] inputs)
    {
        Bounds(node, k => k < inputs.Length ? inputs[k]?.Constant : null);
        return base.Infer(node, inputs);
    }

    protected override Func<float, float> Function(Node node, TensorData?[] inputs)
    {
        var (min, max) = Bounds(node, k => k < inputs.Length ? inputs[k] : null);
        return x => MathF.Min(max, MathF.Max(min, x));
    }
}

/// <summary>Identity, and Dropout in inference (a copy; a requested mask output is refused).</summary>
public sealed class Identity : UnaryOperator
{
    private readonly string _opType;
    public Identity(string opType) => _opType = opType;
    public override string OpType => _opType;
    protected override string[] AllowedAttributes => _opType == "Dropout" ? new[] { "ratio", "seed" } : Array.Empty<string>();
    protected override int MaxInputs => _opType == "Dropout" ? 3 : 1;

    public override void Check(Node node)
    {
        base.Check(node);
        if (node.Outputs.Count > 1 && node.Outputs[1].Length > 0) throw new GraphException(node, "the dropout mask output is not supported (inference only)");
        if (node.HasInput(2)) throw new GraphException(node, "training_mode input is not supported (inference only)");
    }

    public override TensorData[] Execute(Node node, TensorData?[] inputs) => new[] { Required(node, inputs, 0) };
    protected override Func<float, float> Function(Node node, TensorData?[] inputs) => x => x;
}
