using System;
using Embedded.Converter.Graph;

namespace Embedded.Converter.Float.Operators;

/// <summary>Kernel, stride, dilation and padding of a 2-D window operator (Conv, pools), ONNX attribute rules.</summary>
public readonly record struct SpatialGeometry(int KernelH, int KernelW, int StrideH, int StrideW, int DilationH, int DilationW,
    int PadTop, int PadLeft, int PadBottom, int PadRight)
{
    public int OutputH(int inH, bool ceil = false) => Output(inH, KernelH, StrideH, DilationH, PadTop, PadBottom, ceil);
    public int OutputW(int inW, bool ceil = false) => Output(inW, KernelW, StrideW, DilationW, PadLeft, PadRight, ceil);

    private static int Output(int input, int kernel, int stride, int dilation, int before, int after, bool ceil)
    {
        int span = input + before + after - ((kernel - 1) * dilation + 1);
        if (span < 0) return 0;
        return (ceil ? (span + stride - 1) / stride : span / stride) + 1;
    }

    /// <summary>Reads kernel_shape (or the weight shape), strides, dilations, pads and auto_pad for a 4-D NCHW input.</summary>
    public static SpatialGeometry FromAttributes(Node node, int inH, int inW, int kernelH, int kernelW)
    {
        var a = node.Attributes;
        var kernel = a.IntsOrNull("kernel_shape");
        if (kernel is not null)
        {
            if (kernel.Length != 2) throw new GraphException(node, $"only 2-D windows are supported (kernel_shape [{string.Join(",", kernel)}])");
            kernelH = checked((int)kernel[0]);
            kernelW = checked((int)kernel[1]);
        }
        var strides = a.Ints("strides", new long[] { 1, 1 });
        var dilations = a.Ints("dilations", new long[] { 1, 1 });
        if (strides.Length != 2 || dilations.Length != 2) throw new GraphException(node, "strides and dilations must have two entries");
        if (strides[0] < 1 || strides[1] < 1 || dilations[0] < 1 || dilations[1] < 1 || kernelH < 1 || kernelW < 1)
            throw new GraphException(node, "kernel, strides and dilations must be positive");
        int sh = (int)strides[0], sw = (int)strides[1], dh = (int)dilations[0], dw = (int)dilations[1];
        string autoPad = a.String("auto_pad", "NOTSET");
        int pt, pl, pb, pr;
        switch (autoPad)
        {
            case "NOTSET":
            {
                var pads = a.Ints("pads", new long[] { 0, 0, 0, 0 });
                if (pads.Length != 4 || Array.Exists(pads, p => p < 0)) throw new GraphException(node, $"pads [{string.Join(",", pads)}] must be four non-negative values");
                pt = (int)pads[0]; pl = (int)pads[1]; pb = (int)pads[2]; pr = (int)pads[3];
                break;
            }
            case "VALID":
                pt = pl = pb = pr = 0;
                break;
            case "SAME_UPPER":
            case "SAME_LOWER":
            {
                (pt, pb) = Same(inH, kernelH, sh, dh, autoPad == "SAME_UPPER");
                (pl, pr) = Same(inW, kernelW, sw, dw, autoPad == "SAME_UPPER");
                break;
            }
            default:
                throw new GraphException(node, $"auto_pad '{autoPad}' is not supported");
        }
        return new SpatialGeometry(kernelH, kernelW, sh, sw, dh, dw, pt, pl, pb, pr);
    }

    /// <summary>
    /// A pool's geometry with ceil_mode = 1 made explicit: the windows that ceil rounding adds past the bottom and right
    /// become extra padding there, whose cells both pools skip (max over valid cells; average over valid cells, so
    /// count_include_pad = 1 is refused where such cells exist). As in ONNX Runtime and PyTorch, a last window that
    /// would start past the input and its leading padding is dropped.
    /// </summary>
    public static SpatialGeometry ForPool(Node node, int inH, int inW)
    {
        var g = FromAttributes(node, inH, inW, 1, 1);
        if (node.Attributes.Int("ceil_mode", 0) == 0) return g;
        int extraH = CeilExtra(inH, g.KernelH, g.StrideH, g.DilationH, g.PadTop, g.PadBottom);
        int extraW = CeilExtra(inW, g.KernelW, g.StrideW, g.DilationW, g.PadLeft, g.PadRight);
        if ((extraH | extraW) != 0 && node.OpType == "AveragePool" && node.Attributes.Int("count_include_pad", 0) != 0)
            throw new GraphException(node, "ceil_mode = 1 with count_include_pad = 1 is not supported where the last window passes the padding");
        return g with { PadBottom = g.PadBottom + extraH, PadRight = g.PadRight + extraW };
    }

    private static int CeilExtra(int input, int kernel, int stride, int dilation, int before, int after)
    {
        int extent = (kernel - 1) * dilation + 1;
        int span = input + before + after - extent;
        if (span < 0) return 0;
        int windows = (span + stride - 1) / stride + 1;
        if ((windows - 1) * stride >= input + before) windows--;
        return Math.Max(0, (windows - 1) * stride + extent - (input + before + after));
    }

    private static (int before, int after) Same(int input, int kernel, int stride, int dilation, bool upper)
    {
        int output = (input + stride - 1) / stride;
        int total = Math.Max(0, (output - 1) * stride + (kernel - 1) * dilation + 1 - input);
        int small = total / 2, large = total - small;
        return upper ? (small, large) : (large, small);
    }
}
