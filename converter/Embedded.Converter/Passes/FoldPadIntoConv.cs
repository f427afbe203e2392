using System.Linq;
using Embedded.Converter.Graph;

namespace Embedded.Converter.Passes;

/// <summary>
/// A constant-mode Pad with value 0 on the spatial axes only, read only by a Conv, becomes that Conv's
/// padding (PyTorch exports TF-style "SAME" padding this way). Exact: both pad with the real value 0.
/// </summary>
public static class FoldPadIntoConv
{
    public static int Run(ModelGraph graph)
    {
        int folded = 0;
        foreach (var pad in graph.Nodes.Where(n => n.OpType == "Pad").ToList())
        {
            if (pad.Attributes.String("mode", "constant") != "constant" || !GraphEditing.HasSingleConsumer(graph, pad.Outputs[0])) continue;
            var conv = GraphEditing.Consumers(graph, pad.Outputs[0]).Single();
            if (conv.OpType != "Conv" || conv.Inputs[0] != pad.Outputs[0] || conv.Attributes.String("auto_pad", "NOTSET") != "NOTSET") continue;
            var pads = GraphEditing.ConstantOf(graph, pad.Inputs[1])?.AsLongs();
            var axes = pad.HasInput(3) ? GraphEditing.ConstantOf(graph, pad.Inputs[3])?.AsLongs() : null;
            float fill = pad.HasInput(2) ? (float)(GraphEditing.ConstantOf(graph, pad.Inputs[2])?.ScalarAt(0) ?? float.NaN) : 0f;
            if (pads is null || (pad.HasInput(3) && axes is null) || fill != 0f) continue;
            if ((axes is null && pads.Length != 8) || (axes is not null && pads.Length != 2 * axes.Length)) continue;
            var (before, after) = Float.Operators.Pad.Amounts(pad, pads, 4, axes);
            var amounts = before.Concat(after).Select(a => (long)a).ToArray();
            // [n0, c0, h0, w0, n1, c1, h1, w1]: only H and W may be padded, never negatively.
            if (amounts[0] != 0 || amounts[1] != 0 || amounts[4] != 0 || amounts[5] != 0 || amounts.Any(a => a < 0)) continue;
            var own = conv.Attributes.Ints("pads", new long[] { 0, 0, 0, 0 });
            var merged = new[] { own[0] + amounts[2], own[1] + amounts[3], own[2] + amounts[6], own[3] + amounts[7] };
            conv.Attributes.Set("pads", new AttributeValue { Kind = AttributeKind.Ints, Ints = merged });
            conv.Inputs[0] = pad.Inputs[0];
            graph.Nodes.Remove(pad);
            folded++;
        }
        return folded;
    }
}
