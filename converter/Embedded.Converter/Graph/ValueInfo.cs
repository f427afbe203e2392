namespace Embedded.Converter.Graph;

/// <summary>What is known of one named value: its shape and kind, and its data when it is a constant.</summary>
public sealed class ValueInfo
{
    public string Name { get; }
    public int[]? Shape { get; set; }
    public DataKind Kind { get; set; }
    public TensorData? Constant { get; set; }

    public ValueInfo(string name, DataKind kind, int[]? shape = null, TensorData? constant = null)
    {
        Name = name;
        Kind = kind;
        Shape = shape;
        Constant = constant;
    }

    public bool IsConstant => Constant is not null;
}
