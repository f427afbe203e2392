namespace Embedded.Converter.Quantization;

/// <summary>One line of the conversion report: an operator of the .emb model and where it came from.</summary>
public sealed record LayerReport(string Name, string Operator, int[] OutputShape, string OutputType, long MultiplyAccumulates, long Parameters,
    string Quantization, string FloatValue);
