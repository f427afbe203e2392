using System;

namespace Embedded.Runtime.Format;

/// <summary>
/// An .emb file (or a model definition about to be written) is malformed. The message names the field and,
/// for files, the byte offset where the problem was found.
/// </summary>
public sealed class ModelFormatException : Exception
{
    /// <summary>The field or structure at fault, e.g. "tensor[12].shape" or "operator[3] 'conv1'".</summary>
    public string Field { get; }

    /// <summary>Absolute byte offset in the file, or -1 when the problem is not tied to one position.</summary>
    public long Offset { get; }

    public ModelFormatException(string field, string problem, long offset = -1)
        : base(offset >= 0 ? $"{field} (file offset {offset}): {problem}" : $"{field}: {problem}")
    {
        Field = field;
        Offset = offset;
    }
}
