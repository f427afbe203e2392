using System;
using System.Numerics.Tensors;
using Embedded.Converter.Graph;

namespace Embedded.Converter.Float.Operators;

/// <summary>
/// 2-D convolution, NCHW, weights [Cout, Cin/group, KH, KW], optional bias. Computed as im2col then one
/// vectorized multiply-add per (output channel, kernel tap), summing taps in (ic, ky, kx) order.
/// </summary>
public sealed class Conv : FloatOperator
{
    public override string OpType => "Conv";

    public override void Check(Node node)
    {
        node.Attributes.AllowOnly("auto_pad", "dilations", "group", "kernel_shape", "pads", "strides", InternalOps.ActivationAttribute);
        if (node.Inputs.Count < 2 || node.Inputs.Count > 3) throw new GraphException(node, $"expects 2 or 3 inputs, has {node.Inputs.Count}");
    }

    private static (SpatialGeometry g, int group) Geometry(Node node, int[] x, int[] w)
    {
        if (x.Length != 4 || w.Length != 4) throw new GraphException(node, $"only 2-D convolution (rank-4 input and weights) is supported, input rank {x.Length}, weights rank {w.Length}");
        var g = SpatialGeometry.FromAttributes(node, x[2], x[3], w[2], w[3]);
        if (g.KernelH != w[2] || g.KernelW != w[3]) throw new GraphException(node, $"kernel_shape does not match the weights [{string.Join(",", w)}]");
        long group = node.Attributes.Int("group", 1);
        if (group < 1 || x[1] % group != 0 || w[0] % group != 0 || w[1] * group != x[1])
            throw new GraphException(node, $"group {group} does not fit {x[1]} input channels and weights [{string.Join(",", w)}]");
        return (g, (int)group);
    }

    public override OutputInfo[] Infer(Node node, ValueInfo?[] inputs)
    {
        var x = ShapeOf(node, inputs, 0);
        var w = ShapeOf(node, inputs, 1);
        var (g, _) = Geometry(node, x, w);
        if (node.HasInput(2) && (ShapeOf(node, inputs, 2) is var b) && (b.Length != 1 || b[0] != w[0]))
            throw new GraphException(node, $"bias shape [{string.Join(",", b)}] does not match {w[0]} output channels");
        int oh = g.OutputH(x[2]), ow = g.OutputW(x[3]);
        if (oh < 1 || ow < 1) throw new GraphException(node, "the kernel is larger than the padded input");
        return new[] { new OutputInfo(new[] { x[0], w[0], oh, ow }, DataKind.Float) };
    }

    public override TensorData[] Execute(Node node, TensorData?[] inputs)
    {
        var x = Required(node, inputs, 0);
        var w = Required(node, inputs, 1);
        var bias = node.HasInput(2) ? Required(node, inputs, 2).Floats : null;
        var (g, group) = Geometry(node, x.Shape, w.Shape);
        int n = x.Shape[0], cin = x.Shape[1], h = x.Shape[2], wd = x.Shape[3];
        int cout = w.Shape[0], cinG = w.Shape[1], kh = w.Shape[2], kw = w.Shape[3];
        int oh = g.OutputH(h), ow = g.OutputW(wd), plane = oh * ow;
        int coutG = cout / group, taps = cinG * kh * kw;
        var output = new float[n * cout * plane];
        bool direct = kh == 1 && kw == 1 && g.StrideH == 1 && g.StrideW == 1 && g.PadTop == 0 && g.PadLeft == 0 && g.PadBottom == 0 && g.PadRight == 0;
        var columns = direct ? Array.Empty<float>() : new float[taps * plane];
        for (int b = 0; b < n; b++)
        for (int gr = 0; gr < group; gr++)
        {
            ReadOnlySpan<float> groupInput = x.Floats.AsSpan((b * cin + gr * cinG) * h * wd, cinG * h * wd);
            if (!direct) Im2Col(groupInput, cinG, h, wd, g, oh, ow, columns);
            ReadOnlySpan<float> cols = direct ? groupInput : columns;
            for (int oc = gr * coutG; oc < (gr + 1) * coutG; oc++)
            {
                var dst = output.AsSpan((b * cout + oc) * plane, plane);
                dst.Fill(bias?[oc] ?? 0f);
                ReadOnlySpan<float> weights = w.Floats.AsSpan(oc * taps, taps);
                for (int k = 0; k < taps; k++)
                    TensorPrimitives.MultiplyAdd(cols.Slice(k * plane, plane), weights[k], dst, dst);
            }
        }
        InternalOps.ApplyFusedActivation(node, output);
        return new[] { TensorData.FromFloats(new[] { n, cout, oh, ow }, output) };
    }

    /// <summary>Row (ic, ky, kx) of the column matrix holds the input value under that tap for every output pixel (0 in padding).</summary>
    private static void Im2Col(ReadOnlySpan<float> input, int channels, int h, int w, SpatialGeometry g, int oh, int ow, Span<float> columns)
    {
        int row = 0;
        for (int c = 0; c < channels; c++)
        for (int ky = 0; ky < g.KernelH; ky++)
        for (int kx = 0; kx < g.KernelW; kx++, row++)
        {
            var dst = columns.Slice(row * oh * ow, oh * ow);
            for (int oy = 0; oy < oh; oy++)
            {
                int iy = oy * g.StrideH - g.PadTop + ky * g.DilationH;
                for (int ox = 0; ox < ow; ox++)
                {
                    int ix = ox * g.StrideW - g.PadLeft + kx * g.DilationW;
                    dst[oy * ow + ox] = iy >= 0 && iy < h && ix >= 0 && ix < w ? input[(c * h + iy) * w + ix] : 0f;
                }
            }
        }
    }
}
