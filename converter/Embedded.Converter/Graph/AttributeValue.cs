using System;
using System.Collections.Generic;
using System.Linq;

namespace Embedded.Converter.Graph;

/// <summary>Attribute kinds of a node.</summary>
public enum AttributeKind { Float, Int, String, Tensor, Floats, Ints, Strings, Graph, Other }

/// <summary>One node attribute, typed.</summary>
public sealed class AttributeValue
{
    public AttributeKind Kind { get; init; }
    public float Float { get; init; }
    public long Int { get; init; }
    public string String { get; init; } = "";
    public TensorData? Tensor { get; init; }
    public float[] Floats { get; init; } = Array.Empty<float>();
    public long[] Ints { get; init; } = Array.Empty<long>();
    public string[] Strings { get; init; } = Array.Empty<string>();

    public override string ToString() => Kind switch
    {
        AttributeKind.Float => Float.ToString(System.Globalization.CultureInfo.InvariantCulture),
        AttributeKind.Int => Int.ToString(System.Globalization.CultureInfo.InvariantCulture),
        AttributeKind.String => $"\"{String}\"",
        AttributeKind.Ints => "[" + string.Join(",", Ints) + "]",
        AttributeKind.Floats => "[" + string.Join(",", Floats) + "]",
        AttributeKind.Tensor => Tensor?.ToString() ?? "tensor",
        _ => Kind.ToString(),
    };
}

/// <summary>A node's attributes with typed accessors that fail with the node and attribute named.</summary>
public sealed class Attributes
{
    private readonly Dictionary<string, AttributeValue> _values;
    private readonly Node _owner;

    internal Attributes(Node owner, Dictionary<string, AttributeValue> values)
    {
        _owner = owner;
        _values = values;
    }

    public IEnumerable<string> Names => _values.Keys;
    public bool Has(string name) => _values.ContainsKey(name);

    private AttributeValue Get(string name, AttributeKind kind)
    {
        var v = _values[name];
        if (v.Kind != kind) throw new GraphException(_owner, $"attribute '{name}' must be {kind}, found {v.Kind}");
        return v;
    }

    public long Int(string name, long fallback) => Has(name) ? Get(name, AttributeKind.Int).Int : fallback;
    public long Int(string name) => Has(name) ? Get(name, AttributeKind.Int).Int : throw new GraphException(_owner, $"required attribute '{name}' is missing");
    public float Float(string name, float fallback) => Has(name) ? Get(name, AttributeKind.Float).Float : fallback;
    public string String(string name, string fallback) => Has(name) ? Get(name, AttributeKind.String).String : fallback;
    public long[] Ints(string name, long[] fallback) => Has(name) ? Get(name, AttributeKind.Ints).Ints : fallback;
    public long[]? IntsOrNull(string name) => Has(name) ? Get(name, AttributeKind.Ints).Ints : null;
    public TensorData Tensor(string name) => (Has(name) ? Get(name, AttributeKind.Tensor).Tensor : null) ?? throw new GraphException(_owner, $"required tensor attribute '{name}' is missing");

    /// <summary>Fails on any attribute not in <paramref name="known"/>: an attribute we would ignore could change the result.</summary>
    public void AllowOnly(params string[] known)
    {
        foreach (string name in _values.Keys)
            if (!known.Contains(name))
                throw new GraphException(_owner, $"attribute '{name}' = {_values[name]} is not supported");
    }

    public void Set(string name, AttributeValue value) => _values[name] = value;
}
