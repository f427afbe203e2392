using System;
using System.Linq;
using Embedded.Converter.Graph;

namespace Embedded.Converter.Float.Operators;

/// <summary>
/// Where each output row (or column) of a resize reads: two source indices and the weight of the second, per
/// ONNX's coordinate transformation, computed in float as ONNX Runtime does. The float executor and the quantizer
/// (which turns the weights into fixed point) share these taps, so both resize the same way.
/// </summary>
public readonly record struct ResizeTaps(int[] Lower, int[] Upper, float[] Fraction)
{
    /// <summary>The source coordinate of output index <paramref name="x"/> (ONNX coordinate_transformation_mode).</summary>
    public static float SourceCoordinate(string mode, int x, int inSize, int outSize, float scale) => mode switch
    {
        "half_pixel" => (x + 0.5f) / scale - 0.5f,
        "pytorch_half_pixel" => outSize > 1 ? (x + 0.5f) / scale - 0.5f : 0f,
        "align_corners" => outSize == 1 ? 0f : x * (float)(inSize - 1) / (outSize - 1),
        "asymmetric" => x / scale,
        _ => throw new ArgumentException($"coordinate_transformation_mode '{mode}' is not supported"),
    };

    /// <summary>Linear taps: the coordinate clamped into the input, its floor, the next index, the fraction between.</summary>
    public static ResizeTaps Linear(string mode, int inSize, int outSize, float scale)
    {
        var lower = new int[outSize];
        var upper = new int[outSize];
        var fraction = new float[outSize];
        for (int x = 0; x < outSize; x++)
        {
            float source = Math.Clamp(SourceCoordinate(mode, x, inSize, outSize, scale), 0f, inSize - 1);
            lower[x] = Math.Min((int)source, inSize - 1);
            upper[x] = Math.Min(lower[x] + 1, inSize - 1);
            fraction[x] = upper[x] == lower[x] ? 0f : source - lower[x];
        }
        return new ResizeTaps(lower, upper, fraction);
    }

    /// <summary>Nearest taps (ONNX nearest_mode); the upper index equals the lower one and the fraction is 0.</summary>
    public static ResizeTaps Nearest(string mode, string nearestMode, int inSize, int outSize, float scale)
    {
        var index = new int[outSize];
        for (int x = 0; x < outSize; x++)
        {
            float source = SourceCoordinate(mode, x, inSize, outSize, scale);
            double rounded = nearestMode switch
            {
                "round_prefer_floor" => MathF.Ceiling(source - 0.5f),
                "round_prefer_ceil" => MathF.Floor(source + 0.5f),
                "floor" => MathF.Floor(source),
                "ceil" => MathF.Ceiling(source),
                _ => throw new ArgumentException($"nearest_mode '{nearestMode}' is not supported"),
            };
            index[x] = (int)Math.Clamp(rounded, 0, inSize - 1);
        }
        return new ResizeTaps(index, (int[])index.Clone(), new float[outSize]);
    }
}

/// <summary>
/// ONNX Resize (opsets 11–19) over the spatial axes of NCHW: nearest or linear, with the half_pixel,
/// pytorch_half_pixel, align_corners and asymmetric coordinate transformations; output size from sizes or scales.
/// </summary>
public sealed class Resize : FloatOperator
{
    public override string OpType => "Resize";

    private static readonly string[] Coordinates = { "half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric" };
    private static readonly string[] NearestModes = { "round_prefer_floor", "round_prefer_ceil", "floor", "ceil" };

    public override void Check(Node node)
    {
        node.Attributes.AllowOnly("mode", "coordinate_transformation_mode", "nearest_mode", "cubic_coeff_a", "exclude_outside", "extrapolation_value", "antialias", "keep_aspect_ratio_policy", "axes");
        string mode = node.Attributes.String("mode", "nearest");
        if (mode is not ("nearest" or "linear")) throw new GraphException(node, $"mode '{mode}' is not supported (nearest, linear)");
        string coordinates = node.Attributes.String("coordinate_transformation_mode", "half_pixel");
        if (!Coordinates.Contains(coordinates)) throw new GraphException(node, $"coordinate_transformation_mode '{coordinates}' is not supported ({string.Join(", ", Coordinates)})");
        string nearest = node.Attributes.String("nearest_mode", "round_prefer_floor");
        if (!NearestModes.Contains(nearest)) throw new GraphException(node, $"nearest_mode '{nearest}' is not supported");
        if (node.Attributes.Int("antialias", 0) != 0) throw new GraphException(node, "antialias = 1 is not supported");
        if (node.Attributes.String("keep_aspect_ratio_policy", "stretch") != "stretch") throw new GraphException(node, "only keep_aspect_ratio_policy = stretch is supported");
        if (node.Attributes.Has("axes")) throw new GraphException(node, "the axes attribute is not supported; give scales or sizes for all four axes");
    }

    /// <summary>Output [N,C,H,W] and the float scales of H and W, from the sizes (input 3) or scales (input 2).</summary>
    public static (int[] shape, float scaleH, float scaleW) Plan(Node node, int[] x, TensorData? scales, TensorData? sizes)
    {
        if (x.Length != 4) throw new GraphException(node, "only 4-D (NCHW) inputs are supported");
        int[] shape;
        float[] factors;
        if (sizes is not null && sizes.Length > 0)
        {
            var s = sizes.AsLongs();
            if (s.Length != 4 || s.Any(v => v < 1 || v > 1 << 16)) throw new GraphException(node, $"sizes [{string.Join(",", s)}] must give 4 dimensions in 1..65536");
            shape = s.Select(v => (int)v).ToArray();
            factors = shape.Select((v, d) => (float)v / x[d]).ToArray();
        }
        else if (scales is not null && scales.Length > 0)
        {
            factors = scales.Floats;
            if (factors.Length != 4 || factors.Any(f => !(f > 0) || float.IsInfinity(f))) throw new GraphException(node, $"scales [{string.Join(",", factors)}] must give 4 positive factors");
            shape = x.Select((v, d) => (int)Math.Floor(v * (double)factors[d])).ToArray();
            if (shape.Any(v => v < 1 || v > 1 << 16)) throw new GraphException(node, $"scales give output [{string.Join(",", shape)}]");
        }
        else throw new GraphException(node, "needs scales or sizes");
        if (shape[0] != x[0] || shape[1] != x[1]) throw new GraphException(node, "only the spatial axes (H, W) can be resized");
        return (shape, factors[2], factors[3]);
    }

    private static (TensorData? scales, TensorData? sizes) Arguments(Node node, Func<int, TensorData?> input) =>
        (node.HasInput(2) ? input(2) : null, node.HasInput(3) ? input(3) : null);

    public override OutputInfo[] Infer(Node node, ValueInfo?[] inputs)
    {
        var (scales, sizes) = Arguments(node, k => ConstantInput(node, inputs, k, k == 2 ? "scales" : "sizes"));
        return new[] { new OutputInfo(Plan(node, ShapeOf(node, inputs, 0), scales, sizes).shape, DataKind.Float) };
    }

    /// <summary>The row and column taps of this node for an input of <paramref name="x"/> (shared with the quantizer).</summary>
    public static (ResizeTaps rows, ResizeTaps columns, bool linear) Taps(Node node, int[] x, int[] y, float scaleH, float scaleW)
    {
        string coordinates = node.Attributes.String("coordinate_transformation_mode", "half_pixel");
        if (node.Attributes.String("mode", "nearest") == "linear")
            return (ResizeTaps.Linear(coordinates, x[2], y[2], scaleH), ResizeTaps.Linear(coordinates, x[3], y[3], scaleW), true);
        string nearest = node.Attributes.String("nearest_mode", "round_prefer_floor");
        return (ResizeTaps.Nearest(coordinates, nearest, x[2], y[2], scaleH), ResizeTaps.Nearest(coordinates, nearest, x[3], y[3], scaleW), false);
    }

    public override TensorData[] Execute(Node node, TensorData?[] inputs)
    {
        var x = Required(node, inputs, 0);
        var (scales, sizes) = Arguments(node, k => inputs[k]);
        var (shape, scaleH, scaleW) = Plan(node, x.Shape, scales, sizes);
        var (rows, columns, _) = Taps(node, x.Shape, shape, scaleH, scaleW);
        int planes = shape[0] * shape[1], inH = x.Shape[2], inW = x.Shape[3], outH = shape[2], outW = shape[3];
        var result = new float[planes * outH * outW];
        for (int p = 0; p < planes; p++)
        for (int oy = 0; oy < outH; oy++)
        {
            int top = (p * inH + rows.Lower[oy]) * inW, bottom = (p * inH + rows.Upper[oy]) * inW;
            float fy = rows.Fraction[oy];
            for (int ox = 0; ox < outW; ox++)
            {
                int left = columns.Lower[ox], right = columns.Upper[ox];
                float fx = columns.Fraction[ox];
                float upper = x.Floats[top + left] * (1 - fx) + x.Floats[top + right] * fx;
                float lower = x.Floats[bottom + left] * (1 - fx) + x.Floats[bottom + right] * fx;
                result[(p * outH + oy) * outW + ox] = upper * (1 - fy) + lower * fy;
            }
        }
        return new[] { TensorData.FromFloats(shape, result) };
    }
}
