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
    /// (<see cref="StageRows{TStage}"/>, so the int32 sums never leave the registers).
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

    /// <summary>
    /// acc = C[o] + dot (+ f[o]·Σx_s with weight zero points), then the block's output stage (constants loaded once per
    /// block) and a narrowing store of the row's eight outputs: what <see cref="Finish"/> does, without the round trip.
    /// </summary>
    internal ref struct StageRows<TStage> : IRowSink where TStage : struct, OutputStageNeon.IBlock4<TStage>
    {
        private readonly QuantizedOutput _output;
        private readonly VectorOutputStage _stage;
        private readonly int[] _constants, _factors;
        private readonly ReadOnlySpan<int> _sums;
        private readonly bool _withSums;
        private readonly int _outputs, _firstRow;
        private int _o, _count;
        private TStage _lower, _upper;
        private Vector128<int> _cLower, _cUpper, _fLower, _fUpper;

        public StageRows(QuantizedOutput output, VectorOutputStage stage, PackedGemm w, ReadOnlySpan<int> sums, int firstRow)
        {
            _output = output; _stage = stage; _constants = w.Constants; _factors = w.InputSumFactors;
            _withSums = w.NeedsInputSums; _sums = sums; _outputs = w.Outputs; _firstRow = firstRow;
            _o = 0; _count = 0; _lower = default; _upper = default;
            _cLower = default; _cUpper = default; _fLower = default; _fUpper = default;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Block(int block)
        {
            _o = block * PackedGemm.BlockChannels;
            _count = Math.Min(PackedGemm.BlockChannels, _outputs - _o);
            _lower = TStage.For(_stage, _o);
            _upper = TStage.For(_stage, _o + 4);
            ref int c = ref MemoryMarshal.GetArrayDataReference(_constants);
            _cLower = Vector128.LoadUnsafe(ref c, (nuint)_o);
            _cUpper = Vector128.LoadUnsafe(ref c, (nuint)(_o + 4));
            if (_withSums)
            {
                ref int f = ref MemoryMarshal.GetArrayDataReference(_factors);
                _fLower = Vector128.LoadUnsafe(ref f, (nuint)_o);
                _fUpper = Vector128.LoadUnsafe(ref f, (nuint)(_o + 4));
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Row(int row, Vector128<int> lower, Vector128<int> upper)
        {
            lower += _cLower;
            upper += _cUpper;
            if (_withSums)
            {
                var sum = Vector128.Create(_sums[row]);
                lower += _fLower * sum;
                upper += _fUpper * sum;
            }
            OutputStageNeon.Store8(_lower.Apply(lower), _upper.Apply(upper), _output, (_firstRow + row) * _outputs + _o, _count);
        }
    }

    /// <summary>
    /// <see cref="StageRows{TStage}"/> for int8/uint8 outputs, lean enough for the JIT to keep a block's constants in
    /// registers: the zero point and clamp after narrowing (<see cref="OutputStageNeon.Clamp8"/>), one 8-byte store per row
    /// of a whole block into output bounds checked once per call.
    /// </summary>
    internal ref struct StageRows8<TStage> : IRowSink where TStage : struct, OutputStageNeon.IBlock4<TStage>
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

        public StageRows8(QuantizedOutput output, VectorOutputStage stage, PackedGemm w, ReadOnlySpan<int> sums, int firstRow, int rows)
        {
            if (output.Type is not (ElementType.Int8 or ElementType.UInt8)) throw new ArgumentException("8-bit outputs only.", nameof(output));
            if (firstRow < 0 || (long)(firstRow + rows) * w.Outputs > output.Bytes.Length) throw new ArgumentException("GEMM rows beyond the output.", nameof(rows));
            if (w.NeedsInputSums && sums.Length < rows) throw new ArgumentException("An input sum per row is needed.", nameof(sums));
            _rows = ref Unsafe.Add(ref MemoryMarshal.GetReference(output.Bytes), firstRow * w.Outputs);
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
            _block = ref Unsafe.Add(ref _rows, o);
            _lower = TStage.For(_stage, o);
            _upper = TStage.For(_stage, o + 4);
            _clamp = OutputStageNeon.Clamp8.For(_stage, o);
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
        if (output.Type is ElementType.Int8 or ElementType.UInt8)
        {
            var sink = new StageRows8<TStage>(output, stage, w, sums, firstRow, rows);
            if (path.UsesDot()) TilesDot(x, rowStride, rows, w, ref sink);
            else TilesNeon(x, rowStride, rows, w, ref sink);
        }
        else
        {
            var sink = new StageRows<TStage>(output, stage, w, sums, firstRow);
            if (path.UsesDot()) TilesDot(x, rowStride, rows, w, ref sink);
            else TilesNeon(x, rowStride, rows, w, ref sink);
        }
    }
}
#endif
