namespace Embedded.Runtime.Model;

/// <summary>Element type of a tensor. The numeric values are part of the .emb format.</summary>
public enum ElementType : byte
{
    Int8 = 1,
    UInt8 = 2,
    Int16 = 3,
    Int32 = 4,
    Float32 = 5,
    /// <summary>Only as ArgMax's class indices (TFLite's and ONNX's int64 outputs).</summary>
    Int64 = 6,
}

public static class ElementTypeExtensions
{
    public static int SizeInBytes(this ElementType type) => type switch
    {
        ElementType.Int8 => 1,
        ElementType.UInt8 => 1,
        ElementType.Int16 => 2,
        ElementType.Int32 => 4,
        ElementType.Float32 => 4,
        ElementType.Int64 => 8,
        _ => throw new System.ArgumentOutOfRangeException(nameof(type), type, "unknown element type"),
    };

    public static bool IsDefined(this ElementType type) => type >= ElementType.Int8 && type <= ElementType.Int64;

    /// <summary>True for the integer types an activation tensor may have (int8, uint8, int16).</summary>
    public static bool IsQuantizedActivation(this ElementType type) =>
        type == ElementType.Int8 || type == ElementType.UInt8 || type == ElementType.Int16;

    public static int MinValue(this ElementType type) => type switch
    {
        ElementType.Int8 => sbyte.MinValue,
        ElementType.UInt8 => byte.MinValue,
        ElementType.Int16 => short.MinValue,
        ElementType.Int32 => int.MinValue,
        _ => throw new System.ArgumentOutOfRangeException(nameof(type), type, "not an integer type"),
    };

    public static int MaxValue(this ElementType type) => type switch
    {
        ElementType.Int8 => sbyte.MaxValue,
        ElementType.UInt8 => byte.MaxValue,
        ElementType.Int16 => short.MaxValue,
        ElementType.Int32 => int.MaxValue,
        _ => throw new System.ArgumentOutOfRangeException(nameof(type), type, "not an integer type"),
    };
}
