using System;

namespace Embedded.Runtime.Kernels;

/// <summary>Index arithmetic for broadcasting elementwise ops over shapes of rank ≤ 4 (leading 1s added).</summary>
internal readonly struct Broadcast4D
{
    private readonly int _d0, _d1, _d2, _d3;
    private readonly int _s0, _s1, _s2, _s3;

    /// <summary>Strides of <paramref name="shape"/> inside an output of shape <paramref name="outShape"/>; broadcast dimensions get stride 0.</summary>
    public Broadcast4D(ReadOnlySpan<int> shape, ReadOnlySpan<int> outShape)
    {
        Span<int> dims = stackalloc int[4] { 1, 1, 1, 1 };
        Span<int> outDims = stackalloc int[4] { 1, 1, 1, 1 };
        for (int i = 0; i < shape.Length; i++) dims[4 - shape.Length + i] = shape[i];
        for (int i = 0; i < outShape.Length; i++) outDims[4 - outShape.Length + i] = outShape[i];
        int stride3 = 1, stride2 = dims[3], stride1 = dims[3] * dims[2], stride0 = dims[3] * dims[2] * dims[1];
        _s3 = dims[3] == 1 ? 0 : stride3;
        _s2 = dims[2] == 1 ? 0 : stride2;
        _s1 = dims[1] == 1 ? 0 : stride1;
        _s0 = dims[0] == 1 ? 0 : stride0;
        _d0 = outDims[0]; _d1 = outDims[1]; _d2 = outDims[2]; _d3 = outDims[3];
    }

    /// <summary>The flat index in this operand of output element <paramref name="outIndex"/>.</summary>
    public int Map(int outIndex, out int channel)
    {
        int c = outIndex % _d3; int rest = outIndex / _d3;
        int w = rest % _d2; rest /= _d2;
        int h = rest % _d1; int n = rest / _d1;
        channel = c;
        return n * _s0 + h * _s1 + w * _s2 + c * _s3;
    }

    public int OutputCount => _d0 * _d1 * _d2 * _d3;
}
