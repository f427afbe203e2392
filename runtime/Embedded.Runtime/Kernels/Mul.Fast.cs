using System;
using Embedded.Runtime.Model;
#if NET
using System.Buffers.Binary;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
#endif

namespace Embedded.Runtime.Kernels;

public static partial class Mul
{
    /// <summary>
    /// The squeeze-excite product: an 8-bit [N,H,W,C] tensor times an 8-bit per-channel [N,1,1,C] (or [C]) gate,
    /// eight channels at a time — (a − z_a)(b − z_b) in int32, then the shared vector requantization. False when
    /// the shapes or types are not that pattern (the reference kernel then runs).
    /// </summary>
    public static bool TryFast(KernelPath path, QuantizedInput a, QuantizedInput b, QuantizedOutput output, VectorOutputStage stage, Span<int> gate, int part = 0, int parts = 1, int partEnd = -1)
    {
#if NET
        bool neon = path.UsesNeon() && stage.NeonReady;
        if (!(path.UsesAvx2() || neon) || a.IsWide || b.IsWide || output.Type == ElementType.Int16) return false;
        int channels = output.Channels;
        var outShape = output.Shape;
        if (a.Bytes.Length != output.Bytes.Length) { var t = a; a = b; b = t; }
        if (a.Bytes.Length != output.Bytes.Length || outShape.Length != 4 || b.Bytes.Length * outShape[1] * outShape[2] != output.Bytes.Length || b.Channels != channels) return false;
        int padded = (channels + 7) / 8 * 8;
        if (gate.Length < 2 * padded) return false;
        bool signedA = a.Type == ElementType.Int8;
        bool plain = stage.Activation is not (FusedActivation.HardSigmoid or FusedActivation.HardSwish) && !stage.Wide && !stage.SingleRounding;
        bool avx512 = path.UsesAvx512();
        // gate[0..C): b − z_b per channel for the current batch; gate[padded..): a's zero points per channel.
        var zeroA = gate.Slice(padded, padded);
        if (a.ZeroPoints.Length == channels) a.ZeroPoints.CopyTo(zeroA);
        else zeroA.Slice(0, channels).Fill(a.ZeroPoint(0));
        Span<int> values = stackalloc int[8];
        int pixels = outShape[1] * outShape[2];
        for (int n = 0; n < outShape[0]; n++)
        {
            GateValues(b, n, channels, gate);
            var (first, end) = PartRange.Of(pixels, part, parts, partEnd);
            if (neon)
            {
                RowsNeon(a, n * pixels + first, end - first, signedA, zeroA, gate, stage, output);
                continue;
            }
            // Block-outer: a block's gate, zero points and (plain) requantization constants stay in registers over every pixel.
            // AVX-512 takes sixteen channels a step with the 16-lane stage; what is left goes eight at a time.
            int c0 = 0;
            if (avx512)
            {
                c0 = channels / 8 * 8;
                int firstAt = (n * pixels + first) * channels;
                if ((long)firstAt + (long)(end - first) * channels > Math.Min(a.Bytes.Length, output.Bytes.Length))
                    throw new ArgumentException("Mul: the pixels exceed the tensors.", nameof(output));
                ref byte x = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(a.Bytes.Slice(firstAt));
                ref byte o = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(output.Bytes.Slice(firstAt));
                if (OutputStage512.IsPlain(stage)) Blocks512<OutputStage512.Plain>(ref x, signedA, zeroA, gate, stage, ref o, end - first, channels);
                else Blocks512<OutputStage512.Any>(ref x, signedA, zeroA, gate, stage, ref o, end - first, channels);
            }
            int full = channels / 8 * 8;
            for (int c = c0; c < full; c += 8)
            {
                var lanes = OutputStageX86.Lanes.Load(stage, c);
                var zero = Vector256.Create((ReadOnlySpan<int>)zeroA.Slice(c, 8));
                var g = Vector256.Create((ReadOnlySpan<int>)gate.Slice(c, 8));
                for (int px = first; px < end; px++)
                {
                    int at = (n * pixels + px) * channels + c;
                    var raw = Vector128.CreateScalar(BinaryPrimitives.ReadUInt64LittleEndian(a.Bytes.Slice(at)));
                    var x = signedA ? Avx2.ConvertToVector256Int32(raw.AsSByte()) : Avx2.ConvertToVector256Int32(raw.AsByte());
                    var product = (x - zero) * g;
                    OutputStageX86.Store(plain ? lanes.Apply(product) : OutputStageX86.Apply8(product, stage, c, avx512), output, at, 8, values);
                }
            }
            for (int px = first; px < end; px++)
            for (int c = full; c < channels; c++)
            {
                int at = (n * pixels + px) * channels + c;
                output.Store(at, stage.ApplyScalar((a[at] - a.ZeroPoint(c)) * gate[c], c));
            }
        }
        return true;
#else
        return false;
#endif
    }

    /// <summary>gate[c] = b[n, c] − z_b[c]: straight from the bytes (per-element views cost more than the whole Mul on small maps).</summary>
    private static void GateValues(QuantizedInput b, int n, int channels, Span<int> gate)
    {
        var bytes = b.Bytes.Slice(n * channels, channels);
        var zeroPoints = b.ZeroPoints;
        bool perChannel = zeroPoints.Length == channels && channels > 1;
        int zero = b.ZeroPoint(0);
        if (b.Type == ElementType.Int8)
            for (int c = 0; c < channels; c++) gate[c] = (sbyte)bytes[c] - (perChannel ? zeroPoints[c] : zero);
        else
            for (int c = 0; c < channels; c++) gate[c] = bytes[c] - (perChannel ? zeroPoints[c] : zero);
    }

#if NET
    /// <summary>
    /// Channels [0, C rounded down to 8) over <paramref name="count"/> pixels: blocks of sixteen, then a last block of
    /// eight read as one 64-bit load (no read past its pixel) on the same 16 lanes and stored as eight bytes. Block by
    /// block, so a block's gate, zero points and stage constants are loaded once.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void Blocks512<TStage>(ref byte a, bool signed, ReadOnlySpan<int> zeroPoints, ReadOnlySpan<int> gates, VectorOutputStage stage, ref byte output, int count, int channels)
        where TStage : struct, OutputStage512.IBlock<TStage>
    {
        int full8 = channels / 8 * 8;
        for (int c = 0; c < full8; c += 16)
        {
            int lanes = Math.Min(16, full8 - c);
            var block = TStage.For(stage, c);
            var zero = lanes == 16 ? Vector512.Create(zeroPoints.Slice(c, 16)) : Vector256.Create(zeroPoints.Slice(c, 8)).ToVector512();
            var gate = lanes == 16 ? Vector512.Create(gates.Slice(c, 16)) : Vector256.Create(gates.Slice(c, 8)).ToVector512();
            for (int i = 0; i < count; i++)
            {
                nint at = (nint)i * channels + c;
                ref byte pixel = ref System.Runtime.CompilerServices.Unsafe.Add(ref a, at);
                var raw = lanes == 16 ? Vector128.LoadUnsafe(ref pixel) : Vector128.CreateScalar(System.Runtime.CompilerServices.Unsafe.ReadUnaligned<ulong>(ref pixel)).AsByte();
                var x = Widen512.Bytes(raw, signed);
                OutputStage512.StoreBytes(block.Apply((x - zero) * gate), ref output, at, lanes);
            }
        }
    }
#endif
}
