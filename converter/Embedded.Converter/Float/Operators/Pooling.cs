using System;
using Embedded.Converter.Graph;

namespace Embedded.Converter.Float.Operators;

/// <summary>GlobalAveragePool over H and W of NCHW: [N,C,H,W] → [N,C,1,1].</summary>
public sealed class GlobalAveragePool : FloatOperator
{
    public override string OpType => "GlobalAveragePool";

    public override void Check(Node node) => node.Attributes.AllowOnly();

    public override OutputInfo[] Infer(Node node, ValueInfo?[] inputs)
    {
        var x = ShapeOf(node, inputs, 0);
        if (x.Length != 4) throw new GraphException(node, "only rank-4 (NCHW) input is supported");
        return new[] { new OutputInfo(new[] { x[0], x[1], 1, 1 }, DataKind.Float) };
    }

    public override TensorData[] Execute(Node node, TensorData?[] inputs)
    {
        var x = Required(node, inputs, 0);
        int planes = x.Shape[0] * x.Shape[1], cells = x.Shape[2] * x.Shape[3];
        var y = new float[planes];
        for (int p = 0; p < planes; p++)
        {
            float sum = 0;
            for (int i = 0; i < cells; i++) sum += x.Floats[p * cells + i];
            y[p] = sum / cells;
        }
        return new[] { TensorData.FromFloats(new[] { x.Shape[0], x.Shape[1], 1, 1 }, y) };
    }
}

/// <summary>Windowed AveragePool / MaxPool over NCHW (2-D; ceil_mode as extra padding, <see cref="SpatialGeometry.ForPool"/>).</summary>
public sealed class WindowPool : FloatOperator
{
    private readonly bool _max;
    public WindowPool(bool max) => _max = max;
    public override string OpType => _max ? "MaxPool" : "AveragePool";

    public override void Check(Node node)
    {
        node.Attributes.AllowOnly("auto_pad", "ceil_mode", "count_include_pad", "kernel_shape", "pads", "strides", "dilations", "storage_order");
        if (!node.Attributes.Has("kernel_shape")) throw new GraphException(node, "kernel_shape is required");
        if (node.Attributes.Ints("dilations", new long[] { 1, 1 }) is var d && (d.Length != 2 || d[0] != 1 || d[1] != 1)) throw new GraphException(node, "dilated pooling is not supported");
        if (node.Outputs.Count > 1 && node.Outputs[1].Length > 0) throw new GraphException(node, "the MaxPool indices output is not supported");
    }

    public override OutputInfo[] Infer(Node node, ValueInfo?[] inputs)
    {
        var x = ShapeOf(node, inputs, 0);
        if (x.Length != 4) throw new GraphException(node, "only rank-4 (NCHW) input is supported");
        var g = SpatialGeometry.ForPool(node, x[2], x[3]);
        return new[] { new OutputInfo(new[] { x[0], x[1], g.OutputH(x[2]), g.OutputW(x[3]) }, DataKind.Float) };
    }

    public override TensorData[] Execute(Node node, TensorData?[] inputs)
    {
        var x = Required(node, inputs, 0);
        int planes = x.Shape[0] * x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        var g = SpatialGeometry.ForPool(node, h, w);
        int oh = g.OutputH(h), ow = g.OutputW(w);
        bool includePad = node.Attributes.Int("count_include_pad", 0) != 0;
        var y = new float[planes * oh * ow];
        for (int p = 0; p < planes; p++)
        for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
        {
            float acc = _max ? float.NegativeInfinity : 0f;
            int count = 0;
            for (int ky = 0; ky < g.KernelH; ky++)
            for (int kx = 0; kx < g.KernelW; kx++)
            {
                int iy = oy * g.StrideH - g.PadTop + ky, ix = ox * g.StrideW - g.PadLeft + kx;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                float v = x.Floats[(p * h + iy) * w + ix];
                acc = _max ? MathF.Max(acc, v) : acc + v;
                count++;
            }
            if (!_max) acc /= includePad ? g.KernelH * g.KernelW : Math.Max(1, count);
            y[(p * oh + oy) * ow + ox] = acc;
        }
        return new[] { TensorData.FromFloats(new[] { x.Shape[0], x.Shape[1], oh, ow }, y) };
    }
}
