namespace Embedded.Firmware.Nano.Kernels
{
    /// <summary>
    /// A spatial operator (Conv2D, DepthwiseConv2D, pools) that can compute a range of its output rows on its own, reading
    /// and writing tensors that may be ring buffers of a few rows: row r of a tensor held in a ring of R rows is at slot
    /// r mod R. With rings as tall as the tensors (the default) this is the plain whole-tensor layout. The row streamer
    /// (Execution/RowStreamer.cs) runs a chain of these row by row, so the chain's intermediates never exist whole.
    /// </summary>
    public abstract class RowOperator : NanoOperator
    {
        /// <summary>Rows of the input / output the buffers hold (0: the whole tensor).</summary>
        public int InputRing, OutputRing;

        protected int StrideH, PadTop, ExtentH;

        public int InputRows => Inputs[0].Shape[1];
        public int OutputRows => Output.Shape[1];

        /// <summary>Rows of the input one output row reads (the kernel's height, dilated).</summary>
        public int Extent => ExtentH;

        /// <summary>The last input row output row <paramref name="row"/> reads (clipped to the input).</summary>
        public int LastInputRow(int row)
        {
            int last = row * StrideH - PadTop + ExtentH - 1;
            return last < InputRows - 1 ? last : InputRows - 1;
        }

        public override void Invoke(byte[] arena, byte[] model) => InvokeRows(arena, model, 0, OutputRows);

        /// <summary>Computes output rows [<paramref name="first"/>, <paramref name="end"/>) of every image.</summary>
        public abstract void InvokeRows(byte[] arena, byte[] model, int first, int end);

        protected int InRing => InputRing > 0 ? InputRing : InputRows;
        protected int OutRing => OutputRing > 0 ? OutputRing : OutputRows;
    }
}
