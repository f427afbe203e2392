using System;
using System.Collections.Generic;
using System.Linq;
using Embedded.Converter.Float;
using Embedded.Converter.Graph;
using Embedded.Runtime.Execution;
using Embedded.Runtime.Kernels;
using Embedded.Runtime.Model;

namespace Embedded.Converter.Quantization;

/// <summary>
/// Empirical bias correction: quantization shifts the mean of a layer's output; for every conv/FC whose output
/// stage is linear (no fused activation), the mean error per output channel is measured against the float graph
/// on calibration images and removed from the int32 bias (in accumulator units, s_acc = the weight scale, since
/// input scales are folded into the weights). Layers are corrected in execution order, each measured with the
/// corrections before it in place.
/// </summary>
public static class BiasCorrection
{
    public sealed record Result(QuantizedModel Model, int Layers, int Channels);

    public static Result Apply(ModelGraph graph, QuantizedModel quantized, IReadOnlyList<byte[]> pixels)
    {
        var definition = quantized.Definition;
        var candidates = new Dictionary<int, (double[] sumQ, double[] sumF, long[] count)>();
        for (int i = 0; i < definition.Operators.Count; i++)
        {
            var op = definition.Operators[i];
            var stage = op.Params switch { Conv2DParams c => c.Output, DepthwiseConv2DParams d => d.Output, FullyConnectedParams f => f.Output, _ => null };
            if (stage is null || stage.Activation != FusedActivation.None || op.Inputs.Length < 3 || op.Inputs[2] < 0) continue;
            int channels = definition.Tensors[op.Outputs[0]].Shape[^1];
            candidates[i] = (new double[channels], new double[channels], new long[channels]);
        }
        if (candidates.Count == 0 || pixels.Count == 0) return new Result(quantized, 0, 0);

        var wanted = new HashSet<string>(candidates.Keys.Select(i => definition.Tensors[definition.Operators[i].Outputs[0]].Name));
        var executor = new FloatExecutor(graph);
        var shape = graph.Value(graph.Inputs[0]).Shape!;
        var references = new List<Dictionary<string, TensorData>>();
        foreach (var image in pixels)
        {
            var floats = new Dictionary<string, TensorData>();
            executor.Run(new[] { ModelConverter.PixelsToTensor(image, shape) }, (name, value) => { if (wanted.Contains(name)) floats[name] = value; });
            references.Add(floats);
        }

        // Layer by layer in execution order, each measured with every earlier correction in place: a corrected bias
        // changes the inputs of the layers after it, so errors measured on the uncorrected model would be stale.
        var tensors = definition.Tensors.ToArray();
        int adjusted = 0;
        foreach (var index in candidates.Keys.OrderBy(i => i))
        {
            var (sumQ, sumF, count) = candidates[index];
            var current = new ModelDefinition(definition.Metadata, tensors, definition.Operators, definition.Inputs, definition.Outputs, definition.Plan);
            var interpreter = EmbeddedModel.FromDefinition(current).CreateInterpreter();
            for (int image = 0; image < pixels.Count; image++)
            {
                var floats = references[image];
                pixels[image].CopyTo(interpreter.Input(0).Bytes);
                interpreter.InvokeObserved((observed, tensor, bytes) =>
                {
                    if (observed != index || !floats.TryGetValue(tensor.Name, out var f)) return;
                    QuantizedComparison.ForEach(f, tensor, bytes, (c, reference, real) =>
                    {
                        sumQ[c] += real;
                        sumF[c] += reference;
                        count[c]++;
                    });
                });
            }
            var op = definition.Operators[index];
            var weights = definition.Tensors[op.Inputs[1]];
            var bias = definition.Tensors[op.Inputs[2]];
            var values = Elements.AsInt32s(bias.Data.Span).ToArray();
            for (int c = 0; c < values.Length; c++)
            {
                if (count[c] == 0) continue;
                double meanError = (sumQ[c] - sumF[c]) / count[c];
                long delta = (long)Math.Round(meanError / weights.Quantization!.ScaleAt(weights.Quantization.IsPerAxis ? c : 0));
                if (delta == 0) continue;
                values[c] = (int)Math.Clamp(values[c] - delta, int.MinValue / 2, int.MaxValue / 2);
                adjusted++;
            }
            var data = new byte[values.Length * 4];
            Buffer.BlockCopy(values, 0, data, 0, data.Length);
            tensors[op.Inputs[2]] = new TensorDefinition(bias.Name, bias.Type, bias.Shape, bias.Quantization, data);
        }
        var corrected = new ModelDefinition(definition.Metadata, tensors, definition.Operators, definition.Inputs, definition.Outputs, definition.Plan);
        return new Result(new QuantizedModel(corrected, quantized.TensorOfValue), candidates.Count, adjusted);
    }
}
