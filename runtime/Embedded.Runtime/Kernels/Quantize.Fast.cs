using System;
using Embedded.Runtime.Model;
#if NET
using System.Buffers.Binary;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
#endif

namespace Embedded.Runtime.Kernels;

/// <summary>
/// Integer → integer requantization (e.g. the exact input normalization u8 → int16) prepared for eight lanes: the
/// per-channel parameters repeat every lcm(8, C) elements, so they are laid out over one such period and the
/// shared vector requantization applies (zero point + offset, clamp to the output type).
/// </summary>
public sealed class PeriodicRequantize
{
    public int Period { get; }
    public int[] InputZeroPoints { get; }
    public VectorOutputStage Stage { get; }

    private PeriodicRequantize(int period, int[] inputZeroPoints, VectorOutputStage stage)
    {
        Period = period; InputZeroPoints = inputZeroPoints; Stage = stage;
    }

    public static PeriodicRequantize? TryCreate(TensorDefinition input, TensorDefinition output, QuantizeParams p)
    {
        if (input.Type is not (ElementType.Int8 or ElementType.UInt8) || output.Quantization is null || input.Quantization is null) return null;
        int channels = output.Rank == 0 ? 1 : output.Shape[output.Rank - 1];
        int period = 8;
        while (period % channels != 0) period += 8;
        if (period > 64) return null;
        var multipliers = new Quantization.QuantizedMultiplier[period];
        var zeroPoints = new int[period];
        var inputZeroPoints = new int[period];
        for (int i = 0; i < period; i++)
        {
            int c = i % channels;
            multipliers[i] = p.Multipliers[p.Multipliers.Length == 1 ? 0 : c];
            int offset = p.Offsets.Length == 0 ? 0 : p.Offsets[p.Offsets.Length == 1 ? 0 : c];
            zeroPoints[i] = output.Quantization.ZeroPoints[output.Quantization.Count == 1 ? 0 : c] + offset;
            inputZeroPoints[i] = input.Quantization.ZeroPoints[input.Quantization.Count == 1 ? 0 : c];
        }
        var stage = VectorOutputStage.TryCreate(multipliers, p.Rounding, new[] { output.Type.MinValue() }, new[] { output.Type.MaxValue() }, period, zeroPoints);
        return stage is null ? null : new PeriodicRequantize(period, inputZeroPoints, stage);
    }
}

public static partial class Quantize
{
    /// <summary>
    /// AVX2 requantization over elements [count·part/parts, count·(part+1)/parts) rounded to whole periods; false when
    /// not on AVX2 (the reference then runs).
    /// </summary>
    public static bool TryFast(KernelPath path, QuantizedInput input, QuantizedOutput output, QuantizeParams p, PeriodicRequantize r, int part = 0, int parts = 1)
    {
#if NET
        if (!path.UsesAvx2()) return false;
        int count = output.Bytes.Length / output.Type.SizeInBytes();
        int periods = count / r.Period;
        int begin = (int)((long)periods * part / parts) * r.Period;
        int end = part == parts - 1 ? count : (int)((long)periods * (part + 1) / parts) * r.Period;
        bool signed = input.Type == ElementType.Int8;
        Span<int> values = stackalloc int[8];
        int i = begin;
        for (; i + r.Period <= end; i += r.Period)
            for (int lane = 0; lane < r.Period; lane += 8)
            {
                var raw = Vector128.CreateScalar(BinaryPrimitives.ReadUInt64LittleEndian(input.Bytes.Slice(i + lane)));
                var x = signed ? Avx2.ConvertToVector256Int32(raw.AsSByte()) : Avx2.ConvertToVector256Int32(raw.AsByte());
                x -= Vector256.Create((ReadOnlySpan<int>)r.InputZeroPoints.AsSpan(lane, 8));
                OutputStageX86.Store(OutputStageX86.Apply8(x, r.Stage, lane, path.UsesAvx512()), output, i + lane, 8, values);
            }
        for (; i < end; i++)
            output.Store(i, r.Stage.ApplyScalar(input[i] - r.InputZeroPoints[i % r.Period], i % r.Period));
        return true;
#else
        return false;
#endif
    }
}
