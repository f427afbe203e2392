using System;
using System.Collections.Generic;
using System.Linq;
using Embedded.Converter.Graph;

namespace Embedded.Converter.Float;

/// <summary>
/// Runs the float graph (ONNX semantics, float32) on one input: the reference for calibration and for
/// verifying every pass and the quantized model. Values are released after their last use; an observer sees
/// each value as it is produced (calibration collects statistics that way).
/// </summary>
public sealed class FloatExecutor
{
    private readonly ModelGraph _graph;
    private readonly FloatOperator[] _operators;
    private readonly Dictionary<string, int> _lastUse = new();

    public FloatExecutor(ModelGraph graph)
    {
        _graph = graph;
        _operators = graph.Nodes.Select(OperatorRegistry.For).ToArray();
        for (int i = 0; i < graph.Nodes.Count; i++)
            foreach (string input in graph.Nodes[i].Inputs)
                if (input.Length > 0) _lastUse[input] = i;
    }

    public ModelGraph Graph => _graph;

    /// <summary>Runs with one tensor per graph input (in <see cref="ModelGraph.Inputs"/> order); returns the graph outputs.</summary>
    public TensorData[] Run(IReadOnlyList<TensorData> inputs, Action<string, TensorData>? observe = null)
    {
        if (inputs.Count != _graph.Inputs.Count) throw new ArgumentException($"{inputs.Count} inputs given, the graph has {_graph.Inputs.Count}");
        var live = new Dictionary<string, TensorData>();
        for (int i = 0; i < inputs.Count; i++)
        {
            var expected = _graph.Value(_graph.Inputs[i]).Shape!;
            if (!inputs[i].Shape.SequenceEqual(expected))
                throw new ArgumentException($"input '{_graph.Inputs[i]}' has shape [{string.Join(",", inputs[i].Shape)}], the graph expects [{string.Join(",", expected)}]");
            live[_graph.Inputs[i]] = inputs[i];
            observe?.Invoke(_graph.Inputs[i], inputs[i]);
        }
        var keep = new HashSet<string>(_graph.Outputs);
        for (int n = 0; n < _graph.Nodes.Count; n++)
        {
            var node = _graph.Nodes[n];
            var args = node.Inputs.Select(name => name.Length == 0 ? null : live.TryGetValue(name, out var t) ? t : _graph.Value(name).Constant).ToArray();
            var results = _operators[n].Execute(node, args);
            for (int k = 0; k < node.Outputs.Count; k++)
            {
                if (node.Outputs[k].Length == 0) continue;
                live[node.Outputs[k]] = results[k];
                observe?.Invoke(node.Outputs[k], results[k]);
            }
            foreach (string input in node.Inputs)
                if (input.Length > 0 && _lastUse[input] == n && !keep.Contains(input)) live.Remove(input);
        }
        return _graph.Outputs.Select(o => live.TryGetValue(o, out var t) ? t : _graph.Value(o).Constant ?? throw new InvalidOperationException($"output '{o}' was not computed")).ToArray();
    }
}
