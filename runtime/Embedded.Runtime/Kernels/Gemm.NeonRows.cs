#if NET
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using Embedded.Runtime.Model;

namespace Embedded.Runtime.Kernels;

public static partial class Gemm
{
    /// <summary>
    /// Where the NEON GEMM tiles (<see cref="TilesNeon"/>, <see cref="TilesDot"/>) put each row's eight dot products of a
    /// block: into the scratch dot products (<see cref="DotRows"/>), or straight through the output stage into the output
    /// (<see cref="StageRows{TStage, TWidth}"/>, so the int32 sums never leave the registers).
    /// </summary>
    internal interface IRowSink
    {
        /// <summary>The tile loop moves to block <paramref name="block"/> of eight output channels.</summary>
        void Block(int block);

        /// <summary>Row <paramref name="row"/> (of the call) of the current block: channels 0–3 and 4–7.</summary>
        void Row(int row, Vector128<int> lower, Vector128<int> upper);
    }

    /// <summary>Dot products into [rows, Blocks·8] int32 (what <see cref="Dot"/> returns).</summary>
    internal ref struct DotRows : IRowSink
    {
        private readonly Span<int> _dot;
        private readonly int _width;
        private int _at;

        public DotRows(Span<int> dot, int width) { _dot = dot; _width = width; _at = 0; }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Block(int block) => _at = block * PackedGemm.BlockChannels;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Row(int row, Vector128<int> lower, Vector128<int> upper)
        {
            ref int d = ref Unsafe.Add(ref MemoryMarshal.GetReference(_dot), row * _width + _at);
            lower.StoreUnsafe(ref d);
            upper.StoreUnsafe(ref d, 4);
        }
    }

    /// <summary>The output element width of a <see cref="StageRows{TStage, TWidth}"/> (a type, so each sink compiles only its own store).</summary>
    internal interface IOutputWidth { static abstract bool Int16 { get; } }

    /// <summary>int8 or uint8 outputs.</summary>
    internal readonly struct Bytes8 : IOutputWidth { public static bool Int16 => false; }

    /// <summary>int16 outputs.</summary>
    internal readonly struct Words16 : IOutputWidth { public static bool Int16 => true; }

    /// <summary>
    /// acc = C[o] + dot (+ f[o]·Σx_s with weight zero points), then the block's output stage and a narrowing store of the
    /// row's eight outputs: what <see cref="Finish"/> does, without the round trip through memory. Lean enough for the JIT
    /// to keep a block's constants in registers (the tiles copy the sink into a local); 8-bit outputs clamp after
    /// narrowing (<see cref="OutputStageNeon.Clamp8"/>); output bounds are checked once per call.
    /// </summary>
    internal ref struct StageRows<TStage, TWidth> : IRowSink where TStage : struct, OutputStageNeon.IBlock4<TStage> where TWidth : struct, IOutputWidth
    {
        private readonly ref byte _rows;   // output row firstRow, channel 0
        private readonly VectorOutputStage _stage;
        private readonly int[] _constants, _factors;
        private readonly ReadOnlySpan<int> _sums;
        private readonly bool _withSums;
        private readonly int _outputs;
        private ref byte _block;
        private int _count;
        private TStage _lower, _upper;
        private OutputStageNeon.Clamp8 _clamp;
        private Vector128<int> _cLower, _cUpper, _fLower, _fUpper;

        public StageRows(QuantizedOutput output, VectorOutputStage stage, PackedGemm w, ReadOnlySpan<int> sums, int firstRow, int rows)
        {
            if (output.Type is not (ElementType.Int8 or ElementType.UInt8 or ElementType.Int16)) throw new ArgumentException($"GEMM rows store 8- or 16-bit outputs, not {output.Type}.", nameof(output));
            if ((output.Type == ElementType.Int16) != TWidth.Int16) throw new ArgumentException($"{output.Type} output for a {(TWidth.Int16 ? 16 : 8)}-bit row sink.", nameof(output));
            int size = TWidth.Int16 ? 2 : 1;
            if (firstRow < 0 || (long)(firstRow + rows) * w.Outputs * size > output.Bytes.Length) throw new ArgumentException("GEMM rows beyond the output.", nameof(rows));
            if (w.NeedsInputSums && sums.Length < rows) throw new ArgumentException("An input sum per row is needed.", nameof(sums));
            _rows = ref Unsafe.Add(ref MemoryMarshal.GetReference(output.Bytes), firstRow * w.Outputs * size);
            _block = ref _rows;
            _stage = stage; _constants = w.Constants; _factors = w.InputSumFactors;
            _withSums = w.NeedsInputSums; _sums = sums; _outputs = w.Outputs;
            _count = 0; _lower = default; _upper = default; _clamp = default;
            _cLower = default; _cUpper = default; _fLower = default; _fUpper = default;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Block(int block)
        {
            int o = block * PackedGemm.BlockChannels;
            _count = Math.Min(PackedGemm.BlockChannels, _outputs - o);
            _block = ref Unsafe.Add(ref _rows, TWidth.Int16 ? 2 * o : o);
            _lower = TStage.For(_stage, o);
            _upper = TStage.For(_stage, o + 4);
            if (!TWidth.Int16) _clamp = OutputStageNeon.Clamp8.For(_stage, o);
            ref int c = ref MemoryMarshal.GetArrayDataReference(_constants);
            _cLower = Vector128.LoadUnsafe(ref c, (nuint)o);
            _cUpper = Vector128.LoadUnsafe(ref c, (nuint)(o + 4));
            if (_withSums)
            {
                ref int f = ref MemoryMarshal.GetArrayDataReference(_factors);
                _fLower = Vector128.LoadUnsafe(ref f, (nuint)o);
                _fUpper = Vector128.LoadUnsafe(ref f, (nuint)(o + 4));
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Row(int row, Vector128<int> lower, Vector128<int> upper)
        {
            lower += _cLower;
            upper += _cUpper;
            if (_withSums)
            {
                var sum = Vector128.Create(Unsafe.Add(ref MemoryMarshal.GetReference(_sums), row));
                lower += _fLower * sum;
                upper += _fUpper * sum;
            }
            if (TWidth.Int16)
            {
                // Clamped in int32 to int16 bounds, so the saturating narrowing keeps every value.
                var words = AdvSimd.ExtractNarrowingSaturateUpper(AdvSimd.ExtractNarrowingSaturateLower(_lower.Apply(lower)), _upper.Apply(upper));
                ref short to = ref Unsafe.As<byte, short>(ref Unsafe.Add(ref _block, 2 * row * _outputs));
                if (_count == PackedGemm.BlockChannels) words.StoreUnsafe(ref to);
                else for (int i = 0; i < _count; i++) Unsafe.Add(ref to, i) = words.GetElement(i);
                return;
            }
            var bytes = _clamp.Bytes(_lower.Scale(lower), _upper.Scale(upper));
            ref byte target = ref Unsafe.Add(ref _block, row * _outputs);
            if (_count == PackedGemm.BlockChannels) Unsafe.WriteUnaligned(ref target, bytes);
            else for (int i = 0; i < _count; i++) Unsafe.Add(ref target, i) = bytes.GetElement(i);
        }
    }

    /// <summary>
    /// NEON <see cref="DotFinish"/>: the tile kernel of the CPU class (SDOT or SMLAL) with the output stage fused, the
    /// stage's block form chosen once per call.
    /// </summary>
    private static void DotFinishNeon(KernelPath path, ReadOnlySpan<byte> x, int rowStride, int rows, int firstRow, PackedGemm w, ReadOnlySpan<int> sums, VectorOutputStage stage, QuantizedOutput output)
    {
        if (OutputStageNeon.IsRightShiftOnly(stage)) DotFinishNeon<OutputStageNeon.RightShift>(path, x, rowStride, rows, firstRow, w, sums, stage, output);
        else if (OutputStageNeon.IsPlain(stage)) DotFinishNeon<OutputStageNeon.Lanes>(path, x, rowStride, rows, firstRow, w, sums, stage, output);
        else if (OutputStageNeon.IsHardSwish(stage)) DotFinishNeon<OutputStageNeon.Gate>(path, x, rowStride, rows, firstRow, w, sums, stage, output);
        else if (stage.SingleRounding) DotFinishNeon<OutputStageNeon.Single>(path, x, rowStride, rows, firstRow, w, sums, stage, output);
        else DotFinishNeon<OutputStageNeon.Any>(path, x, rowStride, rows, firstRow, w, sums, stage, output);
    }

    private static void DotFinishNeon<TStage>(KernelPath path, ReadOnlySpan<byte> x, int rowStride, int rows, int firstRow, PackedGemm w, ReadOnlySpan<int> sums, VectorOutputStage stage, QuantizedOutput output)
        where TStage : struct, OutputStageNeon.IBlock4<TStage>
    {
        if (output.Type == ElementType.Int16) DotFinishNeon<TStage, Words16>(path, x, rowStride, rows, firstRow, w, sums, stage, output);
        else DotFinishNeon<TStage, Bytes8>(path, x, rowStride, rows, firstRow, w, sums, stage, output);
    }

    private static void DotFinishNeon<TStage, TWidth>(KernelPath path, ReadOnlySpan<byte> x, int rowStride, int rows, int firstRow, PackedGemm w, ReadOnlySpan<int> sums, VectorOutputStage stage, QuantizedOutput output)
        where TWidth : struct, IOutputWidth
        where TStage : struct, OutputStageNeon.IBlock4<TStage>
    {
        var sink = new StageRows<TStage, TWidth>(output, stage, w, sums, firstRow, rows);
        if (path.UsesDot()) TilesDot(x, rowStride, rows, w, ref sink);
        else TilesNeon(x, rowStride, rows, w, ref sink);
    }
}
#endif
