using Embedded.Runtime.Format;

namespace Embedded.Runtime.Model;

/// <summary>Explicit, possibly asymmetric spatial padding (TF "SAME" pads more at the bottom/right).</summary>
public readonly struct Padding2D : System.IEquatable<Padding2D>
{
    public int Top { get; }
    public int Left { get; }
    public int Bottom { get; }
    public int Right { get; }

    public Padding2D(int top, int left, int bottom, int right)
    {
        Top = top; Left = left; Bottom = bottom; Right = right;
    }

    public static Padding2D None => default;
    public bool IsNone => Top == 0 && Left == 0 && Bottom == 0 && Right == 0;

    public bool Equals(Padding2D other) => Top == other.Top && Left == other.Left && Bottom == other.Bottom && Right == other.Right;
    public override bool Equals(object? obj) => obj is Padding2D other && Equals(other);
    public override int GetHashCode() => ((Top * 31 + Left) * 31 + Bottom) * 31 + Right;
    public static Padding2D Symmetric(int pad) => new(pad, pad, pad, pad);

    /// <summary>TF/ONNX SAME_UPPER padding for one spatial dimension: the extra pixel goes after.</summary>
    public static (int before, int after) Same(int inSize, int kernel, int stride, int dilation)
    {
        int outSize = (inSize + stride - 1) / stride;
        int effective = (kernel - 1) * dilation + 1;
        int total = System.Math.Max(0, (outSize - 1) * stride + effective - inSize);
        return (total / 2, total - total / 2);
    }

    public static Padding2D Same(int inH, int inW, int kernelH, int kernelW, int strideH, int strideW, int dilationH = 1, int dilationW = 1)
    {
        var (top, bottom) = Same(inH, kernelH, strideH, dilationH);
        var (left, right) = Same(inW, kernelW, strideW, dilationW);
        return new Padding2D(top, left, bottom, right);
    }

    internal void Write(BinarySink sink)
    {
        sink.WriteInt32(Top); sink.WriteInt32(Left); sink.WriteInt32(Bottom); sink.WriteInt32(Right);
    }

    internal static Padding2D Read(BinaryCursor cursor, string field) =>
        new(cursor.ReadInt32(field + ".top"), cursor.ReadInt32(field + ".left"), cursor.ReadInt32(field + ".bottom"), cursor.ReadInt32(field + ".right"));

    public override string ToString() => $"t{Top} l{Left} b{Bottom} r{Right}";
}
