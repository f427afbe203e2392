using Embedded.Firmware.Nano.Kernels;

namespace Embedded.Firmware.Nano.Execution
{
    /// <summary>
    /// Runs a chain of spatial operators row by row (patch-based inference, as MCUNetV2, without recomputation): each
    /// output row of the last operator pulls exactly the rows of the operator before it that it reads, and so on up the
    /// chain. Every row is computed once, so the bytes are those of running the operators whole; the intermediates live in
    /// ring buffers as tall as their reader's kernel, which is what makes the first layers of a MobileNet fit a small RAM.
    /// </summary>
    public sealed class RowStreamer
    {
        private readonly RowOperator[] _chain;
        private readonly int[] _produced;

        public RowStreamer(RowOperator[] chain)
        {
            _chain = chain;
            _produced = new int[chain.Length];
        }

        public int Length => _chain.Length;

        public void Run(byte[] arena, byte[] model)
        {
            for (int k = 0; k < _produced.Length; k++) _produced[k] = 0;
            int last = _chain.Length - 1;
            for (int row = 0; row < _chain[last].OutputRows; row++) Produce(last, row, arena, model);
        }

        /// <summary>Row <paramref name="row"/> (the next one) of operator <paramref name="k"/>, after the input rows it reads.</summary>
        private void Produce(int k, int row, byte[] arena, byte[] model)
        {
            if (k > 0)
            {
                int needed = _chain[k].LastInputRow(row);
                while (_produced[k - 1] <= needed) Produce(k - 1, _produced[k - 1], arena, model);
            }
            _chain[k].InvokeRows(arena, model, row, row + 1);
            _produced[k] = row + 1;
        }
    }
}
