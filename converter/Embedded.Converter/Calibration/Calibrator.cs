using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Embedded.Converter.Float;
using Embedded.Converter.Graph;

namespace Embedded.Converter.Calibration;

/// <summary>
/// Runs the float graph over the calibration inputs twice — ranges, then histograms over those ranges — and
/// returns statistics for every float value, using every core (each worker keeps its own statistics).
/// </summary>
public static class Calibrator
{
    /// <param name="perChannelValues">values whose per-channel histograms the quantizer will need</param>
    /// <param name="progress">called with the number of finished runs (out of 2 × inputs)</param>
    public static Dictionary<string, ActivationStatistics> Run(ModelGraph graph, IReadOnlyList<TensorData> inputs,
        ISet<string> perChannelValues, Action<int>? progress = null)
    {
        if (inputs.Count == 0) throw new GraphException("calibration needs at least one input");
        var executor = new FloatExecutor(graph);
        var stats = new Dictionary<string, ActivationStatistics>();
        foreach (var (name, info) in graph.Values)
            if (!info.IsConstant && info.Kind == DataKind.Float && info.Shape is { Length: >= 2 } shape)
                stats[name] = new ActivationStatistics(shape[1]);

        int finished = 0;
        void Pass(bool histograms)
        {
            var partials = new List<Dictionary<string, ActivationStatistics>>();
            Parallel.ForEach(inputs, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
                () => stats.ToDictionary(kv => kv.Key, kv => kv.Value.EmptyLike()),
                (input, _, local) =>
                {
                    executor.Run(new[] { input }, (name, value) =>
                    {
                        if (!local.TryGetValue(name, out var s)) return;
                        int inner = value.Length / (value.Shape[0] * value.Shape[1]);
                        if (histograms) s.ObserveHistogram(value.Floats, inner);
                        else s.ObserveRange(value.Floats, inner);
                    });
                    progress?.Invoke(System.Threading.Interlocked.Increment(ref finished));
                    return local;
                },
                local => { lock (partials) partials.Add(local); });
            foreach (var partial in partials)
                foreach (var (name, s) in partial)
                    if (histograms) stats[name].MergeHistograms(s); else stats[name].MergeRange(s);
        }

        Pass(histograms: false);
        foreach (var (name, s) in stats) s.StartHistograms(perChannelValues.Contains(name));
        Pass(histograms: true);
        return stats;
    }
}
