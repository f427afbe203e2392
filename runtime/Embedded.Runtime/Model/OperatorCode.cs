namespace Embedded.Runtime.Model;

/// <summary>Operators of the .emb format. Values are part of the format; never renumber.</summary>
public enum OperatorCode : ushort
{
    Conv2D = 1,
    DepthwiseConv2D = 2,
    FullyConnected = 3,
    Add = 4,
    Mul = 5,
    AveragePool2D = 6,
    MaxPool2D = 7,
    GlobalAveragePool = 8,
    TableLookup = 9,
    Concat = 10,
    Reshape = 11,
    Pad = 12,
    Softmax = 13,
    Quantize = 14,
    Dequantize = 15,
    GatherChannels = 16,
    Resize = 17,
    ArgMax = 18,
    DetectionPostProcess = 19,
    InterpolatedTable = 20,
}
