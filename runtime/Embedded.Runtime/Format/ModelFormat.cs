namespace Embedded.Runtime.Format;

/// <summary>Constants of the .emb container (docs/model-format.md).</summary>
public static class ModelFormat
{
    /// <summary>"EMBD" as the first four bytes of the file.</summary>
    public static readonly byte[] Magic = { (byte)'E', (byte)'M', (byte)'B', (byte)'D' };
    public const ushort VersionMajor = 2;
    public const ushort VersionMinor = 0;

    public const int HeaderBytes = 16;
    public const int MaxSections = 32;
    public const int SectionEntryBytes = 12;

    /// <summary>Sections whose kind has this bit set are optional: a reader that does not know them skips them.</summary>
    public const uint OptionalSectionBit = 0x8000_0000u;

    /// <summary>Constant data (the Data section and each tensor in it) starts on this boundary.</summary>
    public const int DataAlignment = 16;

    /// <summary>Limits that keep a corrupt file from asking for absurd amounts of memory.</summary>
    public const int MaxTensors = 1 << 16;
    public const int MaxOperators = 1 << 16;
    public const int MaxOperatorIo = 64;
    public const int MaxNameBytes = 1 << 16; // TFLite MLIR exports join many op names into one tensor name
    public const int MaxLabels = 1 << 16;
    public const int MaxLabelBytes = 4096;
    public const int MaxProperties = 1024;
    public const int MaxPropertyBytes = 1 << 16;
    public const int MaxTensorBytes = 1 << 30;
    public const int MaxArenaBytes = 1 << 30;
}

/// <summary>Section kinds. Values are part of the format.</summary>
public enum SectionKind : uint
{
    Metadata = 1,
    Tensors = 2,
    Operators = 3,
    Plan = 4,
    Data = 5,
}
