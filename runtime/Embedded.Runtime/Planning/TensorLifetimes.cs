using System.Collections.Generic;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Planning;

/// <summary>
/// When each activation tensor is live, in operator steps: from the operator that writes it (−1 for model
/// inputs) to the last operator that reads it (the operator count for model outputs, which outlive Invoke).
/// </summary>
public sealed class TensorLifetimes
{
    public const int NotLive = int.MinValue;

    public int[] First { get; }
    public int[] Last { get; }

    private TensorLifetimes(int[] first, int[] last)
    {
        First = first;
        Last = last;
    }

    public bool IsLive(int tensor) => First[tensor] != NotLive;

    public bool Overlap(int a, int b) => IsLive(a) && IsLive(b) && First[a] <= Last[b] && First[b] <= Last[a];

    /// <summary>Computes lifetimes; assumes indices are valid (the validator checks them first).</summary>
    public static TensorLifetimes Compute(IReadOnlyList<TensorDefinition> tensors, IReadOnlyList<OperatorDefinition> operators, int[] inputs, int[] outputs)
    {
        int n = tensors.Count;
        var first = new int[n];
        var last = new int[n];
        for (int t = 0; t < n; t++) { first[t] = NotLive; last[t] = NotLive; }
        foreach (int t in inputs) { first[t] = -1; last[t] = -1; }
        for (int i = 0; i < operators.Count; i++)
        {
            foreach (int t in operators[i].Inputs)
                if (t >= 0 && !tensors[t].IsConstant) last[t] = i > last[t] ? i : last[t];
            foreach (int t in operators[i].Outputs)
            {
                if (first[t] == NotLive) first[t] = i;
                if (last[t] < i) last[t] = i;
            }
        }
        foreach (int t in outputs) last[t] = operators.Count;
        return new TensorLifetimes(first, last);
    }
}
