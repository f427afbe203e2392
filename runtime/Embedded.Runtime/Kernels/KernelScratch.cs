using System;

namespace Embedded.Runtime.Kernels;

/// <summary>
/// Per-interpreter working memory of the fast kernels, sized once at interpreter creation from the model's
/// packed operators, so an inference allocates nothing: int32 dot products and (im2col) input rows for a chunk
/// of <see cref="ChunkRows"/> output pixels.
/// </summary>
public sealed class KernelScratch
{
    /// <summary>Output pixels computed per GEMM call: enough to amortize weight loads, small enough for L1/L2.</summary>
    public const int ChunkRows = 32;

    /// <summary>Bytes past the last im2col row, so its 16-byte moves and 32-byte sums stay inside (<see cref="Im2Col.UnrollBytes"/>).</summary>
    public const int RowSlack = 32;

    public int[] Dots { get; }
    public byte[] Rows { get; }
    public int[] InputSums { get; }

    /// <summary>Where a kernel that reads memory ahead only to warm the cache puts the bytes' sum (so the reads stay).</summary>
    public int Touched { get; set; }

    /// <summary>A thread's per-channel sums of its pixels in a pool split over threads (read by the thread that finishes the pool).</summary>
    public int[] PartialSums { get; }

    /// <summary>
    /// Zero-point-padded copies of the input rows a depthwise layer's output row reads (the AVX-512 kernel's ring,
    /// <see cref="PackedDepthwise.PaddedRowBytes"/>); a layer that needs more than this takes the AVX2 rows.
    /// </summary>
    public byte[] DepthwiseRows { get; }

    /// <summary>The detection post-processing's decoded boxes, scores and candidate lists (null: the model has none).</summary>
    public DetectionWork? Detection { get; set; }

#if NET
    /// <summary>Slots of <see cref="Vectors"/>.</summary>
    public const int VectorSlots = 8;
    private readonly byte[] _vectorBytes;
    private readonly int _vectorStart;

    /// <summary>
    /// <see cref="VectorSlots"/> 64-byte-aligned ZMM slots of this thread, for a kernel's helper to hand its accumulators
    /// back in. Out parameters would be stack slots, and .NET aligns frames to 16 bytes only: three times in four a
    /// thread's ZMM slots straddle cache lines, and every store and load of them is two.
    /// </summary>
    public ref System.Runtime.Intrinsics.Vector512<int> Vectors =>
        ref System.Runtime.CompilerServices.Unsafe.As<byte, System.Runtime.Intrinsics.Vector512<int>>(
            ref System.Runtime.CompilerServices.Unsafe.Add(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(_vectorBytes), _vectorStart));
#endif

    public KernelScratch(int maxWidth, int maxRowBytes, int maxChannels = 0, int depthwiseRowBytes = 0)
    {
#if NET
        (_vectorBytes, _vectorStart) = AlignedBytes.Allocate(VectorSlots * 64);
#endif
        DepthwiseRows = new byte[depthwiseRowBytes];
        PartialSums = new int[maxChannels];
        Dots = new int[ChunkRows * Math.Max(maxWidth, 1)];
        Rows = new byte[ChunkRows * Math.Max(maxRowBytes, 4) + RowSlack];
        InputSums = new int[ChunkRows];
    }
}
